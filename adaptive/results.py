"""The assessor's results of an assessment: per attempt the candidate's name, time taken, theory
marks and mastery per NOS, the practical/viva marks the assessor entered per NOS, and the QP
aggregate with the pass decision by the QP's rule.

QP aggregate (the QP's weightage, as its assessment guidelines say): per NOS, theory marks
earned = the NOS's theory marks x the candidate's expected percent on it (the one mastery
measure, ``adaptive.mastery``), plus the practical and viva marks entered; the NOS's share is
earned / (theory + practical + viva marks of the NOS); the aggregate is the mean of the shares
weighted by each NOS's weightage in the QP (equal weights where the QP gives none). Pass: the
aggregate reaches the pass percentage. Before any practical mark is entered, the result is the
theory result and says so.

Whose rows: the candidates whose results the viewer may read
(``adaptive.selectors.attempts_with_results_for``); the page, the CSV/XLSX exports and the
practical-marks page all build on this one table.

Times: each row carries its candidate's centre's time zone (the page and the exports show each
candidate's times in it); a candidate in no batch of the assessment gets the first assignment's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from question_bank.models import QualificationPack

from .delivery import pass_percentage
from .grades import GradeLink, grade_links
from .models import Assessment, Attempt, NosMark
from .selectors import attempts_with_results_for

__all__ = [
    "NosResult",
    "ResultRow",
    "assessment_results_table",
    "assessment_time_zone",
    "candidate_time_zones",
]


@dataclass(frozen=True)
class NosResult:
    nos_code: str
    theory_max: float
    theory_percent: float | None  # expected percent of the NOS's theory marks
    theory_marks: float | None
    practical: float | None
    practical_max: float
    viva: float | None
    viva_max: float
    weightage: float


@dataclass(frozen=True)
class ResultRow:
    attempt: Attempt
    name: str
    time_taken: timedelta | None
    nos: list[NosResult]
    aggregate: float | None
    passed: bool | None
    includes_practical: bool
    grade_links: list[GradeLink]
    time_zone: str  # the candidate's centre's, through the batch they sit the assessment in

    @property
    def time_taken_text(self) -> str:
        if self.time_taken is None:
            return ""
        minutes, seconds = divmod(int(self.time_taken.total_seconds()), 60)
        return f"{minutes} min {seconds:02d} s"


def assessment_time_zone(assessment: Assessment) -> str:
    """The zone of the centre the assessment is assigned at (the first), else the project's."""
    assignment = assessment.assignments.select_related("batch__centre").first()
    return assignment.batch.time_zone if assignment else settings.TIME_ZONE


def candidate_time_zones(assessment: Assessment) -> dict[int, str]:
    """Each candidate's centre's time zone, through the batch the assessment is assigned to
    (candidates of a Pune and a Dubai batch sit the same assessment)."""
    zones: dict[int, str] = {}
    for user_id, zone in assessment.assignments.filter(
        batch__memberships__role="learner"
    ).values_list("batch__memberships__user_id", "batch__centre__time_zone"):
        zones.setdefault(user_id, zone or settings.TIME_ZONE)
    return zones


def _nos_marks(pack: QualificationPack | None, scoped: list[str]) -> list[dict]:
    if pack is None:
        return []
    rows = []
    for link in pack.nos_links.select_related("nos").prefetch_related("nos__performance_criteria"):
        if scoped and link.nos.code not in scoped:
            continue
        pcs = list(link.nos.performance_criteria.all())

        def total(field: str, link=link, pcs=pcs) -> float:
            value = getattr(link, field) or getattr(link.nos, field)
            if value is None:
                value = sum((getattr(pc, field) or 0) for pc in pcs)
            return float(value or 0)

        rows.append(
            {
                "code": link.nos.code,
                "theory": total("theory_marks"),
                "practical": total("practical_marks"),
                "viva": total("viva_marks"),
                "weightage": float(link.weightage) if link.weightage is not None else 1.0,
            }
        )
    return rows


def assessment_results_table(*, assessment: Assessment, viewer) -> dict:
    """Rows for the results page and its exports (candidates by name, then attempt), of the
    candidates whose results ``viewer`` may read."""
    pack = QualificationPack.objects.filter(
        code=assessment.qualification_pack_code, is_current=True
    ).first()
    nos_rows = _nos_marks(pack, assessment.scoped_nos)
    cut = pass_percentage(assessment)
    attempts = list(
        attempts_with_results_for(viewer, assessment=assessment)
        .select_related("user", "assessment")
        .order_by("user__full_name", "user__username", "number")
    )
    marks = {(m.user_id, m.nos_code): m for m in NosMark.objects.filter(assessment=assessment)}
    links = grade_links([a for a in attempts if a.finished_at is not None])
    default_zone = assessment_time_zone(assessment)
    zones = candidate_time_zones(assessment)
    rows = []
    for attempt in attempts:
        subs = {s["nos_code"]: s for s in attempt.subscores or []}
        results, shares, weights, any_practical = [], [], [], False
        for n in nos_rows:
            sub = subs.get(n["code"])
            percent = sub.get("expected_percent") if sub else None
            theory = n["theory"] * percent / 100 if percent is not None else None
            mark = marks.get((attempt.user_id, n["code"]))
            practical = float(mark.practical) if mark and mark.practical is not None else None
            viva = float(mark.viva) if mark and mark.viva is not None else None
            any_practical |= practical is not None or viva is not None
            results.append(
                NosResult(
                    n["code"], n["theory"], percent, theory, practical, n["practical"], viva,
                    n["viva"], n["weightage"],
                )
            )  # fmt: skip
        for r in results:
            if any_practical:
                top = r.theory_max + r.practical_max + r.viva_max
                got = (r.theory_marks or 0) + (r.practical or 0) + (r.viva or 0)
            else:
                top, got = r.theory_max, r.theory_marks or 0
            if top > 0 and r.theory_percent is not None:
                shares.append(100 * got / top)
                weights.append(r.weightage)
        aggregate = (
            sum(s * w for s, w in zip(shares, weights, strict=True)) / sum(weights)
            if weights and sum(weights) > 0
            else None
        )
        rows.append(
            ResultRow(
                attempt=attempt,
                name=str(attempt.user),
                time_taken=(attempt.finished_at - attempt.started_at)
                if attempt.finished_at
                else None,
                nos=results,
                aggregate=None if aggregate is None else round(aggregate, 1),
                passed=None
                if aggregate is None or attempt.finished_at is None
                else aggregate >= cut,
                includes_practical=any_practical,
                grade_links=links.get(attempt.pk, []),
                time_zone=zones.get(attempt.user_id, default_zone),
            )
        )
    return {
        "rows": rows,
        "nos_codes": [n["code"] for n in nos_rows],
        "nos_rows": nos_rows,
        "pass_percentage": cut,
        "time_zone": default_zone,
        # One zone for every row, or "" when candidates sit at centres in different zones.
        "single_time_zone": _single({r.time_zone for r in rows}, default_zone),
    }


def _single(zones: set[str], default: str) -> str:
    if not zones:
        return default
    return zones.pop() if len(zones) == 1 else ""
