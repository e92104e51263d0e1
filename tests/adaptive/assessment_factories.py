"""A small calibrated bank for ASC/Q0202 and assessments on it, for delivery tests.

Four theory PCs (two per NOS) with five approved single-choice items each (key "A"), with known
2PL parameters, so a 4-question paper has one question per PC and many distinct papers exist.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from adaptive.models import Assessment, AssessmentAssignment, Delivery
from tests.question_bank.factories import item_make, user_in

BANK_PCS = [("ASC/N0001", "PC1"), ("ASC/N0001", "PC2"), ("ASC/N0002", "PC1"), ("ASC/N0002", "PC2")]
ITEMS_PER_PC = 5


def bank_make(approver, per_pc: int = ITEMS_PER_PC) -> list:
    items = []
    for k, (nos, pc) in enumerate(BANK_PCS):
        for j in range(per_pc):
            item = item_make(nos=nos, pc=pc, approver=approver)
            item.discrimination = 0.8 + 0.2 * j
            item.difficulty = -1.0 + 0.5 * j - 0.1 * k
            item.guessing = 0.0
            item.save()
            items.append(item)
    return items


def assessment_make(**kwargs) -> Assessment:
    defaults = {
        "slug": "asc-theory",
        "title": "ASC theory",
        "qualification_pack_code": "ASC/Q0202",
        "delivery": Delivery.LOFT,
        "length": 4,
        "min_length": 2,
        "max_overlap": 0.25,
        "max_attempts": 1,
    }
    return Assessment.objects.create(**{**defaults, **kwargs})


def assign(assessment: Assessment, *learners, opens_in: float = -1.0, hours: float = 48.0, **kw):
    """Assign ``assessment`` to a new batch holding ``learners``, open from ``opens_in`` hours
    from now for ``hours``."""
    from lti.models import Batch, BatchMembership, TrainingCentre

    centre, _ = TrainingCentre.objects.get_or_create(
        code="pune", defaults={"name": "Pune centre", "time_zone": "Asia/Kolkata"}
    )
    batch = Batch.objects.create(
        name=f"Batch {Batch.objects.count() + 1}",
        qualification_pack_code="ASC/Q0202",
        centre=centre,
    )
    for learner in learners:
        BatchMembership.objects.create(batch=batch, user=learner)
    now = timezone.now()
    return AssessmentAssignment.objects.create(
        assessment=assessment,
        batch=batch,
        opens_at=now + timedelta(hours=opens_in),
        closes_at=now + timedelta(hours=opens_in + hours),
        **kw,
    )


def assessor_of(assessment: Assessment, **user_fields):
    """A new assessor who assesses every centre ``assessment`` is assigned at (so reads every
    candidate's results; ``adaptive.selectors.attempts_with_results_for``)."""
    from lti.models import TrainingCentre

    assessor = user_in(Role.ASSESSOR, **user_fields)
    centres = TrainingCentre.objects.filter(
        batches__assessment_assignments__assessment=assessment
    ).distinct()
    for centre in centres:
        centre.assessors.add(assessor)
    return assessor


@pytest.fixture
def approver(db):
    return user_in(Role.SSC_CURATOR)


@pytest.fixture
def small_bank(asc_q0202, approver):
    return bank_make(approver)


@pytest.fixture
def candidate(db):
    return user_in(Role.LEARNER)


def shown_value(attempt_pk: int, key: str) -> str:
    """What the question page posts for option ``key`` of the question on screen: its position
    (the page never names options by their stored keys)."""
    from adaptive import delivery
    from adaptive.models import Attempt

    attempt = Attempt.objects.get(pk=attempt_pk)
    order = delivery.attempt_option_order(
        attempt=attempt, item_version=attempt.current_item_version
    )
    return str(order.index(key) + 1) if order else key


def assigned_to(assessment: Assessment, *learners) -> AssessmentAssignment:
    """Make ``learners`` candidates of ``assessment``: members of one batch per assessment to
    which it is assigned, open now, with the assessment's own attempts and any candidate
    allowed to sit again (learners sit only assigned assessments; delivery tests are about
    papers, not windows, which ``test_windows.py`` covers)."""
    from adaptive.models import Reassessment
    from lti.models import Batch, BatchMembership

    batch, _ = Batch.objects.get_or_create(
        name=f"Candidates of {assessment.slug}",
        defaults={"qualification_pack_code": assessment.qualification_pack_code},
    )
    for learner in learners:
        BatchMembership.objects.get_or_create(batch=batch, user=learner)
    now = timezone.now()
    assignment, _ = AssessmentAssignment.objects.get_or_create(
        assessment=assessment,
        batch=batch,
        defaults={
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=2),
            "attempts_allowed": assessment.max_attempts,
            "reassessment": Reassessment.ANY,
        },
    )
    return assignment


def assigned_start(*, user, assessment: Assessment, **kwargs):
    """``delivery.attempt_start`` by a candidate the assessment is assigned to."""
    from adaptive import delivery

    assigned_to(assessment, user)
    return delivery.attempt_start(user=user, assessment=assessment, **kwargs)
