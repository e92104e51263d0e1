"""Writes behind the batch pages of the admin: a batch with its centre, QP, dates and trainer;
enrolling learners by name, username or email, in bulk or from a roster CSV; assigning an
assessment to a batch (or, from the assessor's page, to several batches) with its window. The
views (``lms.admin_batches``, ``lms.admin_assignments``) only call these.

Roster CSV: a header row with ``full_name`` and at least one of ``username``/``email``; a row
matching an existing user (by username, else email) enrols them, any other row creates a learner
account (no password: they sign in through the LMS, or an administrator sets one).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.roles import Role, user_assign_role, user_has_role
from adaptive.models import Assessment, AssessmentAssignment
from lti.models import Batch, BatchMembership, TrainingCentre

from .selectors import centres_for_batches_of, learners_enrollable_by

__all__ = [
    "AssignResult",
    "EnrolResult",
    "assessment_batches_assign",
    "batch_assessment_assign",
    "batch_learners_enrol",
    "batch_roster_import",
    "batch_save",
    "learners_find",
]


@dataclass
class EnrolResult:
    enrolled: list[User] = field(default_factory=list)
    already: list[User] = field(default_factory=list)
    created: list[User] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@transaction.atomic
def batch_save(
    *,
    batch: Batch | None,
    name: str,
    centre: TrainingCentre | None,
    qualification_pack_code: str,
    starts_on: date | None,
    ends_on: date | None,
    trainer: User | None,
    by,
) -> Batch:
    """Create or update a batch; ``trainer`` becomes its (active) trainer. ``by`` (the person
    at the form; None for scripts such as the demo) may open a batch only at a centre of theirs
    (``lms.selectors.centres_for_batches_of``), and a trainer only a batch they train."""
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError("A batch cannot end before it starts.")
    if by is not None:
        allowed = centres_for_batches_of(by, batch=batch)
        if centre is None or not allowed.filter(pk=centre.pk).exists():
            raise ValidationError(
                f"You cannot open batches at {centre or 'no centre'}: only at the centres whose "
                "staff you are on (an administrator adds you in Training centres)."
            )
        is_centre_admin = user_has_role(by, Role.ADMINISTRATOR) or (
            centre.administrators.filter(pk=by.pk).exists()
        )
        if trainer is not None and trainer != by and not is_centre_admin:
            raise ValidationError("A trainer opens batches they train themselves.")
    batch = batch or Batch()
    batch.name, batch.centre = name, centre
    batch.qualification_pack_code = qualification_pack_code
    batch.starts_on, batch.ends_on = starts_on, ends_on
    batch.save()
    if trainer is not None:
        BatchMembership.objects.update_or_create(
            batch=batch,
            user=trainer,
            defaults={"role": BatchMembership.Role.TRAINER, "is_active": True},
        )
    return batch


def learners_find(*, query: str, by) -> list[User]:
    """Learners ``by`` may enrol whose name, username or email contains ``query`` (the search
    box; ``lms.selectors.learners_enrollable_by``)."""
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        learners_enrollable_by(by)
        .filter(is_active=True)
        .filter(
            Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
        .order_by("full_name", "username")[:50]
    )


def _enrol(batch: Batch, users: list[User], result: EnrolResult) -> None:
    for user in users:
        membership, created = BatchMembership.objects.get_or_create(
            batch=batch, user=user, defaults={"role": BatchMembership.Role.LEARNER}
        )
        if not created and membership.is_active and membership.role == BatchMembership.Role.LEARNER:
            result.already.append(user)
            continue
        if not created:
            membership.role, membership.is_active = BatchMembership.Role.LEARNER, True
            membership.save(update_fields=["role", "is_active"])
        result.enrolled.append(user)


@transaction.atomic
def batch_learners_enrol(*, batch: Batch, users: list[User], lines: str = "", by) -> EnrolResult:
    """Enrol the chosen ``users`` and every line of ``lines`` (a name, username or email that
    names exactly one learner), among the learners ``by`` may enrol (a learner of another
    centre is "no learner" here). Ambiguous or unknown lines are reported, not guessed."""
    result = EnrolResult()
    enrollable = learners_enrollable_by(by)
    allowed = set(enrollable.filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    chosen = [u for u in users if u.pk in allowed]
    for line in (raw.strip() for raw in lines.splitlines()):
        if not line:
            continue
        matches = list(
            enrollable.filter(
                Q(username__iexact=line) | Q(email__iexact=line) | Q(full_name__iexact=line)
            )[:2]
        )
        if len(matches) == 1:
            chosen.append(matches[0])
        elif matches:
            result.problems.append(f"“{line}” names more than one learner: use the username.")
        else:
            result.problems.append(f"No learner is called “{line}”.")
    _enrol(batch, chosen, result)
    return result


@transaction.atomic
def batch_roster_import(*, batch: Batch, data: bytes, by) -> EnrolResult:
    """Enrol every row of a roster CSV (see the module doc); all rows or none. A row naming an
    existing learner ``by`` may not enrol (another centre's) is a problem, not an enrolment."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The roster is not UTF-8 text (save it as CSV UTF-8).") from exc
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if "full_name" not in columns or not columns & {"username", "email"}:
        raise ValidationError(
            "The roster needs a header row with full_name and username or email, e.g. "
            "“username,full_name,email”."
        )
    result = EnrolResult()
    users = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        username, email, name = row.get("username", ""), row.get("email", ""), row["full_name"]
        if not (username or email):
            result.problems.append(f"line {number}: no username or email")
            continue
        user = (
            User.objects.filter(username__iexact=username).first()
            if username
            else User.objects.filter(email__iexact=email).first()
        )
        if user is None:
            user = User(
                username=username or slugify(email.split("@")[0])[:150],
                email=email,
                full_name=name,
            )
            user.set_unusable_password()
            user.save()
            user_assign_role(user=user, role=Role.LEARNER)
            result.created.append(user)
        elif not user_has_role(user, Role.LEARNER):
            result.problems.append(f"line {number}: {user} is not a learner")
            continue
        elif not learners_enrollable_by(by).filter(pk=user.pk).exists():
            result.problems.append(
                f"line {number}: that username or email belongs to a learner of another centre "
                "(an administrator can enrol them)"
            )
            continue
        users.append(user)
    if result.problems:
        transaction.set_rollback(True)
        return EnrolResult(problems=result.problems)
    _enrol(batch, users, result)
    return result


def _centre_time(batch: Batch, moment: datetime) -> datetime:
    """A window typed as a wall-clock time (naive) is the batch's centre's time; an aware
    datetime is kept as it is."""
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, ZoneInfo(batch.time_zone))


def _assign(
    *,
    batch: Batch,
    assessment: Assessment,
    opens_at: datetime,
    closes_at: datetime,
    attempts_allowed: int,
    reassessment: str,
    reassess_after_days: int,
    user,
) -> tuple[AssessmentAssignment, bool]:
    if reassess_after_days < 0:
        raise ValidationError("The days to wait before a reassessment cannot be negative.")
    opens_at, closes_at = _centre_time(batch, opens_at), _centre_time(batch, closes_at)
    if closes_at <= opens_at:
        raise ValidationError("The window must close after it opens.")
    if batch.qualification_pack_code and assessment.qualification_pack_code != (
        batch.qualification_pack_code
    ):
        raise ValidationError(
            f"{assessment} assesses {assessment.qualification_pack_code}; {batch} is "
            f"trained for {batch.qualification_pack_code}."
        )
    # One row per assessment and batch (a unique constraint): a second submit of the same form
    # re-times the assignment instead of making another.
    return AssessmentAssignment.objects.update_or_create(
        assessment=assessment,
        batch=batch,
        defaults={
            "opens_at": opens_at,
            "closes_at": closes_at,
            "attempts_allowed": attempts_allowed,
            "reassessment": reassessment,
            "reassess_after_days": reassess_after_days,
        },
        create_defaults={
            "opens_at": opens_at,
            "closes_at": closes_at,
            "attempts_allowed": attempts_allowed,
            "reassessment": reassessment,
            "reassess_after_days": reassess_after_days,
            "created_by": user if getattr(user, "pk", None) else None,
        },
    )


@transaction.atomic
def batch_assessment_assign(
    *,
    batch: Batch,
    assessment: Assessment,
    opens_at: datetime,
    closes_at: datetime,
    attempts_allowed: int,
    reassessment: str,
    reassess_after_days: int = 0,
    user=None,
) -> AssessmentAssignment:
    """Assign (or re-time) an assessment for a batch. Naive ``opens_at``/``closes_at`` are
    times at the batch's centre (what a trainer or assessor types)."""
    assignment, _ = _assign(
        batch=batch,
        assessment=assessment,
        opens_at=opens_at,
        closes_at=closes_at,
        attempts_allowed=attempts_allowed,
        reassessment=reassessment,
        reassess_after_days=reassess_after_days,
        user=user,
    )
    return assignment


@dataclass
class AssignResult:
    created: list[AssessmentAssignment] = field(default_factory=list)
    retimed: list[AssessmentAssignment] = field(default_factory=list)


@transaction.atomic
def assessment_batches_assign(
    *,
    assessment: Assessment,
    batches: list[Batch],
    opens_at: datetime,
    closes_at: datetime,
    attempts_allowed: int,
    reassessment: str,
    reassess_after_days: int = 0,
    user=None,
) -> AssignResult:
    """Assign one assessment to several batches with one window, typed as wall-clock times
    that each batch reads in its own centre's zone (09:00 is 09:00 in Pune and in Dubai).
    All batches or none: a batch the assessment cannot be set for stops the lot, saying which.
    Who may assign what to which batch is the caller's check (``lms.selectors``)."""
    if not batches:
        raise ValidationError("Tick at least one batch.")
    result = AssignResult()
    for batch in batches:
        assignment, created = _assign(
            batch=batch,
            assessment=assessment,
            opens_at=opens_at,
            closes_at=closes_at,
            attempts_allowed=attempts_allowed,
            reassessment=reassessment,
            reassess_after_days=reassess_after_days,
            user=user,
        )
        (result.created if created else result.retimed).append(assignment)
    return result
