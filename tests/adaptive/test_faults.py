"""A sitting under faults: an answer submitted twice (one after the other, or at the same
moment from two requests), a connection that drops mid-answer and a reload (the sitting resumes
at the same question, the clock keeps running from the server's deadline), the database going
away inside the answer's transaction (a clean 503, nothing half-written, the sitting resumes),
and a time limit that runs out with the browser gone (finished with what was answered, one
grade)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from adaptive import delivery
from adaptive.models import Attempt, Response
from adaptive.tasks import attempts_close_overdue

from .assessment_factories import assessment_make, assigned_start, assigned_to, shown_value


def on_screen(page: str) -> int:
    return int(re.search(r'name="item_version" value="(\d+)"', page).group(1))


def seconds_left(page: str) -> int:
    return int(re.search(r'data-seconds="(\d+)"', page).group(1))


@pytest.fixture
def sitting(client, small_bank, candidate):
    """A candidate in a 30-minute LOFT sitting, through the pages."""
    assigned_to(assessment_make(time_limit_minutes=30), candidate)
    client.force_login(candidate)
    url = client.post("/assess/asc-theory/")["Location"]
    return url, Attempt.objects.get()


@pytest.mark.django_db
def test_a_reload_resumes_at_the_same_question_and_the_clock_keeps_running(client, sitting):
    url, attempt = sitting
    first = client.get(url).content.decode()
    # Ten minutes pass on the server (the candidate's connection is gone meanwhile).
    Attempt.objects.filter(pk=attempt.pk).update(deadline=attempt.deadline - timedelta(minutes=10))
    again = client.get(url).content.decode()
    assert on_screen(again) == on_screen(first)
    assert 19 * 60 <= seconds_left(again) <= 20 * 60
    # Starting again from the assessment's page resumes the same attempt: no fresh clock.
    assert client.post("/assess/asc-theory/")["Location"] == url
    assert seconds_left(client.get(url).content.decode()) <= 20 * 60
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_an_answer_whose_reply_was_lost_is_kept_once_and_the_reload_shows_the_next(client, sitting):
    url, attempt = sitting
    item = on_screen(client.get(url).content.decode())
    answer = {"item_version": item, "answer": shown_value(attempt.pk, "A")}
    client.post(url, answer)  # reached the server; the reply never reached the browser
    page = client.get(url).content.decode()
    assert on_screen(page) != item
    # The browser sends the same form again (back, resubmit): reported, nothing changes.
    again = client.post(url, answer, follow=True).content.decode()
    assert "already recorded" in again
    assert Response.objects.filter(attempt=attempt, item_version_id=item).count() == 1
    assert Response.objects.filter(attempt=attempt).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_submitting_one_answer_at_the_same_moment_store_it_once(small_bank, candidate):
    assessment = assessment_make()
    attempt = assigned_start(user=candidate, assessment=assessment)
    item = attempt.current_item_version_id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            mine = Attempt.objects.get(pk=attempt.pk)
            barrier.wait(timeout=10)
            delivery.attempt_answer(attempt=mine, user=candidate, item_version_id=item, answer="A")
            outcomes.append("stored")
        except delivery.DuplicateResponseError:
            outcomes.append("duplicate")
        except delivery.AssessmentUnavailableError:
            outcomes.append("moved on")  # the other request already advanced the attempt
        except OperationalError:
            outcomes.append("busy")  # SQLite's one writer: the view answers 503, try again
        finally:
            connections.close_all()

    def again() -> str:
        """The candidate's retry after the 503 page, once the other request is over."""
        try:
            mine = Attempt.objects.get(pk=attempt.pk)
            delivery.attempt_answer(attempt=mine, user=candidate, item_version_id=item, answer="A")
            return "stored"
        except delivery.DuplicateResponseError:
            return "duplicate"
        except delivery.AssessmentUnavailableError:
            return "moved on"

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # On SQLite both requests can find the database busy at the same moment (each is then
    # answered 503 and retried); whichever way it goes, the answer is stored exactly once.
    outcomes = [again() if outcome == "busy" else outcome for outcome in outcomes]
    assert sorted(outcomes).count("stored") == 1, outcomes
    assert Response.objects.filter(attempt=attempt).count() == 1
    attempt.refresh_from_db()
    assert attempt.current_item_version_id != item  # advanced once, past the answered question
    assert attempt.responses.get().item_version_id == item


@pytest.mark.django_db
def test_a_database_lost_inside_the_answer_fails_cleanly_and_the_sitting_resumes(client, sitting):
    url, attempt = sitting
    item = on_screen(client.get(url).content.decode())
    answer = {"item_version": item, "answer": shown_value(attempt.pk, "A")}
    lost = OperationalError("server closed the connection unexpectedly")
    # The response row is written, then the database goes away before the attempt moves on.
    with mock.patch("adaptive.delivery._advance", side_effect=lost):
        failed = client.post(url, answer)
    assert failed.status_code == 503
    assert "try again" in failed.content.decode().lower()
    assert failed["Retry-After"]
    assert not Response.objects.filter(attempt=attempt).exists()  # nothing half-written
    attempt.refresh_from_db()
    assert attempt.current_item_version_id == item and attempt.finished_at is None

    with mock.patch("adaptive.delivery.attempt_expire_if_due", side_effect=lost):
        assert client.get(url).status_code == 503  # the page itself, while the database is down

    # The database is back: the same question, and the same answer is taken, once.
    assert on_screen(client.get(url).content.decode()) == item
    client.post(url, answer)
    assert Response.objects.filter(attempt=attempt).count() == 1
    assert on_screen(client.get(url).content.decode()) != item
    assert connection.is_usable()


@pytest.mark.django_db
def test_a_time_limit_that_runs_out_finishes_with_what_was_answered_and_grades_once(
    client, sitting, django_capture_on_commit_callbacks
):
    url, attempt = sitting
    for key in ("A", "B"):  # one right, one wrong
        page = client.get(url).content.decode()
        client.post(url, {"item_version": on_screen(page), "answer": shown_value(attempt.pk, key)})
    page = client.get(url).content.decode()
    late = {"item_version": on_screen(page), "answer": shown_value(attempt.pk, "A")}
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    with (
        mock.patch("adaptive.delivery._grade_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert attempts_close_overdue() == 1  # the browser is gone; the beat job finishes it
        assert attempts_close_overdue() == 0  # the next tick finds nothing
        client.post(url, late)  # the candidate's browser comes back too late
        client.get(url)
    attempt.refresh_from_db()
    assert attempt.stop_reason == "time_limit"
    assert (attempt.raw_score, attempt.max_score, attempt.percent) == (1.0, 4.0, 25.0)
    assert attempt.responses.count() == 2
    (call,) = enqueue.call_args_list
    assert call.args[0]["score_given"] == 25.0
    assert call.args[0]["attempt_key"] == f"adaptive-attempt-{attempt.pk}"
