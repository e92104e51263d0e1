"""Reads of the adaptive app: which assessments a candidate is assigned, and whether they may
start one now.

Assessment -> AssessmentAssignment -> lti Batch -> memberships: a candidate is assigned an
assessment through an active learner membership of a batch it is assigned to, inside the
assignment's window. An LMS also hands an assessment out through its own links: a learner of the
LMS course (the batch a launch made) in which a resource link targets the assessment may sit it
(the LMS decides who sees the link and when), within the assessment's own attempts. Nobody else
may: an assessment neither assigned nor linked is open to no learner, whatever its slug. Batches,
resource links and launch targets are reached through ORM relations only (adaptive never
imports lti).

Staff scope, one rule for the results pages, their exports, "send grade again", practical/viva
marks, essay queues and the dashboard counts (``assessments_with_results_for``,
``attempts_with_results_for``): administrators everything. An assessor the assessments they
created or that are assigned at a centre they assess (``TrainingCentre.assessors``), whoever
created them (an assessment from before ``created_by`` existed has none: its centres' assessors
manage it); of those, the candidates who sit it through a batch at a centre they assess, and for
the assessments they created also the candidates with no centre for it (an LMS course's
learners). A trainer the candidates of the batches they see (``batches_visible_to``: an active
trainer membership, or a centre they administer). Nobody else anything. A candidate "sits it
through a batch" with an active learner membership of a batch the assessment is assigned to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.roles import Role, user_has_role

from .models import Assessment, AssessmentAssignment, Attempt, Reassessment

__all__ = [
    "StartDecision",
    "assessment_start_decision",
    "assessments_linked_for_candidate",
    "assessments_managed_by",
    "assessments_with_results_for",
    "assignments_for_candidate",
    "attempts_with_results_for",
    "batches_visible_to",
]

NOT_ASSIGNED = "This assessment is not assigned to you."


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


def _batch_model():
    """lti's Batch, through our foreign key to it (adaptive never imports lti)."""
    return AssessmentAssignment._meta.get_field("batch").related_model


def assessments_linked_for_candidate(*, user) -> QuerySet[Assessment]:
    """Active assessments a resource link of the user's LMS courses targets (the user an active
    learner of the course's batch), by title."""
    linked_slugs = (
        _batch_model()
        .objects.filter(
            memberships__user=user,
            memberships__role="learner",
            memberships__is_active=True,
            resourcelink__target__target_type="assessment",
        )
        .values("resourcelink__target__target_key")
    )
    return Assessment.objects.filter(is_active=True, slug__in=linked_slugs).order_by("title")


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
    mine = list(assignments_for_candidate(user=user).filter(assessment=assessment))
    if not mine:
        if assessments_linked_for_candidate(user=user).filter(pk=assessment.pk).exists():
            return StartDecision(True, "", None, assessment.max_attempts)
        return StartDecision(False, NOT_ASSIGNED, None, 0)
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
        last = max((f for f, _ in finished if f is not None), default=None)
        wait = timedelta(days=assignment.reassess_after_days)
        if last is not None and wait and now < last + wait:
            return StartDecision(
                False,
                f"You may sit this assessment again from {_local(last + wait, zone)} "
                f"({assignment.reassess_after_days} days after your last attempt).",
                assignment,
                assignment.attempts_allowed,
            )
    return StartDecision(True, "", assignment, assignment.attempts_allowed)


# --- staff scope (see the module doc) ---------------------------------------------------------


def batches_visible_to(user) -> QuerySet:
    """Batches whose learners ``user`` may see: administrators every batch; a trainer those
    they train (an active trainer membership) and those of the centres they administer."""
    batches = _batch_model().objects
    if user_has_role(user, Role.ADMINISTRATOR):
        return batches.all()
    if not user_has_role(user, Role.TRAINER):
        return batches.none()
    return batches.filter(
        Q(
            memberships__user=user,
            memberships__role="trainer",
            memberships__is_active=True,
        )
        | Q(centre__administrators=user)
    ).distinct()


def _assessor_assessments(user) -> Q:
    return Q(created_by=user) | Q(assignments__batch__centre__assessors=user)


def assessments_with_results_for(user) -> QuerySet[Assessment]:
    """The assessments (active or not) whose results ``user`` may read, in one query."""
    if user_has_role(user, Role.ADMINISTRATOR):
        return Assessment.objects.all()
    seen = Q(pk__in=[])
    if user_has_role(user, Role.ASSESSOR):
        seen |= _assessor_assessments(user)
    if user_has_role(user, Role.TRAINER):
        batches = batches_visible_to(user).values("pk")
        seen |= Q(assignments__batch__in=batches) | Q(
            pk__in=attempts_with_results_for(user).values("assessment_id")
        )
    return Assessment.objects.filter(pk__in=Assessment.objects.filter(seen).values("pk"))


def assessments_managed_by(user) -> QuerySet[Assessment]:
    """Active assessments ``user`` may assign to batches and edit: administrators any; an
    assessor those they created and those assigned at a centre they assess (an assessment
    without a creator is its centres' assessors')."""
    active = Assessment.objects.filter(is_active=True)
    if user_has_role(user, Role.ADMINISTRATOR):
        return active
    if not user_has_role(user, Role.ASSESSOR):
        return Assessment.objects.none()
    return active.filter(pk__in=Assessment.objects.filter(_assessor_assessments(user)).values("pk"))


def _sits_through(**batch_filter) -> Exists:
    """The attempt's candidate sits its assessment through a batch matching ``batch_filter``."""
    return Exists(
        AssessmentAssignment.objects.filter(
            assessment=OuterRef("assessment"),
            batch__memberships__user=OuterRef("user"),
            batch__memberships__role="learner",
            batch__memberships__is_active=True,
            **{f"batch__{name}": value for name, value in batch_filter.items()},
        )
    )


def attempts_with_results_for(user, *, assessment: Assessment | None = None) -> QuerySet[Attempt]:
    """The counted attempts (never previews) whose results ``user`` may read, of one
    assessment or of all; see the module doc for who sees which candidates."""
    attempts = Attempt.objects.filter(assessment__isnull=False, is_preview=False)
    if assessment is not None:
        attempts = attempts.filter(assessment=assessment)
    if user_has_role(user, Role.ADMINISTRATOR):
        return attempts
    seen = Q(pk__in=[])
    if user_has_role(user, Role.ASSESSOR):
        placed = _sits_through(centre__isnull=False)
        seen |= _sits_through(centre__assessors=user) | (Q(assessment__created_by=user) & ~placed)
    if user_has_role(user, Role.TRAINER):
        learners = (
            _batch_model()
            ._meta.get_field("memberships")
            .related_model.objects.filter(
                batch__in=batches_visible_to(user).values("pk"), role="learner", is_active=True
            )
            .values("user_id")
        )
        seen |= Q(user_id__in=learners)
    return attempts.filter(seen)
