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
from tests.adaptive.assessment_factories import assessment_make

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
        location = client.post(attempt_url, {"item_version": shown, "answer": "A"})["Location"]
    return location


def test_launched_assessment_is_taken_and_its_score_reaches_the_gradebook(
    client, platform, registration, small_bank, django_capture_on_commit_callbacks
):
    assessment_make()
    response = launch(client, platform, SPEC)
    assert response["Location"].startswith("/assess/asc-theory/?lti_launch=")
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


def test_without_our_cookie_the_frame_offers_a_window_of_its_own(
    client, platform, registration, small_bank
):
    assessment_make()
    target = launch(client, platform, SPEC)["Location"]
    launch_id = target.split("lti_launch=")[1]

    framed = Client()  # the iframe: the browser dropped the session cookie
    page = framed.get(target)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Open Kaushal in a new window" in body
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    continue_url = (
        re.search(r'id="lti-continue" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    )
    assert continue_url.startswith(f"/lti/continue/{launch_id}/?next=")

    window = Client()  # a top-level window: first-party cookies work
    opened = window.get(continue_url)
    assert opened["Location"] == "/assess/asc-theory/"
    assert "Start the assessment" in window.get(opened["Location"]).content.decode()
    # Once only: the same link in another browser gets nowhere.
    again = Client().get(continue_url)
    assert again.status_code == 403
    assert not Attempt.objects.exists()


def test_a_stale_or_unknown_launch_cannot_be_continued(client, platform, registration, small_bank):
    assessment_make()
    target = launch(client, platform, SPEC)["Location"]
    launch_id = target.split("lti_launch=")[1]
    claims = cache.get(_key("launch", launch_id))
    cache.set(_key("launch", launch_id), {**claims, "iat": int(time.time()) - 3600})
    assert Client().get(f"/lti/continue/{launch_id}/").status_code == 403
    assert Client().get("/lti/continue/lti1p3-launch-forged/").status_code == 403
    assert Client().get("/assess/asc-theory/?lti_launch=forged").status_code == 404


def test_the_window_only_goes_to_our_own_pages(client, platform, registration, small_bank):
    assessment_make()
    target = launch(client, platform, SPEC)["Location"]
    launch_id = target.split("lti_launch=")[1]
    opened = Client().get(f"/lti/continue/{launch_id}/?next=https://evil.example/")
    assert opened["Location"] == "/dashboard/"


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
