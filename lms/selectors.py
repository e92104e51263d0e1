"""Reads behind the trainers' and learners' report pages: which batches a user may see, the
batch heatmap (learners x NOS), its distribution per NOS, the PC drill-down and a learner's
history. Mastery is ``adaptive.mastery`` (one measure everywhere); this module arranges it.

Who sees which batch, and whose results: ``adaptive.selectors`` (``batches_visible_to``,
``assessments_with_results_for``, ``attempts_with_results_for``), re-exported here; the
dashboard's counts use the same functions as the lists they lead to.

Who assigns which assessment to which batch from the assessor's page: administrators any active
assessment to any batch; an assessor the active assessments they manage
(``adaptive.selectors.assessments_managed_by``: those they created, and those assigned at a
centre they assess) to the batches of the centres they assess (``TrainingCentre.assessors``),
trained for the assessment's QP (or for no QP yet).

Where a trainer may open a batch: administrators anywhere; centre administrators at their
centres; a trainer at the centres that list them among their trainers (``TrainingCentre.
trainers``) or where they already train a batch; a batch already at a centre may stay there
(``centres_for_batches_of``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, user_has_role
from adaptive.mastery import NosMastery, mastery_pass_mark, mastery_per_nos
from adaptive.models import Assessment, AssessmentAssignment, Attempt
from adaptive.selectors import (
    assessments_managed_by,
    assessments_with_results_for,
    attempts_with_results_for,
    batches_visible_to,
)
from lti.models import Batch, BatchMembership, TrainingCentre
from question_bank.models import QualificationPack

HISTOGRAM_BINS = 10  # 0-10 %, ..., 90-100 % of theory marks expected

__all__ = [
    "AssessmentGlance",
    "AssignmentStatus",
    "BatchGlance",
    "BatchReport",
    "assessments_managed_by",
    "assessments_with_results_for",
    "attempts_with_results_for",
    "batch_report",
    "batches_assessable_by",
    "batches_visible_to",
    "centres_for_batches_of",
    "dashboard_summary",
    "learner_history",
    "learners_enrollable_by",
]


def batches_assessable_by(user, *, assessment: Assessment | None = None) -> QuerySet[Batch]:
    """Batches ``user`` may assign assessments to; with ``assessment``, only those trained for
    its QP (or for no QP yet)."""
    if user_has_role(user, Role.ADMINISTRATOR):
        batches = Batch.objects.all()
    elif user_has_role(user, Role.ASSESSOR):
        batches = Batch.objects.filter(centre__assessors=user).distinct()
    else:
        return Batch.objects.none()
    if assessment is not None:
        batches = batches.filter(
            Q(qualification_pack_code=assessment.qualification_pack_code)
            | Q(qualification_pack_code="")
        )
    return batches


def centres_for_batches_of(user, *, batch: Batch | None = None) -> QuerySet[TrainingCentre]:
    """The centres ``user`` may open a batch at (or move ``batch`` to): administrators any; a
    centre administrator their centres; a trainer the centres that list them among their
    trainers, and those where they already train a batch (someone with the right put them
    there). An existing batch may stay at its own centre."""
    if user_has_role(user, Role.ADMINISTRATOR):
        return TrainingCentre.objects.all()
    if not user_has_role(user, Role.TRAINER):
        return TrainingCentre.objects.none()
    staff = (
        Q(administrators=user)
        | Q(trainers=user)
        | Q(
            batches__memberships__user=user,
            batches__memberships__role=BatchMembership.Role.TRAINER,
            batches__memberships__is_active=True,
        )
    )
    if batch is not None and batch.centre_id is not None:
        staff |= Q(pk=batch.centre_id)
    return TrainingCentre.objects.filter(
        pk__in=TrainingCentre.objects.filter(staff).values("pk")
    ).order_by("name")


def learners_enrollable_by(user) -> QuerySet:
    """The learners ``user`` may find and enrol: administrators any; anyone else those in a batch
    they see, or in no batch yet. A learner only in other centres' batches is not theirs: once
    enrolled, the batch pages would show that learner's mastery and history."""
    learners = User.objects.filter(groups__name=Role.LEARNER.value)
    if user_has_role(user, Role.ADMINISTRATOR):
        return learners
    active = BatchMembership.objects.filter(role=BatchMembership.Role.LEARNER, is_active=True)
    seen = active.filter(batch__in=batches_visible_to(user)).values("user_id")
    return learners.filter(Q(pk__in=seen) | ~Q(pk__in=active.values("user_id")))


def batch_pack(batch: Batch) -> QualificationPack | None:
    return QualificationPack.objects.filter(
        code=batch.qualification_pack_code, is_current=True
    ).first()


@dataclass
class NosColumn:
    code: str
    title: str
    mastered: int = 0
    assessed: int = 0
    median: float | None = None
    bins: list[int] = field(default_factory=list)
    title_hi: str = ""


@dataclass
class LearnerRow:
    user: object
    cells: list[NosMastery]
    overall: float | None  # mean of the NOS percents shown, for sorting and the summary

    @property
    def name(self) -> str:
        return str(self.user)


@dataclass
class BatchReport:
    batch: Batch
    pack: QualificationPack | None
    pass_mark: float
    columns: list[NosColumn]
    rows: list[LearnerRow]


def _sort_key(sort: str, codes: list[str]):
    if sort in codes:
        k = codes.index(sort)
        return lambda r: (r.cells[k].percent is None, r.cells[k].percent or 0.0, r.name)
    if sort == "overall":
        return lambda r: (r.overall is None, r.overall or 0.0, r.name)
    return lambda r: r.name.lower()


def batch_report(*, batch: Batch, sort: str = "name", descending: bool = False) -> BatchReport:
    """The heatmap of a batch: one row per active learner, one cell per NOS of its QP, sorted
    by name, by a NOS code or by "overall"; with per NOS the distribution (a histogram of
    ``HISTOGRAM_BINS`` bins), the median and how many mastered it."""
    pack = batch_pack(batch)
    learners = [
        m.user
        for m in batch.memberships.filter(role=BatchMembership.Role.LEARNER, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    ]
    if pack is None:
        return BatchReport(batch, None, 0.0, [], [LearnerRow(u, [], None) for u in learners])
    table = mastery_per_nos(user_ids=[u.pk for u in learners], qualification_pack=pack)
    rows = []
    for user in learners:
        cells = table[user.pk]
        shown = [c.percent for c in cells if c.percent is not None]
        rows.append(LearnerRow(user, cells, sum(shown) / len(shown) if shown else None))
    codes = [link.nos.code for link in pack.nos_links.select_related("nos").order_by("position")]
    columns = []
    for k, link in enumerate(pack.nos_links.select_related("nos").order_by("position")):
        values = sorted(p for r in rows if (p := r.cells[k].percent) is not None)
        bins = [0] * HISTOGRAM_BINS
        for v in values:
            bins[min(HISTOGRAM_BINS - 1, int(v // (100 / HISTOGRAM_BINS)))] += 1
        columns.append(
            NosColumn(
                code=link.nos.code,
                title=link.nos.title,
                title_hi=link.nos.title_hi,
                mastered=sum(1 for r in rows if r.cells[k].mastered),
                assessed=sum(1 for r in rows if r.cells[k].mastered is not None),
                median=values[len(values) // 2] if values else None,
                bins=bins,
            )
        )
    rows.sort(key=_sort_key(sort, codes), reverse=descending)
    return BatchReport(batch, pack, mastery_pass_mark(pack), columns, rows)


def learner_history(*, user, qualification_pack_code: str) -> dict:
    """A learner's finished assessment attempts of a QP in time order, for the history chart
    and table (knowledge checks are counted per NOS by ``mastery_per_nos``)."""
    attempts = list(
        Attempt.objects.filter(
            user=user,
            qualification_pack_code=qualification_pack_code,
            finished_at__isnull=False,
            assessment__isnull=False,
            is_preview=False,
        )
        .select_related("assessment")
        .order_by("finished_at")
    )
    return {"attempts": attempts}


@dataclass
class AssignmentStatus:
    """A learner's assigned assessment with where they stand on it (their latest attempt)."""

    assignment: AssessmentAssignment
    attempt: Attempt | None

    @property
    def state(self) -> str:
        """not_started | in_progress | awaiting_marking | passed | not_yet | finished."""
        a = self.attempt
        if a is None:
            return "not_started"
        if a.finished_at is None:
            return "in_progress"
        if a.state.get("awaiting_marking"):
            return "awaiting_marking"
        if a.passed is True:
            return "passed"
        if a.passed is False:
            return "not_yet"
        return "finished"

    @property
    def is_open(self) -> bool:
        """The assignment's window is open now: the dashboard offers to start it."""
        return self.assignment.opens_at <= timezone.now() < self.assignment.closes_at


@dataclass
class BatchGlance:
    """A batch on the dashboard: its learners, and of them who sat an assessment and passed."""

    batch: Batch
    learners: int = 0
    sat: int = 0
    passed: int = 0

    @property
    def pass_rate(self) -> int | None:
        return round(100 * self.passed / self.sat) if self.sat else None


@dataclass
class AssessmentGlance:
    """An assessment on the dashboard: candidates who finished, passed, are sitting now, and
    the essays and LMS grades waiting on someone."""

    assessment: object
    sat: int = 0
    passed: int = 0
    in_progress: int = 0
    essays_to_mark: int = 0
    grades_failed: int = 0

    @property
    def pass_rate(self) -> int | None:
        return round(100 * self.passed / self.sat) if self.sat else None


def _learner_glance(user) -> dict:
    from adaptive.selectors import assignments_for_candidate

    assignments = list(assignments_for_candidate(user=user)[:10])
    latest: dict[int, Attempt] = {}
    for attempt in Attempt.objects.filter(
        user=user,
        assessment_id__in={a.assessment_id for a in assignments},
        is_preview=False,
    ).order_by("assessment_id", "number", "pk"):
        latest[attempt.assessment_id] = attempt  # type: ignore[index]  # the last one wins
    codes = set(
        Batch.objects.filter(
            memberships__user=user,
            memberships__role=BatchMembership.Role.LEARNER,
            memberships__is_active=True,
        ).values_list("qualification_pack_code", flat=True)
    )
    mastery = []
    for pack in QualificationPack.objects.filter(code__in=codes - {""}, is_current=True).order_by(
        "code"
    ):
        cells = mastery_per_nos(user_ids=[user.pk], qualification_pack=pack)[user.pk]
        mastery.append({"pack": pack, "cells": cells, "pass_mark": mastery_pass_mark(pack)})
    return {
        "assignments": [AssignmentStatus(a, latest.get(a.assessment_id)) for a in assignments],
        "my_mastery": mastery,
    }


def _batch_glance(user) -> list[BatchGlance]:
    from django.db.models import Count, F

    batches = list(batches_visible_to(user).select_related("centre").order_by("name"))
    learner = Q(role=BatchMembership.Role.LEARNER, is_active=True)
    sat = Q(
        user__attempts__finished_at__isnull=False,
        user__attempts__is_preview=False,
        user__attempts__assessment__isnull=False,
        user__attempts__qualification_pack_code=F("batch__qualification_pack_code"),
    )
    counts: dict[int, dict] = {
        row["batch_id"]: dict(row)
        for row in BatchMembership.objects.filter(learner, batch__in=batches)
        .values("batch_id")
        .annotate(
            learners=Count("user", distinct=True),
            sat=Count("user", filter=sat, distinct=True),
            passed=Count("user", filter=sat & Q(user__attempts__passed=True), distinct=True),
        )
    }
    out = []
    for batch in batches:
        row = counts.get(batch.pk, {})
        out.append(
            BatchGlance(batch, row.get("learners", 0), row.get("sat", 0), row.get("passed", 0))
        )
    return out


def _assessment_glance(user) -> list[AssessmentGlance]:
    """The active assessments whose results ``user`` reads, each counted over the candidates
    whose results they read (so the counts match the results page and the essay queue)."""
    from django.db.models import Count

    from adaptive.marking import essays_to_mark_counts
    from lti.models import LaunchTarget, ScorePost

    assessments = list(assessments_with_results_for(user).filter(is_active=True).order_by("title"))
    visible = attempts_with_results_for(user).filter(assessment__in=assessments)
    finished = Q(finished_at__isnull=False)
    counts: dict[int, Any] = {
        row["assessment_id"]: row
        for row in visible.values("assessment_id").annotate(
            sat=Count("user", filter=finished, distinct=True),
            passed=Count("user", filter=finished & Q(passed=True), distinct=True),
            in_progress=Count("pk", filter=Q(finished_at__isnull=True), distinct=True),
        )
    }
    essays = essays_to_mark_counts(assessments=assessments, user=user)
    candidates = set(visible.values_list("assessment__slug", "user_id"))
    failed: dict[str, int] = {}
    for slug, user_id in ScorePost.objects.filter(
        status=ScorePost.Status.FAILED,
        resource_link__target__target_type=LaunchTarget.TargetType.ASSESSMENT,
        resource_link__target__target_key__in=[a.slug for a in assessments],
    ).values_list("resource_link__target__target_key", "user_id"):
        if (slug, user_id) in candidates:
            failed[slug] = failed.get(slug, 0) + 1
    return [
        AssessmentGlance(
            a,
            sat=counts.get(a.pk, {}).get("sat", 0),
            passed=counts.get(a.pk, {}).get("passed", 0),
            in_progress=counts.get(a.pk, {}).get("in_progress", 0),
            essays_to_mark=essays.get(a.pk, 0),
            grades_failed=failed.get(a.slug, 0),
        )
        for a in assessments
    ]


def _bank_glance() -> dict:
    from adaptive.models import CalibrationRun
    from question_bank.items.selectors import bank_at_a_glance

    return {
        **bank_at_a_glance(),
        "last_calibration": CalibrationRun.objects.order_by("-created_at").first(),
    }


def dashboard_summary(*, user, roles: set[Role]) -> dict:
    """What each of the user's roles has waiting, with the figures that say how things stand:
    a learner's assessments and mastery per NOS, a trainer's batches with their pass rates, an
    assessor's assessments with candidates, essays to mark and failed grades, a curator's bank
    by status. A fixed number of queries whatever the number of batches or assessments."""
    out: dict = {}
    if Role.LEARNER in roles:
        out.update(_learner_glance(user))
    if Role.TRAINER in roles or Role.ADMINISTRATOR in roles:
        out["batches"] = _batch_glance(user)
    if Role.ASSESSOR in roles or Role.ADMINISTRATOR in roles:
        out["assessments"] = _assessment_glance(user)
        out["assignable_ids"] = set(assessments_managed_by(user).values_list("pk", flat=True))
    if Role.SSC_CURATOR in roles or Role.ADMINISTRATOR in roles:
        out.update(_bank_glance())
    return out
