# ruff: noqa: F401, F811  (fixtures)
"""The question page's progress: "question n of N" for a paper, and for a CAT a bar towards its
stopping rule: at least the share of the most questions, never the end before the fewest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
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
from tests.question_bank.factories import asc_q0202, user_in

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

    # A new candidate: the first one's seen questions are excluded from a second CAT, and on
    # this small bank what is left may not meet the blueprint (then the attempt stops at once).
    newcomer = user_in(Role.LEARNER)
    client.force_login(newcomer)
    second = assessment_make(slug="cat-2", delivery=Delivery.CAT, length=8, min_length=4)
    assign(second, newcomer)
    client.post(reverse("adaptive:assessment_start", args=[second.slug]))
    attempt = second.attempts.get()
    html = client.get(reverse("adaptive:attempt", args=[attempt.pk])).content.decode()
    assert "Question 1 (at most 8)" in html and 'id="progress-bar"' in html


def test_cat_steps_reuse_the_tabulated_bank_and_the_stored_standard_error(
    small_bank, candidate, monkeypatch
):
    """A CAT answer step tabulates the bank's log-probabilities once per built bank, not once
    per step, and the progress bar reads the standard error the step stored: estimating the
    ability again on each page was a third of the page's CPU. The stored value is the one a
    fresh estimate gives."""
    from adaptive.irt import PreparedBank
    from adaptive.progress import _information_share

    assessment = assessment_make(delivery=Delivery.CAT, length=8, min_length=4, se_target=0.5)
    assign(assessment, candidate)
    built = []
    original = PreparedBank.from_bank.__func__
    monkeypatch.setattr(
        PreparedBank,
        "from_bank",
        classmethod(lambda cls, bank, grid=None: built.append(1) or original(cls, bank, grid)),
    )
    attempt = delivery.attempt_start(user=candidate, assessment=assessment)
    for _ in range(3):
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=candidate,
            item_version_id=attempt.current_item_version_id,
            answer="A",
        )
    assert len(built) == 1
    stored = attempt.state["standard_error"]
    responses = list(attempt.responses.values_list("item_version_id", "score"))
    fresh = _information_share(
        type(attempt)(
            pk=attempt.pk,
            pool=attempt.pool,
            qualification_pack_code=attempt.qualification_pack_code,
            state={},
        ),
        responses,
        0.5,
    )
    assert _information_share(attempt, responses, 0.5) == pytest.approx(fresh, abs=0.02)
    assert 0 < stored < 1
    monkeypatch.setattr(
        "adaptive.progress.estimate_ability",
        lambda *a, **k: pytest.fail("the page estimated the ability again"),
    )
    attempt_progress(attempt=attempt)


def test_starts_share_one_built_bank_until_the_pool_changes(small_bank, candidate):
    """Candidates starting the same assessment share the bank built for its current pool; an
    item recalibrated or withdrawn meanwhile gives a new one, never a stale bank."""
    from adaptive.delivery import assessment_bank
    from question_bank.models import ItemStatus, ItemVersion

    assessment = assessment_make()
    first = assessment_bank(assessment)
    assert assessment_bank(assessment) is first
    item = first.items[0]
    type(small_bank[0]).objects.filter(pk=item.item_id).update(difficulty=1.25)
    recalibrated = assessment_bank(assessment)
    assert recalibrated is not first
    assert recalibrated.irt.difficulty[0] == pytest.approx(1.25, abs=1e-6)
    ItemVersion.objects.filter(pk=item.version_id).update(status=ItemStatus.RETIRED)
    assert item.version_id not in assessment_bank(assessment).version_ids
