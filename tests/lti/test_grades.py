"""Assignment and Grade Services: line items, scores posted once per finished attempt by a Celery
task with retry, cached access tokens, failures visible to admins, results read back."""

from __future__ import annotations

import pytest
from celery import current_app
from django.contrib.auth import get_user_model

from lti import selectors, services
from lti.models import LineItem, PlatformUser, ResourceLink, ScorePost
from lti.tasks import MAX_RETRIES, backoff_seconds

from .conftest import launch
from .platform import LaunchSpec

pytestmark = pytest.mark.django_db
ASSESSMENT = {"target_type": "assessment", "target_key": "pv-final"}


@pytest.fixture
def learner(client, platform, registration):
    response = launch(client, platform, LaunchSpec(sub="learner-7", custom=ASSESSMENT))
    assert response.status_code == 302
    return PlatformUser.objects.get(sub="learner-7").user


def publish(capture, user, attempt_key="attempt-1", score=7.5):
    with capture(execute=True):
        return services.grade_publish(
            user=user,
            resource_link_or_assessment_key="pv-final",
            score_given=score,
            score_maximum=10,
            attempt_key=attempt_key,
        )


def test_finished_attempt_creates_a_line_item_and_posts_the_score(
    platform, learner, django_capture_on_commit_callbacks
):
    (post,) = publish(django_capture_on_commit_callbacks, learner)

    post.refresh_from_db()
    assert post.status == ScorePost.Status.SENT
    (item,) = platform.line_items.values()
    assert item["scoreMaximum"] == 10
    assert item["resourceLinkId"] == "rl-1"
    assert item["resourceId"] == "pv-final"
    assert item["label"] == "Week 1"
    (score,) = platform.scores
    assert score["userId"] == "learner-7"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (7.5, 10)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert "timestamp" in score
    assert LineItem.objects.get().url == item["id"]


def test_the_same_attempt_is_posted_exactly_once(
    platform, learner, django_capture_on_commit_callbacks
):
    publish(django_capture_on_commit_callbacks, learner)
    publish(django_capture_on_commit_callbacks, learner)
    assert len(platform.scores) == 1
    assert ScorePost.objects.count() == 1
    publish(django_capture_on_commit_callbacks, learner, attempt_key="attempt-2", score=9)
    assert [s["scoreGiven"] for s in platform.scores] == [7.5, 9]


def test_access_token_is_cached_until_expiry(platform, learner, django_capture_on_commit_callbacks):
    publish(django_capture_on_commit_callbacks, learner)
    tokens_after_first = [c for c in platform.calls if c[1] == "/token"]
    assert len(tokens_after_first) == 2  # one per scope: line item management, score
    publish(django_capture_on_commit_callbacks, learner, attempt_key="attempt-2")
    assert [c for c in platform.calls if c[1] == "/token"] == tokens_after_first
    assert len(platform.scores) == 2


def test_platform_that_fails_then_recovers_gets_the_score(
    platform, learner, django_capture_on_commit_callbacks
):
    platform.fail_next["ags"] = 2  # two 503s, then the platform is back
    (post,) = publish(django_capture_on_commit_callbacks, learner)
    post.refresh_from_db()
    assert post.status == ScorePost.Status.SENT
    assert post.tries == 3
    assert len(platform.scores) == 1


def test_permanent_failure_is_visible_to_admins_and_can_be_retried(
    platform, learner, django_capture_on_commit_callbacks, admin_client
):
    platform.fail_next["ags"] = 1000
    (post,) = publish(django_capture_on_commit_callbacks, learner)
    post.refresh_from_db()
    assert post.status == ScorePost.Status.FAILED
    assert post.tries == MAX_RETRIES + 1
    assert "503" in post.last_error
    changelist = admin_client.get("/django-admin/lti/scorepost/?status=failed")
    assert "attempt-1" in changelist.content.decode()

    platform.fail_next["ags"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/django-admin/lti/scorepost/",
            {"action": "retry", "_selected_action": [post.pk]},
        )
    post.refresh_from_db()
    assert post.status == ScorePost.Status.SENT
    assert len(platform.scores) == 1


def test_rejected_client_assertion_fails_without_retrying(
    platform, learner, django_capture_on_commit_callbacks
):
    platform._tool_key_set = lambda: {"keys": []}  # the platform does not know our key
    (post,) = publish(django_capture_on_commit_callbacks, learner)
    post.refresh_from_db()
    assert post.status == ScorePost.Status.FAILED
    assert post.tries == 1
    assert "token endpoint said 400" in post.last_error
    assert platform.scores == []


def test_line_item_given_by_the_platform_is_used_as_is(
    client, platform, registration, django_capture_on_commit_callbacks
):
    platform.line_items["77"] = {
        "id": f"{platform.url}/ags/course-42/lineitems/77",
        "scoreMaximum": 10,
        "label": "Quiz",
    }
    spec = LaunchSpec(
        sub="learner-8", custom=ASSESSMENT, lineitem=f"{platform.url}/ags/course-42/lineitems/77"
    )
    launch(client, platform, spec)
    user = PlatformUser.objects.get(sub="learner-8").user
    publish(django_capture_on_commit_callbacks, user)
    assert list(platform.line_items) == ["77"]
    assert platform.scores[0]["line_item"] == "77"


def test_existing_line_item_for_the_link_is_found_not_duplicated(
    platform, learner, django_capture_on_commit_callbacks
):
    platform.line_items["5"] = {
        "id": f"{platform.url}/ags/course-42/lineitems/5",
        "scoreMaximum": 10,
        "label": "Old",
        "resourceLinkId": "rl-1",
    }
    publish(django_capture_on_commit_callbacks, learner)
    assert list(platform.line_items) == ["5"]
    assert platform.scores[0]["line_item"] == "5"


def test_results_can_be_read_back(platform, learner, django_capture_on_commit_callbacks):
    publish(django_capture_on_commit_callbacks, learner, score=6)
    (result,) = selectors.line_item_results(resource_link=ResourceLink.objects.get())
    assert (result["userId"], result["resultScore"], result["resultMaximum"]) == (
        "learner-7",
        6,
        10,
    )


def test_lower_layers_enqueue_by_task_name(platform, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        current_app.signature(
            "lti.tasks.attempt_grade_publish",
            kwargs={
                "user_id": learner.pk,
                "assessment_key": "pv-final",
                "score_given": 4,
                "score_maximum": 10,
                "attempt_key": "adaptive-attempt-31",
            },
        ).delay()
    assert ScorePost.objects.get().attempt_key == "adaptive-attempt-31"
    assert platform.scores[0]["scoreGiven"] == 4


def test_user_without_a_platform_link_gets_nothing_queued(db):
    user = get_user_model().objects.create(username="offline")
    assert (
        services.grade_publish(
            user=user,
            resource_link_or_assessment_key="pv-final",
            score_given=1,
            score_maximum=2,
            attempt_key="a",
        )
        == []
    )


def test_impossible_score_is_refused(learner):
    with pytest.raises(ValueError):
        services.grade_publish(
            user=learner,
            resource_link_or_assessment_key="pv-final",
            score_given=11,
            score_maximum=10,
            attempt_key="a",
        )
    assert not ScorePost.objects.exists()


def test_backoff_grows_and_is_capped():
    assert [backoff_seconds(n) for n in range(3)] == [30, 60, 120]
    assert backoff_seconds(20) == 3600
