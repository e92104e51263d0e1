# ruff: noqa: F401, F811  (fixtures are imported from the app test packages; no conftest here)
"""Issue 13: a learner reviews their answers, the key and the feedback only when the assessment
allows it (``Assessment.review_after``), never during the window when it does not, and never
someone else's attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from adaptive.models import Attempt, ReviewAfter
from tests.adaptive.assessment_factories import (
    approver,
    assessment_make,
    assign,
    candidate,
    shown_value,
    small_bank,
)
from tests.question_bank.factories import asc_q0202, user_in

pytestmark = pytest.mark.django_db

# Only the key, the feedback or the review page carry these; the result page never does.
KEY_AND_FEEDBACK = ("Yes, because.", "No, because.", "General feedback.", "correct answer")


def _sit(client, assessment, *, right: bool = True) -> Attempt:
    """Take the whole paper through the pages, answering every question right (or wrong)."""
    client.post(reverse("adaptive:assessment_start", args=[assessment.slug]))
    attempt = Attempt.objects.get(assessment=assessment)
    while attempt.finished_at is None:
        client.post(
            reverse("adaptive:attempt", args=[attempt.pk]),
            {
                "item_version": attempt.current_item_version_id,
                "answer": shown_value(attempt.pk, "A" if right else "B"),
            },
        )
        attempt.refresh_from_db()
    return attempt


def _pages(client, attempt) -> str:
    result = client.get(reverse("adaptive:attempt_result", args=[attempt.pk]))
    review = client.get(reverse("adaptive:attempt_review", args=[attempt.pk]), follow=True)
    assert result.status_code == 200 and review.status_code == 200
    return result.content.decode() + review.content.decode()


def test_learner_never_gets_the_key_when_the_assessment_shows_no_answers(
    client, small_bank, candidate
):
    assessment = assessment_make(review_after=ReviewAfter.NONE)
    assign(assessment, candidate)
    client.force_login(candidate)
    attempt = _sit(client, assessment, right=False)
    html = _pages(client, attempt)
    assert not any(text in html for text in KEY_AND_FEEDBACK)
    assert "This assessment does not show its answers." in html


def test_learner_gets_no_key_before_the_window_closes_then_does(client, small_bank, candidate):
    assessment = assessment_make(review_after=ReviewAfter.AFTER_CLOSE)
    assignment = assign(assessment, candidate)
    client.force_login(candidate)
    attempt = _sit(client, assessment, right=False)
    html = _pages(client, attempt)
    assert not any(text in html for text in KEY_AND_FEEDBACK)
    assert "once this assessment&#x27;s window has closed" in html

    assignment.opens_at = timezone.now() - timedelta(days=3)
    assignment.closes_at = timezone.now() - timedelta(minutes=1)
    assignment.save()
    review = client.get(reverse("adaptive:attempt_review", args=[attempt.pk]))
    assert review.status_code == 200
    html = review.content.decode()
    assert "Yes, because." not in html  # the chosen option's feedback only: B was chosen
    assert "No, because." in html and "General feedback." in html
    assert html.count("correct answer") == len(attempt.paper)


def test_review_when_immediate_shows_answers_key_and_feedback(client, small_bank, candidate):
    assessment = assessment_make(review_after=ReviewAfter.IMMEDIATELY)
    assign(assessment, candidate)
    client.force_login(candidate)
    attempt = _sit(client, assessment, right=True)
    result = client.get(reverse("adaptive:attempt_result", args=[attempt.pk])).content.decode()
    assert reverse("adaptive:attempt_review", args=[attempt.pk]) in result
    html = client.get(reverse("adaptive:attempt_review", args=[attempt.pk])).content.decode()
    assert html.count("<strong>· your answer</strong>") == len(attempt.paper)
    assert "Yes, because." in html and "General feedback." in html


def test_no_review_of_an_unfinished_attempt_or_of_another_learners(client, small_bank, candidate):
    assessment = assessment_make(review_after=ReviewAfter.IMMEDIATELY)
    other = user_in(Role.LEARNER)
    assign(assessment, candidate, other)
    client.force_login(candidate)
    client.post(reverse("adaptive:assessment_start", args=[assessment.slug]))
    attempt = Attempt.objects.get(user=candidate)
    unfinished = client.get(reverse("adaptive:attempt_review", args=[attempt.pk]))
    assert unfinished.status_code == 302
    assert unfinished.url == reverse("adaptive:attempt", args=[attempt.pk])
    client.force_login(other)
    assert client.get(reverse("adaptive:attempt_review", args=[attempt.pk])).status_code == 404


def test_result_page_names_strengths_and_gaps_per_pc(client, small_bank, candidate):
    assessment = assessment_make()
    assign(assessment, candidate)
    client.force_login(candidate)
    attempt = _sit(client, assessment, right=True)
    html = client.get(reverse("adaptive:attempt_result", args=[attempt.pk])).content.decode()
    assert 'id="strengths"' in html and 'id="gaps"' not in html
    assert "PC1" in html and "PC2" in html


def test_a_trainers_preview_never_shows_the_key(client, small_bank):
    """Trainers preview papers as candidates see them, as often as they like, but may not read
    the bank's keys: a preview review would hand them the key of every item drawn."""
    assessment = assessment_make(review_after=ReviewAfter.IMMEDIATELY)
    client.force_login(user_in(Role.TRAINER))
    attempt = _sit(client, assessment, right=False)
    assert attempt.is_preview
    html = _pages(client, attempt)
    assert not any(text in html for text in KEY_AND_FEEDBACK)
    assert reverse("adaptive:attempt_review", args=[attempt.pk]) not in html.split("<main", 1)[-1]


def test_an_assessors_preview_shows_the_review_as_candidates_will_see_it(client, small_bank):
    assessment = assessment_make(review_after=ReviewAfter.IMMEDIATELY)
    client.force_login(user_in(Role.ASSESSOR))
    attempt = _sit(client, assessment, right=False)
    assert attempt.is_preview
    review = client.get(reverse("adaptive:attempt_review", args=[attempt.pk]))
    assert review.status_code == 200 and "No, because." in review.content.decode()
