"""A graded assessment launched from the LMS: the launch opens it, the learner takes it, the
score goes back to the platform's gradebook; without our cookie in the iframe the learner
continues in a window of their own, through a one-time, short-lived hand-off."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client

from adaptive.models import Attempt
from lti.launch import _key
from lti.models import Batch, ScorePost
from tests.adaptive.assessment_factories import assessment_make, shown_value

from .conftest import launch
from .platform import LaunchSpec

pytestmark = pytest.mark.django_db
SPEC = LaunchSpec(sub="learner-7", custom={"target_type": "assessment", "target_key": "asc-theory"})


def answer_all(client, attempt_url: str) -> str:
    """Answer "A" to every question; return the URL the last answer redirects to."""
    location = attempt_url
    while location == attempt_url:
        page = client.get(attempt_url).content.decode()
        shown = re.search(r'name="item_version" value="(\d+)"', page).group(1)
        attempt_pk = int(attempt_url.rstrip("/").rsplit("/", 1)[1])
        answer = shown_value(attempt_pk, "A")
        location = client.post(attempt_url, {"item_version": shown, "answer": answer})["Location"]
    return location


def test_launched_assessment_is_taken_and_its_score_reaches_the_gradebook(
    client, platform, registration, small_bank, django_capture_on_commit_callbacks
):
    assessment_make()
    response = launch(client, platform, SPEC)
    assert response["Location"].startswith("/assess/asc-theory/?lti_launch=")
    assert "#lti-handoff=" in response["Location"]
    # The LMS course becomes a batch of the assessment's QP (trainers' mastery reports use it).
    assert Batch.objects.get(context_id="course-42").qualification_pack_code == "ASC/Q0202"
    start = client.get(response["Location"])
    assert start.status_code == 200 and "Start the assessment" in start.content.decode()

    attempt_url = client.post("/assess/asc-theory/")["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        result_url = answer_all(client, attempt_url)
    assert result_url.endswith("/result/")
    attempt = Attempt.objects.get()
    assert attempt.percent == 100.0

    (score,) = platform.scores
    assert score["userId"] == "learner-7"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100.0, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    post = ScorePost.objects.get()
    assert post.attempt_key == f"adaptive-attempt-{attempt.pk}"
    assert post.status == ScorePost.Status.SENT


def launched_location(location: str) -> tuple[str, str, str]:
    """(URL without fragment, launch id, hand-off secret) of a launch's redirect."""
    url, _, fragment = location.partition("#")
    return url, url.split("lti_launch=")[1], fragment.removeprefix("lti-handoff=")


def test_without_our_cookie_the_frame_offers_a_window_of_its_own(
    client, platform, registration, small_bank
):
    assessment_make()
    target, launch_id, secret = launched_location(launch(client, platform, SPEC)["Location"])

    framed = Client()  # the iframe: the browser dropped the session cookie
    page = framed.get(target)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Open Kaushal in a new window" in body
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    assert secret not in body  # the page's script reads it from the fragment

    window = Client()  # a top-level window: first-party cookies work
    opened = window.post("/lti/continue/", {"launch": launch_id, "secret": secret})
    assert opened["Location"] == "/assess/asc-theory/"
    assert "Start the assessment" in window.get(opened["Location"]).content.decode()
    # Once only: the same secret in another browser gets nowhere.
    again = Client().post("/lti/continue/", {"launch": launch_id, "secret": secret})
    assert again.status_code == 403
    assert not Attempt.objects.exists()


def test_a_stale_or_unknown_launch_cannot_be_continued(client, platform, registration, small_bank):
    assessment_make()
    target, launch_id, secret = launched_location(launch(client, platform, SPEC)["Location"])
    Client().get(target)
    record = cache.get(_key("handoff", launch_id))
    cache.set(_key("handoff", launch_id), {**record, "issued": time.time() - 3600})
    assert (
        Client().post("/lti/continue/", {"launch": launch_id, "secret": secret}).status_code == 403
    )
    forged = {"launch": "lti1p3-launch-forged", "secret": secret}
    assert Client().post("/lti/continue/", forged).status_code == 403
    assert Client().get("/assess/asc-theory/?lti_launch=forged").status_code == 404


def test_the_window_only_goes_to_our_own_pages(client, platform, registration, small_bank):
    assessment_make()
    target, launch_id, secret = launched_location(launch(client, platform, SPEC)["Location"])
    Client().get(target + "&next=https://evil.example/")
    opened = Client().post(
        "/lti/continue/?next=https://evil.example/", {"launch": launch_id, "secret": secret}
    )
    assert opened["Location"].startswith("/assess/asc-theory/")


def test_instructors_pick_active_assessments_when_deep_linking(small_bank):
    from lti import adapters

    assessment_make()
    assessment_make(slug="closed", title="Closed one", is_active=False)
    entries = adapters.catalogue("assessment")
    assert [(e.target_key, e.title, e.gradable) for e in entries] == [
        ("asc-theory", "ASC theory", True)
    ]
    assert adapters.target_url("assessment", "asc-theory") == "/assess/asc-theory/"
    assert adapters.target_url("assessment", "no-such-one") is None
