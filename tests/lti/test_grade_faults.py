"""Grades under faults: a worker killed mid-send (the outbox re-enqueues, the grade goes once),
an LMS score endpoint that fails half the time and answers too late the rest (every score
reaches the gradebook once, retried with backoff), and a token endpoint that refuses our
credentials (failed at once with a clear reason, no loop)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from lti import services
from lti.models import PlatformUser, ScorePost
from lti.tasks import MAX_RETRIES, backoff_seconds, score_post, score_posts_requeue

from .conftest import launch
from .platform import LaunchSpec

pytestmark = pytest.mark.django_db
ASSESSMENT = {"target_type": "assessment", "target_key": "pv-final"}


@pytest.fixture
def learner(client, platform, registration):
    launch(client, platform, LaunchSpec(sub="learner-7", custom=ASSESSMENT))
    return PlatformUser.objects.get(sub="learner-7").user


def queue(user, attempt_key: str = "attempt-1", score: float = 7.5) -> ScorePost:
    """A grade queued while the broker loses the task (as when the worker is killed)."""
    with mock.patch("lti.services.score_post_enqueue"):
        (post,) = services.grade_publish(
            user=user,
            resource_link_or_assessment_key="pv-final",
            score_given=score,
            score_maximum=10,
            attempt_key=attempt_key,
        )
    return post


def test_a_grade_whose_task_was_lost_is_sent_once_by_the_outbox_job(platform, learner):
    post = queue(learner)
    assert score_posts_requeue() == 0  # too young: its task may still be on its way
    ScorePost.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=6))

    assert score_posts_requeue() == 1

    post.refresh_from_db()
    assert post.status == ScorePost.Status.SENT
    assert len(platform.scores) == 1
    assert score_posts_requeue() == 0  # the next beat tick finds nothing to do
    assert len(platform.scores) == 1


def test_a_worker_killed_mid_send_leaves_a_post_that_is_sent_after_restart_once(platform, learner):
    post = queue(learner)
    # The worker claimed it (status "sending") and died before recording the outcome.
    ScorePost.objects.filter(pk=post.pk).update(
        status=ScorePost.Status.SENDING, tries=1, last_try_at=timezone.now()
    )
    # The broker redelivers the task (acks_late) while a send may still be running: no resend.
    assert services.score_post_send(score_post_id=post.pk) is False
    assert score_posts_requeue() == 0
    assert platform.scores == []

    ScorePost.objects.filter(pk=post.pk).update(last_try_at=timezone.now() - timedelta(minutes=11))
    assert score_posts_requeue() == 1

    post.refresh_from_db()
    assert post.status == ScorePost.Status.SENT
    assert post.tries == 2
    assert len(platform.scores) == 1
    # Two sends of the same grade carry the same timestamp: the platform keeps one result.
    assert platform.scores[0]["timestamp"] == post.created_at.isoformat(timespec="milliseconds")


def test_a_redelivered_task_after_the_grade_was_sent_sends_nothing(platform, learner):
    post = queue(learner)
    assert services.score_post_send(score_post_id=post.pk) is True
    assert services.score_post_send(score_post_id=post.pk) is False
    assert len(platform.scores) == 1


def test_a_flaky_and_late_score_endpoint_gets_every_grade_once(
    platform, learner, django_capture_on_commit_callbacks
):
    # Half the score calls fail with a 503; of the others, one in two is stored by the platform
    # but its answer never reaches the tool (as when the platform answers after our timeout).
    calls = {"n": 0}

    def flaky(method, path):
        if not path.endswith("/scores"):
            return None
        calls["n"] += 1
        return {1: "fail", 2: "drop", 3: "fail", 0: None}[calls["n"] % 4]

    platform.fault = flaky
    delays: list[int] = []

    def backoff(retries: int) -> int:
        delays.append(backoff_seconds(retries))
        return delays[-1]

    with (
        mock.patch("lti.tasks.backoff_seconds", backoff),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for k in range(4):
            services.grade_publish(
                user=learner,
                resource_link_or_assessment_key="pv-final",
                score_given=k + 1,
                score_maximum=10,
                attempt_key=f"attempt-{k}",
            )

    posts = list(ScorePost.objects.order_by("attempt_key"))
    assert [p.status for p in posts] == [ScorePost.Status.SENT] * 4
    assert [p.tries for p in posts] == [4] * 4
    assert delays == [30, 60, 120] * 4  # exponential backoff, restarted for each grade
    # The gradebook: one result per attempt with its score; a repeated delivery carries the same
    # timestamp, so the platform keeps one result.
    stamps: dict[float, set[str]] = {}
    for score in platform.scores:
        stamps.setdefault(score["scoreGiven"], set()).add(score["timestamp"])
    assert sorted(stamps) == [1, 2, 3, 4]
    assert all(len(s) == 1 for s in stamps.values())
    assert len(platform.scores) == 8  # each grade arrived twice: once lost on the way back


@pytest.mark.parametrize("status", [400, 401])
def test_a_token_endpoint_refusing_our_credentials_fails_once_with_a_clear_reason(
    platform, learner, django_capture_on_commit_callbacks, status
):
    def refuse(method, path):
        if path == "/token":
            return (status, {"Content-Type": "application/json"}, '{"error": "invalid_client"}')
        return None

    platform.fault = refuse
    with django_capture_on_commit_callbacks(execute=True):
        (post,) = services.grade_publish(
            user=learner,
            resource_link_or_assessment_key="pv-final",
            score_given=5,
            score_maximum=10,
            attempt_key="attempt-1",
        )
    post.refresh_from_db()
    assert post.status == ScorePost.Status.FAILED
    assert post.tries == 1
    assert "the platform refused the tool's credentials" in post.last_error
    assert "invalid_client" in post.last_error
    tokens = [c for c in platform.calls if c[1] == "/token"]
    assert len(tokens) == 1
    # The outbox job leaves a post that failed for good alone: no loop.
    ScorePost.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert score_posts_requeue() == 0
    assert len([c for c in platform.calls if c[1] == "/token"]) == 1


def test_a_grade_that_keeps_failing_stops_after_the_retries_in_the_database(platform, learner):
    post = queue(learner)
    ScorePost.objects.filter(pk=post.pk).update(tries=MAX_RETRIES)
    platform.fail_next["ags"] = 1000
    score_post.apply(args=[post.pk])
    post.refresh_from_db()
    assert post.status == ScorePost.Status.FAILED
    assert post.tries == MAX_RETRIES + 1
    assert f"gave up after {MAX_RETRIES + 1} tries" in post.last_error


def test_the_assessor_sees_each_grade_and_send_again_is_idempotent(
    client, platform, learner, small_bank, django_capture_on_commit_callbacks
):
    from accounts.roles import Role
    from adaptive.models import Attempt, Mode
    from tests.adaptive.assessment_factories import assessment_make
    from tests.question_bank.factories import user_in

    # An LMS candidate sits at no centre: the results are the creator's (and administrators').
    assessor = user_in(Role.ASSESSOR)
    assessment = assessment_make(slug="pv-final", created_by=assessor)
    attempt = Attempt.objects.create(
        user=learner, mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202",
        assessment=assessment, finished_at=timezone.now(), percent=75.0, passed=True,
        raw_score=3, max_score=4,
    )  # fmt: skip
    queue(learner, attempt_key=f"adaptive-attempt-{attempt.pk}")
    post = ScorePost.objects.get()
    client.force_login(assessor)
    results = f"/admin/assessment-results/{assessment.pk}/"
    send_again = f"/admin/assessment-results/attempts/{attempt.pk}/grade/"

    page = client.get(results).content.decode()
    assert "Send grade again" in page and ": pending" in page
    with (
        mock.patch("lti.services.score_post_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer = client.post(send_again, follow=True).content.decode()
        client.post(send_again)
    assert enqueue.call_count == 0  # still pending: the clicks queued nothing
    assert "already on its way, nothing new was queued" in answer
    assert platform.scores == []

    platform.fail_next["ags"] = 1000
    ScorePost.objects.filter(pk=post.pk).update(tries=MAX_RETRIES)
    score_post.apply(args=[post.pk])
    page = client.get(results).content.decode()
    assert ": failed" in page and "gave up after" in page

    platform.fail_next["ags"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(send_again, follow=True).content.decode()
    assert "queued again" in answer
    post.refresh_from_db()
    assert post.status == ScorePost.Status.SENT
    assert ": sent" in client.get(results).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(send_again, follow=True).content.decode()
    assert "the LMS has it, nothing was sent again" in answer
    assert len(platform.scores) == 1
