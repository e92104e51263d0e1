"""Reads behind the trainers' and learners' report pages: which batches a user may see, the
batch heatmap (learners x NOS), its distribution per NOS, the PC drill-down and a learner's
history. Mastery is ``adaptive.mastery`` (one measure everywhere); this module arranges it.

Who sees which batch: administrators every batch; centre administrators the batches of their
centres; trainers the batches they train (an active trainer membership). Nobody else any.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Role, user_has_role
from adaptive.mastery import NosMastery, mastery_pass_mark, mastery_per_nos
from adaptive.models import Attempt
from lti.models import Batch, BatchMembership
from question_bank.models import QualificationPack

HISTOGRAM_BINS = 10  # 0-10 %, ..., 90-100 % of theory marks expected

__all__ = [
    "BatchReport",
    "batch_report",
    "batches_visible_to",
    "learners_enrollable_by",
    "dashboard_summary",
    "learner_history",
]


def batches_visible_to(user) -> QuerySet[Batch]:
    if user_has_role(user, Role.ADMINISTRATOR):
        return Batch.objects.all()
    if not user_has_role(user, Role.TRAINER):
        return Batch.objects.none()
    return Batch.objects.filter(
        Q(
            memberships__user=user,
            memberships__role=BatchMembership.Role.TRAINER,
            memberships__is_active=True,
        )
        | Q(centre__administrators=user)
    ).distinct()


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


def dashboard_summary(*, user, roles: set[Role]) -> dict:
    """What each of the user's roles has waiting, for the dashboard."""
    from adaptive.models import Assessment, CalibrationRun
    from adaptive.selectors import assignments_for_candidate
    from question_bank.models import Item, ItemStatistics

    out: dict = {}
    if Role.LEARNER in roles:
        out["assignments"] = list(assignments_for_candidate(user=user)[:10])
    if Role.TRAINER in roles or Role.ADMINISTRATOR in roles:
        out["batches"] = list(batches_visible_to(user).select_related("centre").order_by("name"))
    if Role.ASSESSOR in roles or Role.ADMINISTRATOR in roles:
        out["assessments"] = list(Assessment.objects.filter(is_active=True).order_by("title"))
    if Role.SSC_CURATOR in roles or Role.ADMINISTRATOR in roles:
        out["flagged_items"] = ItemStatistics.objects.exclude(flags=[]).count()
        out["calibrated_items"] = Item.objects.filter(discrimination__isnull=False).count()
        out["last_calibration"] = CalibrationRun.objects.order_by("-created_at").first()
    return out
