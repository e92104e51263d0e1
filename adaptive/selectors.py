"""Reads of the adaptive app: which assessments a candidate is assigned, and whether they may
start one now.

Assessment -> AssessmentAssignment -> lti Batch -> memberships: a candidate is assigned an
assessment through an active learner membership of a batch it is assigned to. The batch is
reached through the ORM relation only (adaptive never imports lti). An assessment with no
assignment at all is one an LMS hands out through its own links (LTI): the LMS decides who sees
the link and when, so it is open to any learner who reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from .models import Assessment, AssessmentAssignment, Attempt, Reassessment

__all__ = [
    "StartDecision",
    "assessment_start_decision",
    "assignments_for_candidate",
]


def assignments_for_candidate(*, user) -> QuerySet[AssessmentAssignment]:
    """The assignments of the batches the user is an active learner in, soonest first."""
    return (
        AssessmentAssignment.objects.filter(
            batch__memberships__user=user,
            batch__memberships__role="learner",
            batch__memberships__is_active=True,
            assessment__is_active=True,
        )
        .select_related("assessment", "batch__centre")
        .order_by("opens_at", "assessment__title")
        .distinct()
    )


@dataclass(frozen=True)
class StartDecision:
    """Whether the candidate may start a new attempt now, and if not, why (in words)."""

    allowed: bool
    reason: str
    assignment: AssessmentAssignment | None
    attempts_allowed: int


def _local(moment: datetime, zone: str) -> str:
    return timezone.localtime(moment, ZoneInfo(zone)).strftime("%d %b %Y, %H:%M ") + zone


def assessment_start_decision(
    *, user, assessment: Assessment, now: datetime | None = None
) -> StartDecision:
    """The window, attempts-allowed and reassessment rules for a new attempt.

    Of several assignments (the candidate in two batches) the one open now counts, else the
    next to open, else the last to close."""
    now = now or timezone.now()
    if not assessment.is_active:
        return StartDecision(False, "This assessment is closed.", None, assessment.max_attempts)
    if not assessment.assignments.exists():
        return StartDecision(True, "", None, assessment.max_attempts)
    mine = list(assignments_for_candidate(user=user).filter(assessment=assessment))
    if not mine:
        return StartDecision(False, "This assessment is not assigned to you.", None, 0)
    open_now = [a for a in mine if a.opens_at <= now < a.closes_at]
    upcoming = sorted((a for a in mine if now < a.opens_at), key=lambda a: a.opens_at)
    if open_now:
        assignment = open_now[0]
    elif upcoming:
        assignment = upcoming[0]
    else:
        assignment = max(mine, key=lambda a: a.closes_at)
    zone = assignment.batch.time_zone
    if now < assignment.opens_at:
        return StartDecision(
            False,
            f"This assessment opens on {_local(assignment.opens_at, zone)}.",
            assignment,
            assignment.attempts_allowed,
        )
    if now >= assignment.closes_at:
        return StartDecision(
            False,
            f"This assessment closed on {_local(assignment.closes_at, zone)}.",
            assignment,
            assignment.attempts_allowed,
        )
    finished = list(
        Attempt.objects.filter(user=user, assessment=assessment, is_preview=False).values_list(
            "finished_at", "passed"
        )
    )
    if len(finished) >= assignment.attempts_allowed:
        return StartDecision(
            False,
            f"You have used all {assignment.attempts_allowed} attempt(s) of this assessment.",
            assignment,
            assignment.attempts_allowed,
        )
    if finished:
        if assignment.reassessment == Reassessment.NONE:
            return StartDecision(
                False, "This assessment allows no reassessment.", assignment, len(finished)
            )
        if assignment.reassessment == Reassessment.FAILED and any(p for _, p in finished):
            return StartDecision(
                False,
                "You have passed this assessment: only candidates who did not pass sit it again.",
                assignment,
                assignment.attempts_allowed,
            )
    return StartDecision(True, "", assignment, assignment.attempts_allowed)
