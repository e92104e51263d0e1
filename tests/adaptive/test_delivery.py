"""Delivering graded assessments: LOFT papers and CAT tests under the QP blueprint, one question
at a time, stopping, scoring, exposure, reassessment, time limits and bad submissions."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from itertools import combinations

import pytest
from django.utils import timezone

from accounts.roles import Role
from adaptive import delivery
from adaptive.irt import blueprint_violations
from adaptive.models import Attempt, Delivery, Response
from adaptive.papers import bank_build, blueprint_build
from question_bank.models import Item, PerformanceCriterion
from tests.question_bank.factories import user_in

from .assessment_factories import BANK_PCS, assessment_make, assigned_start

pytestmark = pytest.mark.django_db


def take(attempt: Attempt, user, *, correct: bool = True) -> Attempt:
    """Answer every question the attempt puts on screen (key "A" is right) until it ends."""
    while attempt.finished_at is None:
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=user,
            item_version_id=attempt.current_item_version_id,
            answer="A" if correct else "B",
        )
    return attempt


def bank_indices(attempt: Attempt) -> list[int]:
    order = {v: i for i, v in enumerate(attempt.pool)}
    return [order[v] for v in attempt.responses.values_list("item_version_id", flat=True)]


def test_blueprint_gives_each_pc_its_share_of_the_theory_marks(small_bank):
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    pcs = {
        pc.pk: float(pc.theory_marks)
        for pc in PerformanceCriterion.objects.filter(pk__in={p.pc_id for p in bank.items})
    }
    total = sum(pcs.values())
    blueprint = blueprint_build(bank, length=10)
    by_name = {c.name: c for c in blueprint.constraints}
    for nos, code in BANK_PCS:
        pc = PerformanceCriterion.objects.filter(nos__code=nos, code=code).first()
        c = by_name[f"{nos} {code}"]
        share = 10 * pcs[pc.pk] / total
        assert (c.minimum, c.maximum) == (math.floor(share), math.ceil(share))
    # ASC/Q0202's other theory PCs have no questions yet: named, and their marks spread.
    assert "ASC/N0003 PC1" in bank.unassessable_pcs
    assert sum(bank.pc_weight.values()) == pytest.approx(1.0)


def test_loft_paper_meets_the_blueprint_and_is_scored_by_marks(small_bank, candidate):
    assessment = assessment_make()
    attempt = assigned_start(user=candidate, assessment=assessment)
    bank = bank_build(qualification_pack_code="ASC/Q0202", version_ids=attempt.pool)
    blueprint = blueprint_build(bank, length=4)
    assert len(attempt.paper) == 4
    assert blueprint_violations(blueprint, attempt.paper) == []
    assert attempt.current_item_version_id == attempt.pool[attempt.paper[0]]

    # Right, wrong, right, right: 3 marks of 4.
    for k in range(4):
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=candidate,
            item_version_id=attempt.current_item_version_id,
            answer="B" if k == 1 else "A",
        )
    assert attempt.finished_at is not None
    assert bank_indices(attempt) == attempt.paper
    assert (attempt.raw_score, attempt.max_score, attempt.percent) == (3.0, 4.0, 75.0)
    assert attempt.passed is True  # ASC/Q0202's pass percentage is 75
    assert attempt.stop_reason == "paper_complete"
    assert attempt.current_item_version is None
    assert {row["nos_code"] for row in attempt.subscores} == {"ASC/N0001", "ASC/N0002"}
    assert sum(row["questions"] for row in attempt.subscores) == 4
    assert math.isfinite(attempt.theta) and attempt.standard_error > 0


def test_loft_papers_at_one_centre_differ_within_the_overlap_cap(small_bank):
    assessment = assessment_make(max_overlap=0.25)
    papers = []
    for _ in range(5):
        attempt = assigned_start(user=user_in(Role.LEARNER), assessment=assessment)
        assert attempt.state["overlap_cap"] == 0.25
        papers.append({attempt.pool[i] for i in attempt.paper})
    for a, b in combinations(papers, 2):
        assert len(a & b) <= 1  # floor(0.25 * 4)


def test_a_bank_too_small_for_the_cap_raises_it_and_says_so_rather_than_refusing(small_bank):
    assessment = assessment_make(max_overlap=0.0)  # no shared question at all: ~5 papers at most
    attempts = [assigned_start(user=user_in(Role.LEARNER), assessment=assessment) for _ in range(7)]
    caps = [a.state["overlap_cap"] for a in attempts]
    assert caps[:4] == [0.0] * 4
    assert caps[-1] > 0.0  # raised, recorded on the attempt (the results page shows it)
    disjoint = [
        {a.pool[i] for i in a.paper} for a, cap in zip(attempts, caps, strict=True) if cap == 0.0
    ]
    assert all(not (p & q) for p, q in combinations(disjoint, 2))


def test_enemy_items_never_share_a_paper(small_bank, candidate):
    first, second = small_bank[0], small_bank[1]  # same PC
    first.enemies.add(second)
    assessment = assessment_make(length=8)  # two questions per PC: without the rule, likely
    for _ in range(6):
        attempt = assigned_start(user=user_in(Role.LEARNER), assessment=assessment)
        items = set(
            Item.objects.filter(
                versions__pk__in=[attempt.pool[i] for i in attempt.paper]
            ).values_list("pk", flat=True)
        )
        assert not {first.pk, second.pk} <= items


def test_cat_runs_to_a_stop_meeting_the_blueprint_and_counts_exposure(small_bank):
    assessment = assessment_make(
        slug="cat", delivery=Delivery.CAT, length=8, min_length=4, se_target=0.5
    )
    for correct in (True, False):
        user = user_in(Role.LEARNER)
        attempt = take(assigned_start(user=user, assessment=assessment), user,
                       correct=correct)  # fmt: skip
        given = bank_indices(attempt)
        assert len(given) == len(set(given))
        assert 4 <= len(given) <= 8
        bank = bank_build(qualification_pack_code="ASC/Q0202", version_ids=attempt.pool)
        blueprint = blueprint_build(bank, length=8, min_length=4)
        assert blueprint_violations(blueprint, given) == []
        assert attempt.stop_reason in ("se_target", "max_length")
        # The CAT's percent is the expected share of theory marks at the final ability.
        assert attempt.percent == pytest.approx(bank.expected_percent(attempt.theta), abs=0.01)
    high, low = Attempt.objects.filter(assessment=assessment).order_by("pk")
    assert high.theta > low.theta and high.percent > low.percent
    assessment.refresh_from_db()
    assert assessment.exposure_state["tests"] == 2
    administered = sum(row[0] for row in assessment.exposure_state["items"].values())
    assert administered == high.responses.count() + low.responses.count()


def test_a_candidate_can_answer_only_the_question_on_screen_and_only_once(small_bank, candidate):
    attempt = assigned_start(user=candidate, assessment=assessment_make())
    other = next(v for v in attempt.pool if v != attempt.current_item_version_id)
    with pytest.raises(delivery.AssessmentUnavailableError, match="not the question on your"):
        delivery.attempt_answer(attempt=attempt, user=candidate, item_version_id=other, answer="A")
    assert Response.objects.count() == 0
    shown = attempt.current_item_version_id
    attempt = delivery.attempt_answer(
        attempt=attempt, user=candidate, item_version_id=shown, answer="A"
    )
    with pytest.raises(delivery.DuplicateResponseError, match="already recorded"):
        delivery.attempt_answer(attempt=attempt, user=candidate, item_version_id=shown, answer="B")
    assert Response.objects.get().is_correct is True
    # Someone else cannot answer in this attempt, and an unknown option changes nothing.
    with pytest.raises(delivery.AssessmentUnavailableError, match="another candidate"):
        delivery.attempt_answer(
            attempt=attempt,
            user=user_in(Role.LEARNER),
            item_version_id=attempt.current_item_version_id,
            answer="A",
        )
    with pytest.raises(delivery.ValidationError, match="unknown option"):
        delivery.attempt_answer(
            attempt=attempt,
            user=candidate,
            item_version_id=attempt.current_item_version_id,
            answer="Z",
        )
    assert Response.objects.count() == 1


def test_starting_again_resumes_and_attempts_are_limited(small_bank, candidate):
    assessment = assessment_make(max_attempts=1)
    first = assigned_start(user=candidate, assessment=assessment)
    assert assigned_start(user=candidate, assessment=assessment).pk == first.pk
    take(first, candidate)
    with pytest.raises(delivery.AssessmentUnavailableError, match="used all 1 attempt"):
        assigned_start(user=candidate, assessment=assessment)
    assessment.is_active = False
    assessment.save()
    with pytest.raises(delivery.AssessmentUnavailableError, match="closed"):
        assigned_start(user=user_in(Role.LEARNER), assessment=assessment)


def test_reassessment_excludes_every_question_seen_before(small_bank, candidate):
    assessment = assessment_make(max_attempts=10, length=4)
    papers = []
    with pytest.raises(delivery.AssessmentUnavailableError, match="not seen before"):
        for _ in range(10):  # 20 questions, 4 per paper: the bank runs out of unseen ones
            attempt = take(assigned_start(user=candidate, assessment=assessment), candidate)
            papers.append({attempt.pool[i] for i in attempt.paper})
    assert len(papers) >= 3
    assert all(not (p & q) for p, q in combinations(papers, 2))
    assert Attempt.objects.filter(user=candidate).count() == len(papers)  # nothing half-made


def test_time_up_finishes_the_attempt_and_refuses_late_answers(small_bank, candidate):
    assessment = assessment_make(time_limit_minutes=30)
    attempt = assigned_start(user=candidate, assessment=assessment)
    assert attempt.deadline is not None
    attempt = delivery.attempt_answer(
        attempt=attempt, user=candidate, item_version_id=attempt.current_item_version_id,
        answer="A",
    )  # fmt: skip
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    attempt.refresh_from_db()
    with pytest.raises(delivery.AssessmentUnavailableError, match="Time is up"):
        delivery.attempt_answer(
            attempt=attempt, user=candidate, item_version_id=attempt.current_item_version_id,
            answer="A",
        )  # fmt: skip
    attempt.refresh_from_db()
    assert attempt.stop_reason == "time_limit"
    assert (attempt.raw_score, attempt.max_score, attempt.percent) == (1.0, 4.0, 25.0)
    assert Response.objects.filter(attempt=attempt).count() == 1


def test_pass_mark_is_the_assessments_own_or_the_qps(small_bank, candidate):
    assessment = assessment_make()
    assert delivery.pass_percentage(assessment) == 75.0
    assessment.pass_percentage = Decimal("50")
    assert delivery.pass_percentage(assessment) == 50.0


def test_no_questions_is_a_clear_refusal(asc_q0202, candidate):
    with pytest.raises(delivery.AssessmentUnavailableError, match="no approved questions"):
        assigned_start(user=candidate, assessment=assessment_make())
    assert not Attempt.objects.exists()


def test_finishing_enqueues_the_grade_once_after_commit(
    small_bank, candidate, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(delivery, "_grade_enqueue", sent.append)
    attempt = assigned_start(user=candidate, assessment=assessment_make())
    with django_capture_on_commit_callbacks(execute=True):
        attempt = take(attempt, candidate)
    assert sent == [
        {
            "user_id": candidate.pk,
            "assessment_key": "asc-theory",
            "score_given": 100.0,
            "score_maximum": 100.0,
            "attempt_key": f"adaptive-attempt-{attempt.pk}",
        }
    ]


@pytest.mark.parametrize("mode", [Delivery.LOFT, Delivery.CAT])
def test_a_question_withdrawn_while_on_screen_is_skipped_and_does_not_count(
    small_bank, candidate, approver, mode
):
    from question_bank.items.services import item_version_retire
    from question_bank.models import ItemVersion

    assessment = assessment_make(delivery=mode, length=4, min_length=4, se_target=0.1)
    attempt = assigned_start(user=candidate, assessment=assessment)
    shown = attempt.current_item_version_id
    item_version_retire(version=ItemVersion.objects.get(pk=shown), user=approver)

    with pytest.raises(delivery.QuestionWithdrawnError, match="withdrawn"):
        delivery.attempt_answer(attempt=attempt, user=candidate, item_version_id=shown, answer="A")
    assert not Response.objects.exists()
    attempt.refresh_from_db()
    assert attempt.current_item_version_id not in (None, shown)
    attempt = take(attempt, candidate)
    assert shown not in attempt.responses.values_list("item_version_id", flat=True)
    if mode == Delivery.LOFT:
        assert (attempt.max_score, attempt.raw_score) == (3.0, 3.0)  # the paper lost a question
    else:
        assert attempt.responses.count() == 4  # the CAT chose another in its place
