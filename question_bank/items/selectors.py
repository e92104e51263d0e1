"""Reads on items: the curators' listing with its filters, PC references used by interchange
files, and coverage of a QP's blueprint (items approved / needed per PC).

Coverage rule: a PC needs ``ceil(theory marks x ITEMS_PER_THEORY_MARK)`` approved items, and at
least ``MIN_ITEMS_PER_PC`` (so the paper generator has alternatives for every PC). Where the
document gives marks per element only, the element's theory marks are shared equally by its PCs;
where it gives no marks at all, every PC needs ``MIN_ITEMS_PER_PC_WITHOUT_MARKS``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from ..models import (
    GenericSkill,
    Item,
    ItemOption,
    ItemStatus,
    ItemVersion,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)

ITEMS_PER_THEORY_MARK = Decimal(str(getattr(settings, "QUESTION_BANK_ITEMS_PER_THEORY_MARK", 1)))
MIN_ITEMS_PER_PC = 3
MIN_ITEMS_PER_PC_WITHOUT_MARKS = 1


def qualification_pack_current(*, code: str) -> QualificationPack | None:
    return QualificationPack.objects.filter(code=code, is_current=True).first()


def qualification_pack_nos(*, code: str) -> list[NationalOccupationalStandard]:
    """The NOS rows (the revisions the current QP points to) of a QP, in document order."""
    qp = qualification_pack_current(code=code)
    if qp is None:
        return []
    return [link.nos for link in qp.nos_links.select_related("nos").order_by("position")]


def performance_criterion_refs(
    nos: NationalOccupationalStandard,
) -> dict[str, PerformanceCriterion]:
    """PC references unique within a NOS: the code, or "PC6#2" for a code's second occurrence
    (documents repeat codes: ASC/N0004 lists PC6 twice)."""
    refs: dict[str, PerformanceCriterion] = {}
    seen: Counter[str] = Counter()
    for pc in nos.performance_criteria.order_by("position"):
        seen[pc.code] += 1
        refs[pc.code if seen[pc.code] == 1 else f"{pc.code}#{seen[pc.code]}"] = pc
    return refs


def performance_criterion_ref(pc: PerformanceCriterion) -> str:
    earlier = PerformanceCriterion.objects.filter(
        nos_id=pc.nos_id, code=pc.code, position__lt=pc.position
    ).count()
    return pc.code if not earlier else f"{pc.code}#{earlier + 1}"


def item_version_list(
    *,
    qualification_pack: str = "",
    nos: int | None = None,
    performance_criterion: int | None = None,
    knowledge_item: int | None = None,
    generic_skill: int | None = None,
    item_type: str = "",
    language: str = "",
    status: str = "",
    author: int | None = None,
    search: str = "",
    to_be_tagged: bool = False,
    source_category: str = "",
) -> QuerySet[ItemVersion]:
    """The latest version of every item matching the filters, for the curators' listing."""
    qs = ItemVersion.objects.filter(is_latest=True)
    if qualification_pack:
        codes = [n.code for n in qualification_pack_nos(code=qualification_pack)]
        qs = qs.filter(
            Q(item__nos__code__in=codes) | Q(item__qualification_pack__code=qualification_pack)
        )
    if to_be_tagged:
        qs = qs.filter(item__performance_criterion__isnull=True)
    if source_category:
        qs = qs.filter(item__source_category__icontains=source_category)
    if nos:
        qs = qs.filter(item__nos_id=nos)
    if performance_criterion:
        qs = qs.filter(item__performance_criterion_id=performance_criterion)
    if knowledge_item:
        qs = qs.filter(item__knowledge_items=knowledge_item)
    if generic_skill:
        qs = qs.filter(item__generic_skills=generic_skill)
    if item_type:
        qs = qs.filter(item_type=item_type)
    if language:
        qs = qs.filter(translations__language=language)
    if status:
        qs = qs.filter(status=status)
    if author:
        qs = qs.filter(author_id=author)
    if search:
        qs = qs.filter(translations__search_text__icontains=search)
    if language or search:
        qs = qs.distinct()
    return (
        qs.select_related(
            "item", "item__nos", "item__performance_criterion", "author", "statistics"
        )
        .prefetch_related("translations")
        .order_by("-item_id")
    )


def items_to_be_tagged_count(*, qualification_pack_code: str) -> int:
    """Items imported for the QP that no curator has tagged to a PC yet (coverage page)."""
    return Item.objects.filter(
        qualification_pack__code=qualification_pack_code, performance_criterion__isnull=True
    ).count()


def item_version_approved(*, item: Item) -> ItemVersion | None:
    return item.versions.filter(status=ItemStatus.APPROVED).first()


def item_version_detail(*, pk: int) -> ItemVersion:
    return (
        ItemVersion.objects.select_related(
            "item", "item__nos", "item__performance_criterion", "author", "approved_by"
        )
        .prefetch_related("options", "translations")
        .get(pk=pk)
    )


@dataclass
class PcCoverage:
    performance_criterion: PerformanceCriterion
    ref: str
    theory_marks: Decimal | None
    marks_source: str  # "pc", "element", "none"
    needed: int
    approved: int

    @property
    def short(self) -> int:
        return max(0, self.needed - self.approved)

    @property
    def percent(self) -> int:
        return 100 if not self.needed else min(100, round(100 * self.approved / self.needed))


@dataclass
class NosCoverage:
    nos: NationalOccupationalStandard
    rows: list[PcCoverage] = field(default_factory=list)
    knowledge_items_without_items: list[KnowledgeItem] = field(default_factory=list)
    generic_skills_without_items: list[GenericSkill] = field(default_factory=list)

    @property
    def approved(self) -> int:
        return sum(r.approved for r in self.rows)

    @property
    def needed(self) -> int:
        return sum(r.needed for r in self.rows)


def _needed(marks: Decimal | None) -> int:
    if marks is None:
        return MIN_ITEMS_PER_PC_WITHOUT_MARKS
    return max(MIN_ITEMS_PER_PC, math.ceil(marks * ITEMS_PER_THEORY_MARK))


def qualification_pack_coverage(*, code: str) -> list[NosCoverage]:
    """For every NOS of the QP and every PC: approved items / items needed (see module doc)."""
    result = []
    for nos in qualification_pack_nos(code=code):
        approved = dict(
            Item.objects.filter(nos=nos, versions__status=ItemStatus.APPROVED)
            .values_list("performance_criterion_id")
            .annotate(n=Count("id", distinct=True))
        )
        coverage = NosCoverage(nos=nos)
        pcs = list(nos.performance_criteria.select_related("element").order_by("position"))
        per_element = Counter(pc.element_id for pc in pcs)
        refs = {pc.pk: ref for ref, pc in performance_criterion_refs(nos).items()}
        for pc in pcs:
            if pc.theory_marks is not None:
                marks, source = pc.theory_marks, "pc"
            elif pc.element.theory_marks is not None and not any(
                p.theory_marks is not None for p in pcs if p.element_id == pc.element_id
            ):
                marks, source = pc.element.theory_marks / per_element[pc.element_id], "element"
            else:
                marks, source = None, "none"
            coverage.rows.append(
                PcCoverage(
                    performance_criterion=pc,
                    ref=refs[pc.pk],
                    theory_marks=marks,
                    marks_source=source,
                    needed=_needed(marks),
                    approved=approved.get(pc.pk, 0),
                )
            )
        tagged = Q(items__versions__status=ItemStatus.APPROVED)
        coverage.knowledge_items_without_items = list(
            nos.knowledge_items.annotate(n=Count("items", filter=tagged)).filter(n=0)
        )
        coverage.generic_skills_without_items = list(
            nos.generic_skills.annotate(n=Count("items", filter=tagged)).filter(n=0)
        )
        result.append(coverage)
    return result


def bank_at_a_glance() -> dict:
    """The curator's figures: latest versions by status, items still to be tagged, item
    versions flagged by their statistics, calibrated items (the admin home and the dashboard)."""
    from django.db.models import Count

    from question_bank.models import ItemStatistics

    by_status = dict(
        ItemVersion.objects.filter(is_latest=True)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "bank_by_status": by_status,
        "to_be_tagged": Item.objects.filter(performance_criterion__isnull=True).count(),
        "flagged_items": ItemStatistics.objects.exclude(flags=[]).count(),
        "calibrated_items": Item.objects.filter(discrimination__isnull=False).count(),
    }


def item_versions_score_levels(versions: list[ItemVersion]) -> dict[int, list[float]]:
    """Per version pk, the fractions it can score (``ItemTypeSpec.score_levels``: one IRT score
    category each, [0, 1] for right/wrong), for a whole bank in at most three queries: choice
    types read their options' fractions only (``score_levels_read_options_only``), the other
    partial-credit types their content; types without levels of their own ([0, 1]) read
    nothing. Used by calibration and by the assessment bank alike, so an answer's IRT category
    is the same in both."""
    from django.db.models import prefetch_related_objects

    from .content import item_content_of
    from .types import ItemTypeSpec, item_type_spec

    own = [
        v
        for v in versions
        if type(item_type_spec(v.item_type)).score_levels is not ItemTypeSpec.score_levels
    ]
    own_pks = {v.pk for v in own}
    by_content = [v for v in own if not item_type_spec(v.item_type).score_levels_read_options_only]
    prefetch_related_objects(by_content, "options")
    prefetch_related_objects(by_content, "translations")
    # Choice types need their options' fractions only: one values query, no option objects (a
    # mastery report reads the levels of a whole QP's bank on every page).
    fractions: dict[int, list[Decimal]] = {}
    option_only = [v.pk for v in own if item_type_spec(v.item_type).score_levels_read_options_only]
    if option_only:
        for version_id, fraction in ItemOption.objects.filter(
            version_id__in=option_only
        ).values_list("version_id", "fraction"):
            fractions.setdefault(version_id, []).append(Decimal(fraction))
    levels: dict[int, list[float]] = {}
    for v in versions:
        spec = item_type_spec(v.item_type)
        if v.pk not in own_pks:
            levels[v.pk] = [0.0, 1.0]
        elif spec.score_levels_read_options_only:
            levels[v.pk] = spec.score_levels_of_fractions(fractions.get(v.pk, []))
        else:
            levels[v.pk] = spec.score_levels(item_content_of(v))
    return levels
