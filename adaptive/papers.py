"""From a QP and its question bank to what the IRT core needs: the pool, its ItemBank and the
blueprint that makes a paper follow the QP's theory marks per PC and per NOS.

The pool of an assessment is every approved summative item version tagged to a PC of the QP's NOS
that carries theory marks (every PC, when the QP gives no theory marks at all). Practice items
(``Item.purpose``) feed knowledge checks, which show their keys after answering, so they never
enter a pool; ``items_in_active_pools`` lets knowledge checks refuse any item that does. Bank
index ``i`` means ``pool[i]``; an attempt freezes its pool so indices stay valid while it runs.

Blueprint (the SSC rule "a unique paper per candidate that follows the marks per PC"): each PC's
share of the theory marks, ``w_pc``, times the paper length ``L`` is the number of questions it
should get; a paper has between ``floor(L w_pc)`` and ``ceil(L w_pc)`` questions of each PC and
likewise per NOS, so the marks per PC hold as closely as whole questions allow. A CAT's blueprint
keeps the maxima at its longest length and puts the NOS minima at its shortest, so a test that
stops early on the SE rule still covers every NOS in proportion.

Partial-credit items (``ItemTypeSpec.score_levels`` longer than [0, 1]: single choice with an
option worth part of the mark, multiple response whose choices can earn part of it, numeric
answers worth part of it, matching, cloze, partly right short answers, essays once marked) are
generalized partial credit items (Muraki 1992) with one category per score level; the rest stay
dichotomous (a GPCM item with two categories is the 2PL). Until calibrated as such, a
partial-credit item's steps are spread evenly around its difficulty (``_steps_around``).

Items not yet calibrated get ``a = 1``, ``c = 0`` and ``b`` from the author's difficulty
estimate (1..5 -> -2..2), so a new bank is usable on day one and improves as calibration runs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from adaptive.irt import Blueprint, Constraint, ItemBank, PreparedBank, expected_score
from question_bank.api import (
    deliverable_types,
    item_type_spec,
    item_versions_score_levels,
    qualification_pack_nos,
    score_category_of,
)
from question_bank.models import Item, ItemPurpose, ItemStatus, ItemVersion, PerformanceCriterion

from .models import Assessment, Attempt

# Author's difficulty estimate (1 very easy .. 5 very hard) -> IRT difficulty b.
ESTIMATE_DIFFICULTY = {1: -2.0, 2: -1.0, 3: 0.0, 4: 1.0, 5: 2.0}


@dataclass(frozen=True)
class PoolItem:
    version_id: int
    item_id: int
    nos_code: str
    pc_id: int
    pc_code: str


@dataclass
class AssessmentBank:
    """A frozen pool with its IRT parameters and theory-mark weights."""

    items: list[PoolItem]
    irt: ItemBank
    pc_weight: dict[int, float]  # share of the theory marks (sums to 1 over PCs in the pool)
    nos_weight: dict[str, float]
    nos_titles: dict[str, str]
    enemies: tuple[tuple[int, int], ...] = ()
    unassessable_pcs: list[str] = field(default_factory=list)  # PCs with marks but no items
    # Per pool item, the fractions it can score (one IRT category each); empty: all [0, 1].
    score_levels: list[list[float]] = field(default_factory=list)
    # Pool indices of items an assessor marks (essays): no score, hence no IRT, until marked.
    hand_marked: frozenset[int] = frozenset()
    _prepared: PreparedBank | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def prepared(self) -> PreparedBank:
        """The bank's log-probabilities and information on the CAT's theta grid, tabulated once
        per built bank (the bank is cached per process, and a recalibration builds a new one):
        tabulating them was most of a CAT answer step's CPU (13 ms of 38 at 185 items)."""
        if self._prepared is None:
            self._prepared = PreparedBank.from_bank(self.irt)
        return self._prepared

    def category(self, index: int, score: float) -> int:
        """The IRT score category of ``score`` (a fraction) on pool item ``index``."""
        levels = self.score_levels[index] if self.score_levels else [0.0, 1.0]
        return score_category_of(levels, score)

    @property
    def version_ids(self) -> list[int]:
        return [p.version_id for p in self.items]

    def index_of_items(self, item_ids) -> list[int]:
        wanted = set(item_ids)
        return [i for i, p in enumerate(self.items) if p.item_id in wanted]

    def expected_percent(self, theta: float, items: list[int] | None = None) -> float:
        """Percent of the theory marks a candidate at ``theta`` is expected to earn: each PC's
        mean probability of success over its pool items, weighted by the PC's marks (a true
        score on the QP's own mark scheme, so it is comparable between CAT tests of any
        length and between LOFT papers of different difficulty)."""
        idx = list(range(len(self.items))) if items is None else list(items)
        if not idx:
            return 0.0
        levels = [self.score_levels[i] for i in idx] if self.score_levels else None
        # Each category at the fraction of the mark it earns (uneven partial credit included).
        p = expected_score(np.array([float(theta)]), self.irt.subset(idx), levels)[0]
        by_pc: dict[int, list[float]] = defaultdict(list)
        for k, i in enumerate(idx):
            by_pc[self.items[i].pc_id].append(float(p[k]))
        total_w = sum(self.pc_weight[pc] for pc in by_pc)
        return (
            100.0
            * sum(self.pc_weight[pc] * float(np.mean(v)) for pc, v in by_pc.items())
            / (total_w or 1.0)
        )

    def theta_for_percent(self, percent: float) -> float:
        """The ability whose expected percent is ``percent`` (the pass cut on the theta scale),
        by bisection: expected percent increases with theta."""
        lo, hi = -6.0, 6.0
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            if self.expected_percent(mid) < percent:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)


def _pool_queryset(pcs: list[PerformanceCriterion]):
    """Approved summative item versions that may appear in a theory paper: those of PCs with
    theory marks, or of every PC when the QP gives no theory marks."""
    with_theory = [pc for pc in pcs if (pc.theory_marks or 0) > 0]
    return ItemVersion.objects.filter(
        status=ItemStatus.APPROVED,
        item__purpose=ItemPurpose.SUMMATIVE,
        item__performance_criterion__in=with_theory or pcs,
        # Every question type with a widget; never a description (not a question).
        item_type__in=deliverable_types(),
    )


def _pool_versions(pcs: list[PerformanceCriterion]) -> list[ItemVersion]:
    """The pool in NOS/PC order."""
    return list(
        _pool_queryset(pcs)
        .select_related("item__performance_criterion__nos")
        .order_by("item__nos__code", "item__performance_criterion__position", "item_id")
    )


def pool_version_ids(
    *, qualification_pack_code: str, nos_codes: list[str] | None = None
) -> list[int]:
    """The current pool's version ids in ``bank_build``'s order (three queries): what an
    assessment's bank is built from, so that a built bank can be found again by them."""
    nos_list = qualification_pack_nos(code=qualification_pack_code)
    if nos_codes:
        nos_list = [nos for nos in nos_list if nos.code in set(nos_codes)]
    pcs = list(PerformanceCriterion.objects.filter(nos__in=nos_list))
    if not pcs:
        return []
    return list(
        _pool_queryset(pcs)
        .order_by("item__nos__code", "item__performance_criterion__position", "item_id")
        .values_list("pk", flat=True)
    )


def _qualification_pack_pcs(qualification_pack_code: str) -> list[PerformanceCriterion]:
    return list(
        PerformanceCriterion.objects.filter(
            nos__in=qualification_pack_nos(code=qualification_pack_code)
        )
    )


def items_in_active_pools(*, item_ids) -> set[int]:
    """Those of ``item_ids`` (Item pks) that an active assessment may draw now, or that the frozen
    pool of an unfinished attempt holds: their keys must not be revealed anywhere."""
    wanted = set(item_ids)
    if not wanted:
        return set()
    found: set[int] = set()
    codes = (
        Assessment.objects.filter(is_active=True)
        .values_list("qualification_pack_code", flat=True)
        .distinct()
    )
    for code in codes:
        pcs = _qualification_pack_pcs(code)
        if pcs:
            found.update(
                _pool_queryset(pcs).filter(item_id__in=wanted).values_list("item_id", flat=True)
            )
    frozen: set[int] = set()
    for pool in Attempt.objects.filter(
        assessment__is_active=True, finished_at__isnull=True
    ).values_list("pool", flat=True):
        frozen.update(pool or [])
    if frozen:
        found.update(
            ItemVersion.objects.filter(pk__in=frozen, item_id__in=wanted).values_list(
                "item_id", flat=True
            )
        )
    return found


def _tagged_pc(version: ItemVersion) -> PerformanceCriterion:
    """The PC of a pooled (approved) item: an item imported untagged cannot be approved."""
    pc = version.item.performance_criterion
    if pc is None:
        raise ValueError(f"{version} is not tagged to a PC and cannot be in a paper")
    return pc


def bank_build(
    *,
    qualification_pack_code: str,
    version_ids: list[int] | None = None,
    nos_codes: list[str] | None = None,
):
    """The AssessmentBank of a QP: its current pool, or the frozen ``version_ids`` of an
    attempt (in that order). ``nos_codes``: only those NOS (an assessment scoped to named NOS)."""
    nos_list = qualification_pack_nos(code=qualification_pack_code)
    if nos_codes:
        nos_list = [nos for nos in nos_list if nos.code in set(nos_codes)]
    qp_order = {nos.pk: k for k, nos in enumerate(nos_list)}
    pcs = sorted(
        PerformanceCriterion.objects.filter(nos__in=nos_list).select_related("nos"),
        key=lambda pc: (qp_order[pc.nos_id], pc.position),
    )
    if version_ids is None:
        versions = _pool_versions(pcs) if pcs else []
    else:
        by_id = {
            v.pk: v
            for v in ItemVersion.objects.filter(pk__in=version_ids).select_related(
                "item__performance_criterion__nos"
            )
        }
        versions = [by_id[pk] for pk in version_ids if pk in by_id]
    items = [
        PoolItem(
            version_id=v.pk,
            item_id=v.item_id,
            nos_code=_tagged_pc(v).nos.code,
            pc_id=_tagged_pc(v).pk,
            pc_code=_tagged_pc(v).code,
        )
        for v in versions
    ]
    levels = _score_levels(versions)
    irt = _item_bank(versions, levels, ids=[str(p.version_id) for p in items])
    pcs_in_pool = {p.pc_id for p in items}
    marks = {pc.pk: float(pc.theory_marks or 0) for pc in pcs}
    nos_of_pc = {pc.pk: pc.nos.code for pc in pcs}
    unassessable = [
        f"{pc.nos.code} {pc.code}" for pc in pcs if marks[pc.pk] > 0 and pc.pk not in pcs_in_pool
    ]
    for p in items:  # items of PCs the frozen pool still has but the QP no longer weighs
        marks.setdefault(p.pc_id, 0.0)
        nos_of_pc.setdefault(p.pc_id, p.nos_code)
    pool_marks = {pc: marks[pc] for pc in pcs_in_pool}
    total = sum(pool_marks.values())
    if total <= 0:  # no theory marks (in the pool): every PC with items counts the same
        pool_marks = {pc: 1.0 for pc in pcs_in_pool}
        total = float(len(pcs_in_pool)) or 1.0
    pc_weight = {pc_id: m / total for pc_id, m in pool_marks.items()}
    nos_weight: dict[str, float] = defaultdict(float)
    for pc_id, w in pc_weight.items():
        nos_weight[nos_of_pc[pc_id]] += w

    index_of_item = {p.item_id: i for i, p in enumerate(items)}
    enemies: set[tuple[int, int]] = set()
    if items:
        for from_id, to_id in Item.enemies.through.objects.filter(
            from_item_id__in=index_of_item, to_item_id__in=index_of_item
        ).values_list("from_item_id", "to_item_id"):
            i, j = index_of_item[from_id], index_of_item[to_id]
            if i != j:
                enemies.add((min(i, j), max(i, j)))
    return AssessmentBank(
        items=items,
        irt=irt,
        pc_weight=pc_weight,
        nos_weight=dict(nos_weight),
        nos_titles={nos.code: nos.title for nos in nos_list},
        enemies=tuple(sorted(enemies)),
        unassessable_pcs=unassessable,
        score_levels=levels,
        hand_marked=frozenset(
            i for i, v in enumerate(versions) if not item_type_spec(v.item_type).auto_scored
        ),
    )


def _score_levels(versions: list[ItemVersion]) -> list[list[float]]:
    """Each version's score levels (``question_bank.api.item_versions_score_levels``: choice
    items from their options' fractions, other partial-credit types from their content)."""
    levels = item_versions_score_levels(versions)
    return [levels[v.pk] for v in versions]


def _steps_around(difficulty: float, n_steps: int) -> list[float]:
    """Step difficulties of an uncalibrated partial-credit item: evenly spread one logit
    either side of its difficulty, so the item's mean step is its difficulty."""
    if n_steps == 1:
        return [difficulty]
    return [difficulty - 1.0 + 2.0 * k / (n_steps - 1) for k in range(n_steps)]


def _item_bank(versions: list[ItemVersion], levels: list[list[float]], ids: list[str]) -> ItemBank:
    """2PL/3PL items, and GPCM items (slope-intercept: ``d_k = -a b_k``) for partial credit;
    a calibrated item's GPCM steps are ``Item.step_difficulties`` when stored."""
    n_steps = [len(lv) - 1 for lv in levels]
    width = max(n_steps, default=1)
    a = np.ones(len(versions))
    c = np.zeros(len(versions))
    d = np.full((len(versions), width), np.nan)
    for j, v in enumerate(versions):
        item = v.item
        if item.discrimination is not None and item.difficulty is not None:
            a[j], b = float(item.discrimination), float(item.difficulty)
            c[j] = float(item.guessing or 0.0) if n_steps[j] == 1 else 0.0
        else:
            b = ESTIMATE_DIFFICULTY.get(v.difficulty_estimate or 3, 0.0)
        steps = item.step_difficulties or []
        if len(steps) != n_steps[j]:
            steps = _steps_around(b, n_steps[j])
        d[j, : n_steps[j]] = [-a[j] * s for s in steps]
    return ItemBank(a, d, c, tuple(ids), polytomous="gpcm")


def blueprint_build(
    bank: AssessmentBank, *, length: int, min_length: int | None = None
) -> Blueprint:
    """Questions per PC and per NOS in proportion to theory marks (see module doc).

    ``min_length`` (CAT): NOS minima are taken at this length, maxima at ``length``; PCs get
    maxima only. Without it (LOFT) both bounds are at ``length``.
    """
    constraints: list[Constraint] = []
    by_pc: dict[int, list[int]] = defaultdict(list)
    by_nos: dict[str, list[int]] = defaultdict(list)
    pc_name: dict[int, str] = {}
    for i, p in enumerate(bank.items):
        by_pc[p.pc_id].append(i)
        by_nos[p.nos_code].append(i)
        pc_name[p.pc_id] = f"{p.nos_code} {p.pc_code}"
    low_length = length if min_length is None else min_length
    for nos, idx in by_nos.items():
        w = bank.nos_weight.get(nos, 0.0)
        constraints.append(
            Constraint(
                tuple(idx),
                minimum=math.floor(low_length * w + 1e-9),
                maximum=math.ceil(length * w - 1e-9),
                name=nos,
            )
        )
    for pc, idx in by_pc.items():
        w = bank.pc_weight.get(pc, 0.0)
        constraints.append(
            Constraint(
                tuple(idx),
                minimum=0 if min_length is not None else math.floor(length * w + 1e-9),
                maximum=math.ceil(length * w - 1e-9),
                name=pc_name[pc],
            )
        )
    return Blueprint(length=length, constraints=tuple(constraints), enemies=bank.enemies)


def nos_coverage_gaps(*, qualification_pack_code: str, bank: AssessmentBank) -> list[str]:
    """NOS of the QP a theory result needs but the pool does not cover: every NOS except those
    whose theory marks are known to be zero (a NOS the document gives no marks for may well
    carry theory, so it counts as needed)."""
    covered = {p.nos_code for p in bank.items}
    gaps = []
    for nos in qualification_pack_nos(code=qualification_pack_code):
        marks = [pc.theory_marks for pc in nos.performance_criteria.all()]
        known = [m for m in marks if m is not None]
        theory_known_zero = (nos.theory_marks is not None and nos.theory_marks == 0) or (
            known and len(known) == len(marks) and not any(known)
        )
        if not theory_known_zero and nos.code not in covered:
            gaps.append(nos.code)
    return gaps


def blueprint_shortfalls(bank: AssessmentBank, blueprint: Blueprint, excluded=()) -> list[str]:
    """Constraints whose minimum the pool (less ``excluded``) cannot reach, as sentences."""
    out = []
    banned = set(excluded)
    if len(bank.items) - len(banned) < blueprint.length:
        out.append(
            f"the bank has {len(bank.items) - len(banned)} usable questions; "
            f"a paper needs {blueprint.length}"
        )
    for c in blueprint.constraints:
        available = sum(1 for i in c.items if i not in banned)
        if available < c.minimum:
            out.append(f"{c.name} needs {c.minimum:g} questions, the bank has {available}")
    return out
