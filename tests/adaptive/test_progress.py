# ruff: noqa: F401, F811  (fixtures)
"""The question page's progress: "question n of N" for a paper, and for a CAT a bar towards its
stopping rule: at least the share of the most questions, never the end before the fewest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from adaptive import delivery
from adaptive.models import Delivery
from adaptive.progress import attempt_progress
from tests.adaptive.assessment_factories import (
    approver,
    assessment_make,
    assign,
    candidate,
    small_bank,
)
from tests.question_bank.factories import asc_q0202

pytestmark = pytest.mark.django_db


def test_paper_progress_counts_questions(small_bank, candidate):
    assessment = assessment_make()
    assign(assessment, candidate)
    attempt = delivery.attempt_start(user=candidate, assessment=assessment)
    assert attempt_progress(attempt=attempt).number == 1
    attempt = delivery.attempt_answer(
        attempt=attempt,
        user=candidate,
        item_version_id=attempt.current_item_version_id,
        answer="A",
    )
    progress = attempt_progress(attempt=attempt)
    assert (progress.number, progress.total, progress.percent) == (2, 4, 25)
    assert not progress.is_adaptive


def test_cat_progress_moves_towards_the_stopping_rule(client, small_bank, candidate):
    assessment = assessment_make(delivery=Delivery.CAT, length=8, min_length=4, se_target=0.5)
    assign(assessment, candidate)
    attempt = delivery.attempt_start(user=candidate, assessment=assessment)
    seen = []
    while attempt.finished_at is None:
        progress = attempt_progress(attempt=attempt)
        assert progress.is_adaptive and progress.total == 8 and progress.min_length == 4
        seen.append(progress.percent)
        answered = progress.number - 1
        assert progress.percent >= round(100 * answered / 8)
        if answered <= 4:
            assert progress.percent <= round(100 * answered / 4)
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=candidate,
            item_version_id=attempt.current_item_version_id,
            answer="A",
        )
    assert seen[0] == 0 and seen[-1] > seen[0] and max(seen) < 100

    client.force_login(candidate)
    second = assessment_make(slug="cat-2", delivery=Delivery.CAT, length=8, min_length=4)
    assign(second, candidate)
    client.post(reverse("adaptive:assessment_start", args=[second.slug]))
    attempt = second.attempts.get()
    html = client.get(reverse("adaptive:attempt", args=[attempt.pk])).content.decode()
    assert "Question 1 (at most 8)" in html and 'id="progress-bar"' in html
