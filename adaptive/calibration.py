"""Calibrating a QP's bank from recorded responses: the Django glue around ``adaptive.irt``.

Persons are attempts (an ability can change between attempts; practice answered outside an
attempt counts as one person per learner), items are bank ``Item`` s (translations and versions of
an item share its calibration), scores are IRT categories: 0/1 for items scored right/wrong,
0..K-1 for partial-credit items (``ItemTypeSpec.score_levels``, merged over the item's
versions: single choice with an option worth part of the mark, multiple response with partial
credit, numeric answers worth part of the mark, matching, cloze, partly right short answers),
which a 2PL run calibrates as generalized partial credit items (Muraki 1992; a two-category
GPCM item is the 2PL, so the binary items' estimates are the 2PL's) and a 1PL/3PL run scores
right/wrong. A partial-credit item in which some category was never observed has no finite
step there; it is calibrated right/wrong until every category has been seen. Descriptions stay
out, and essays until an assessor has marked them. Items with fewer than ``min_responses``
answers are left out and listed in the run. In "anchored" mode already calibrated items keep
their parameters and the others are put on their scale (fixed-parameter calibration, Kim
2006); the first calibration of a bank, or "full" mode, fixes the scale at N(0, 1) for this
sample.

``calibration_run_start`` records a run and enqueues ``calibration_run_execute`` on Celery (eager
without a broker); the task reports its progress on the run row, which the admin page polls.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from celery import shared_task
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from question_bank.api import (
    auto_scored_types,
    distinct_score_levels,
    item_versions_score_levels,
    score_categories_of,
    score_category_of,
)
from question_bank.models import Item, ItemVersion, QualificationPack

from .irt import ItemBank, SparseResponses, calibrate, expected_score, item_fit
from .models import CalibrationRun, Response

logger = logging.getLogger(__name__)

__all__ = [
    "CalibratedItems",
    "CalibrationData",
    "NotEnoughResponsesError",
    "bank_items",
    "calibrated_items",
    "calibration_data_collect",
    "calibration_run_execute",
    "calibration_run_start",
    "recalibration_due_start",
]


class NotEnoughResponsesError(ValueError):
    """No item of the bank has the responses a calibration needs; the message says so in words."""


def _not_enough_message(qualification_pack_code: str, min_responses: int) -> str | None:
    """A sentence for a bank that cannot be calibrated yet, or None if it can."""
    counts = list(
        Response.objects.filter(item__in=bank_items(qualification_pack_code))
        .values("item_id")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    if any(n >= min_responses for n in counts):
        return None
    if not counts:
        return (
            f"{qualification_pack_code} cannot be calibrated yet: no question of its bank has "
            f"been answered. Calibration needs at least {min_responses} answers to a question; "
            "they come from assessments and knowledge checks."
        )
    return (
        f"{qualification_pack_code} cannot be calibrated yet: calibration needs at least "
        f"{min_responses} answers to a question, and the most any question has is {max(counts)} "
        f"({len(counts)} questions answered so far). Try again once more candidates have sat an "
        "assessment or answered knowledge checks."
    )


@dataclass
class CalibrationData:
    """Responses of one QP's bank in long form, ready for ``adaptive.irt.calibrate``."""

    item_ids: list[int]  # bank Item primary keys, one per column
    responses: SparseResponses
    skipped: dict[int, int]  # Item pk -> number of responses, for items under the minimum
    # Item pk -> score categories (2: right/wrong); more for partial-credit items.
    n_categories: dict[int, int] = field(default_factory=dict)

    @property
    def is_polytomous(self) -> bool:
        return any(k > 2 for k in self.n_categories.values())


def _item_levels(rows: list[tuple], column: dict[int, int]) -> dict[int, list[float]]:
    """Per calibrated item, the score levels of its answered versions together (each version's
    ``score_levels``, merged): a score is a fraction of the mark whichever version was shown, so
    full marks on a right/wrong version and on a partial-credit version of the same item are the
    same top category, and responses stored before a version had partial credit keep scoring."""
    return _merged_levels({row[4]: row[2] for row in rows if row[2] in column})


def _merged_levels(version_item: dict[int, int]) -> dict[int, list[float]]:
    """Item pk -> the score levels of the given versions (version pk -> item pk), merged."""
    versions = list(ItemVersion.objects.filter(pk__in=version_item))
    by_version = item_versions_score_levels(versions)
    merged: dict[int, set[float]] = {}
    for version_id, version_levels in by_version.items():
        merged.setdefault(version_item[version_id], set()).update(version_levels)
    return {item_id: distinct_score_levels(values) for item_id, values in merged.items()}


@dataclass(frozen=True)
class CalibratedItems:
    """Calibrated bank ``Item`` s in the model their calibration fitted, for reading stored
    responses on the bank's scale (mastery, DIF): an item with stored GPCM steps
    (``step_difficulties``, K - 1 of them) is a generalized partial credit item (Muraki 1992)
    with K categories, the others 2PL/3PL (right/wrong), exactly as ``calibration_data_collect``
    coded their responses.

    item_ids: Item pks, one per column of ``irt``
    irt: the items' parameters (``polytomous="gpcm"``; a bank of right/wrong items only is a
        plain dichotomous bank, so old figures stay what they were)
    levels: per item, the fraction of the mark each category stands for (ascending)
    """

    item_ids: tuple[int, ...]
    irt: ItemBank
    levels: tuple[tuple[float, ...], ...]

    def categories(
        self, columns: np.ndarray, scores: np.ndarray, is_correct: np.ndarray
    ) -> np.ndarray:
        """IRT category of each stored response, (n_responses,) float: for a GPCM item the
        level its credit (``Response.score``) reaches (``score_categories_of``; no score stored:
        right is the top category), for a right/wrong item 1 if right (full marks) else 0.

        columns: (n_responses,) int array, the item's column; scores: (n_responses,) float,
        nan where none is stored; is_correct: (n_responses,) bool
        """
        cols = np.asarray(columns, dtype=np.int64)
        right = np.asarray(is_correct, dtype=bool)
        n_cat = self.irt.n_categories[cols]
        width = max((len(lv) for lv in self.levels), default=2)
        padded = np.full((len(self.levels), width), np.nan)
        for j, lv in enumerate(self.levels):  # per item, not per response
            padded[j, : len(lv)] = lv
        s = np.asarray(scores, dtype=float)
        by_credit = score_categories_of(padded[cols], np.nan_to_num(s, nan=0.0))
        by_right = np.where(right, n_cat - 1, 0)
        polytomous = (n_cat > 2) & ~np.isnan(s)
        return np.where(polytomous, by_credit, by_right).astype(float)

    def subset(self, columns: list[int]) -> CalibratedItems:
        return CalibratedItems(
            tuple(self.item_ids[j] for j in columns),
            self.irt.subset(columns),
            tuple(self.levels[j] for j in columns),
        )

    def expected(self, theta: np.ndarray, columns: list[int] | None = None) -> np.ndarray:
        """Expected fraction of each item's mark at each theta, (n_theta, n_items): the IRT
        core's ``expected_score`` (sum of levels x category probabilities), over ``columns``
        (all items by default)."""
        idx = list(range(len(self.item_ids))) if columns is None else list(columns)
        return expected_score(theta, self.irt.subset(idx), [list(self.levels[j]) for j in idx])


def calibrated_items(items: list[Item]) -> CalibratedItems:
    """The calibrated model of each of ``items`` (all calibrated: ``discrimination`` and
    ``difficulty`` set), in their order. A GPCM item's levels are its versions' score levels
    merged, as calibration merges them; should its versions now offer a different number of
    levels than it was calibrated with (a version added since), its K calibrated categories
    stand for evenly spaced fractions until it is recalibrated."""
    versions = dict(
        ItemVersion.objects.filter(item__in=[i.pk for i in items]).values_list("pk", "item_id")
    )
    merged = _merged_levels(versions) if versions else {}
    steps = [list(item.step_difficulties or []) for item in items]
    width = max((len(s) for s in steps), default=1) or 1
    a = np.array([float(item.discrimination or 0.0) for item in items])
    c = np.zeros(len(items))
    d = np.full((len(items), width), np.nan)
    levels: list[tuple[float, ...]] = []
    for j, item in enumerate(items):
        own = merged.get(item.pk, [0.0, 1.0])
        if len(steps[j]) > 1:
            d[j, : len(steps[j])] = [-a[j] * b for b in steps[j]]
            k = len(steps[j]) + 1
            levels.append(tuple(own) if len(own) == k else tuple(np.linspace(0.0, 1.0, k)))
        else:  # right/wrong: calibrated on full marks or not
            d[j, 0] = -a[j] * float(item.difficulty or 0.0)
            c[j] = float(item.guessing or 0.0)
            levels.append(tuple(own) if len(own) == 2 else (0.0, 1.0))
    bank = ItemBank(a, d, c, tuple(str(i.pk) for i in items), polytomous="gpcm")
    return CalibratedItems(tuple(i.pk for i in items), bank, tuple(levels))


def bank_items(qualification_pack_code: str):
    """The bank of a current QP (every Item tagged to one of its NOS codes); also DIF's."""
    pack = QualificationPack.objects.filter(code=qualification_pack_code, is_current=True).first()
    if pack is None:
        raise ValueError(f"no current qualification pack {qualification_pack_code!r}")
    # Items are tagged to NOS rows; a NOS code may have several revisions, all of which belong
    # to the bank of a QP that lists the code.
    codes = list(pack.nos.values_list("code", flat=True))
    return Item.objects.filter(nos__code__in=codes)


def calibration_data_collect(
    *, qualification_pack_code: str, min_responses: int = 30
) -> CalibrationData:
    items = bank_items(qualification_pack_code)
    rows = list(
        # Descriptions are not questions; an essay counts once an assessor has marked it.
        Response.objects.filter(
            Q(item_version__item_type__in=auto_scored_types())
            | Q(item_version__item_type="essay", score__isnull=False),
            item__in=items,
        ).values_list("attempt_id", "user_id", "item_id", "is_correct", "item_version_id", "score")
    )
    per_item = Counter(row[2] for row in rows)
    kept = sorted(item for item, n in per_item.items() if n >= min_responses)
    skipped = {item: n for item, n in per_item.items() if n < min_responses}
    column = {item: j for j, item in enumerate(kept)}
    levels = _item_levels(rows, column)
    categories = {item: max(2, len(levels.get(item, ()))) for item in kept}
    coded = []
    for attempt_id, user_id, item_id, is_correct, _version_id, value in rows:
        if item_id not in column:
            continue
        if value is not None and item_id in levels:
            category = score_category_of(levels[item_id], float(value))
        else:  # no fraction stored: right is the top category
            category = categories[item_id] - 1 if is_correct else 0
        coded.append((attempt_id, user_id, item_id, category, bool(is_correct)))
    seen: dict[int, set[int]] = {}
    for _, _, item_id, category, _ in coded:
        seen.setdefault(item_id, set()).add(category)
    for item_id, k in categories.items():
        if k > 2 and seen.get(item_id, set()) != set(range(k)):
            categories[item_id] = 2  # a category never observed: right/wrong until it is
    person_index: dict[tuple[str, int], int] = {}
    person, item_col, score = [], [], []
    for attempt_id, user_id, item_id, category, is_correct in coded:
        j = column[item_id]
        key = ("a", attempt_id) if attempt_id is not None else ("u", user_id)
        i = person_index.setdefault(key, len(person_index))
        person.append(i)
        item_col.append(j)
        score.append(float(category) if categories[item_id] > 2 else (1.0 if is_correct else 0.0))
    responses = SparseResponses(
        person=np.asarray(person, dtype=np.int64),
        item=np.asarray(item_col, dtype=np.int64),
        score=np.asarray(score, dtype=float),
        n_persons=len(person_index),
        n_items=len(kept),
    )
    return CalibrationData(
        item_ids=kept, responses=responses, skipped=skipped, n_categories=categories
    )


def calibration_run_start(
    *,
    qualification_pack_code: str,
    model: str = "2pl",
    calibration_mode: str = CalibrationRun.CalibrationMode.ANCHORED,
    estimator: str = CalibrationRun.Estimator.MAP,
    min_responses: int = 30,
    user=None,
) -> CalibrationRun:
    """Record a run and enqueue it (runs at once when Celery is eager).

    estimator: "MAP" (item priors, the default) or "ML" (no priors)."""
    if not QualificationPack.objects.filter(code=qualification_pack_code, is_current=True).exists():
        raise ValueError(f"no current qualification pack {qualification_pack_code!r}")
    if model not in {"1pl", "2pl", "3pl"}:
        raise ValueError(f"unknown model {model!r}")
    if estimator not in CalibrationRun.Estimator.values:
        raise ValueError(f"unknown estimator {estimator!r} (ML or MAP)")
    message = _not_enough_message(qualification_pack_code, min_responses)
    if message:
        raise NotEnoughResponsesError(message)
    run = CalibrationRun.objects.create(
        qualification_pack_code=qualification_pack_code,
        model=model,
        calibration_mode=calibration_mode,
        estimator=estimator,
        min_responses=min_responses,
        requested_by=user if getattr(user, "pk", None) else None,
    )
    transaction.on_commit(lambda: calibration_run_execute.delay(run.pk))
    return run


def _progress(run: CalibrationRun, percent: int, stage: str) -> None:
    CalibrationRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage)


@shared_task(name="adaptive.calibration_run_execute")
def calibration_run_execute(run_id: int) -> str:
    """Execute a queued run; every outcome, failures included, is written to the run."""
    run = CalibrationRun.objects.get(pk=run_id)
    if run.status != CalibrationRun.Status.QUEUED:
        return run.status  # delivered twice: the first delivery owns the run
    CalibrationRun.objects.filter(pk=run.pk).update(
        status=CalibrationRun.Status.RUNNING, started_at=timezone.now(), progress=1
    )
    try:
        _execute(run)
    except Exception as exc:  # noqa: BLE001 - the run must record any failure for the admin
        logger.exception("calibration run %s failed", run.pk)
        CalibrationRun.objects.filter(pk=run.pk).update(
            status=CalibrationRun.Status.FAILED,
            error=str(exc)
            if isinstance(exc, NotEnoughResponsesError)
            else f"{exc.__class__.__name__}: {exc}",
            finished_at=timezone.now(),
        )
        return CalibrationRun.Status.FAILED
    return CalibrationRun.Status.SUCCEEDED


def _execute(run: CalibrationRun) -> None:
    _progress(run, 5, "collecting responses")
    data = calibration_data_collect(
        qualification_pack_code=run.qualification_pack_code, min_responses=run.min_responses
    )
    n_items = data.responses.n_items
    if n_items == 0:
        raise NotEnoughResponsesError(
            _not_enough_message(run.qualification_pack_code, run.min_responses)
            or f"no question has {run.min_responses} or more answers yet"
        )
    items = {item.pk: item for item in Item.objects.filter(pk__in=data.item_ids)}
    model = run.model
    if data.is_polytomous and run.model == "2pl":
        model = "gpcm"  # the 2PL for right/wrong items, GPCM steps for partial credit
    elif data.is_polytomous:
        _dichotomise(data)  # 1PL/3PL have no partial-credit form: full marks or not
    anchors = []
    if run.calibration_mode == CalibrationRun.CalibrationMode.ANCHORED:
        anchors = [
            j
            for j, pk in enumerate(data.item_ids)
            if items[pk].discrimination is not None and items[pk].difficulty is not None
        ]
        if len(anchors) == n_items:
            anchors = []  # nothing new to place: refresh the whole scale instead
    anchor_bank = None
    if anchors and model == "gpcm":
        anchor_bank = _gpcm_anchor_bank([items[data.item_ids[j]] for j in anchors], data)
    elif anchors:
        anchor_items = [items[data.item_ids[j]] for j in anchors]
        anchor_bank = ItemBank.from_irt(
            np.array([i.discrimination for i in anchor_items], dtype=float),
            np.array([i.difficulty for i in anchor_items], dtype=float),
            np.array([i.guessing or 0.0 for i in anchor_items], dtype=float),
        )
    _progress(
        run,
        15,
        f"calibrating {n_items} items from {data.responses.n_persons} persons"
        + (f", {len(anchors)} anchors held fixed" if anchors else ""),
    )
    result = calibrate(
        data.responses,
        model=model,  # type: ignore[arg-type]  # 1pl/2pl/3pl, or gpcm for partial credit
        anchor_items=np.asarray(anchors, dtype=np.int64) if anchors else None,
        anchor_bank=anchor_bank,
        priors=run.estimator != CalibrationRun.Estimator.ML,
        ids=tuple(str(pk) for pk in data.item_ids),
    )
    _progress(run, 85, "item fit (infit/outfit)")
    fit = _item_fit(data, result)
    _progress(run, 90, "writing parameters")
    se = result.standard_errors
    now = timezone.now()
    anchor_set = set(anchors)
    updated = []
    for j, pk in enumerate(data.item_ids):
        if j in anchor_set:
            continue
        item = items[pk]
        item.discrimination = float(result.a[j])
        item.difficulty = float(result.b[j])
        steps = result.bank.intercepts[j]
        steps = steps[~np.isnan(steps)]
        item.step_difficulties = [float(-d / result.a[j]) for d in steps] if len(steps) > 1 else []
        item.guessing = float(result.c[j]) if run.model == "3pl" else None
        item.discrimination_se = _finite(se["a"][j])
        item.difficulty_se = _finite(se["b"][j]) if np.ndim(se["b"]) == 1 else None
        item.guessing_se = _finite(se["c"][j]) if run.model == "3pl" else None
        item.calibrated_at = now
        updated.append(item)
    with transaction.atomic():
        Item.objects.bulk_update(
            updated,
            [
                "discrimination",
                "difficulty",
                "guessing",
                "discrimination_se",
                "difficulty_se",
                "guessing_se",
                "step_difficulties",
                "calibrated_at",
            ],
        )
        CalibrationRun.objects.filter(pk=run.pk).update(
            status=CalibrationRun.Status.SUCCEEDED,
            progress=100,
            stage=f"{len(updated)} items calibrated" + _linking_note(result.linking),
            n_persons=data.responses.n_persons,
            n_items=n_items,
            n_responses=int(data.responses.score.size),
            n_anchors=len(anchors),
            skipped_items=[{"item": pk, "responses": n} for pk, n in sorted(data.skipped.items())],
            item_fit=fit,
            log_likelihood=float(result.log_likelihood),
            iterations=int(result.iterations),
            converged=bool(result.converged),
            finished_at=timezone.now(),
        )


def _dichotomise(data: CalibrationData) -> None:
    """Partial-credit items scored right (top category) or wrong, for 1PL/3PL runs."""
    r = data.responses
    top = np.array([data.n_categories[pk] - 1 for pk in data.item_ids], dtype=float)[r.item]
    r.score[:] = np.where(top > 1, (r.score >= top).astype(float), r.score)
    data.n_categories = {pk: 2 for pk in data.item_ids}


def _gpcm_anchor_bank(anchor_items: list[Item], data: CalibrationData) -> ItemBank:
    """Anchors of a mixed-format run: the 2PL items, and partial-credit items with their GPCM
    steps (``d_k = -a b_k``); an anchor calibrated before it had every category keeps its
    difficulty as its steps' mean, steps spread as for a new item."""
    width = max(data.n_categories.values()) - 1
    a = np.array([i.discrimination for i in anchor_items], dtype=float)
    d = np.full((len(anchor_items), width), np.nan)
    for row, item in enumerate(anchor_items):
        n_steps = data.n_categories[item.pk] - 1
        steps = list(item.step_difficulties or [])
        if len(steps) != n_steps:
            b = float(item.difficulty or 0.0)  # anchors are calibrated: never None
            steps = [b] if n_steps == 1 else [b - 1 + 2 * k / (n_steps - 1) for k in range(n_steps)]
        d[row, :n_steps] = [-a[row] * s for s in steps]
    return ItemBank(a, d, np.zeros(len(anchor_items)), polytomous="gpcm")


def _linking_note(link) -> str:
    """For anchored runs: how this sample's own scale maps onto the bank's (linking constants)."""
    if link is None:
        return ""
    return (
        f"; linking constants A = {link.slope:.3f}, B = {link.intercept:.3f} "
        "(bank theta = A x sample theta + B)"
    )


def _item_fit(data: CalibrationData, result) -> dict[str, list[float]]:
    """Infit and outfit mean squares per calibrated item (Wright & Masters 1982), on the
    persons x items matrix with unanswered cells missing."""
    r = data.responses
    y = np.full((r.n_persons, r.n_items), np.nan)
    y[r.person, r.item] = r.score
    bank = (
        result.bank
        if not result.bank.is_dichotomous
        else ItemBank.from_irt(
            np.asarray(result.a, dtype=float),
            np.asarray(result.b, dtype=float),
            np.asarray(result.c, dtype=float),
        )
    )
    fit = item_fit(y, bank)
    return {
        str(pk): [round(float(fit.infit[j]), 3), round(float(fit.outfit[j]), 3)]
        for j, pk in enumerate(data.item_ids)
    }


def _finite(value) -> float | None:
    value = float(np.asarray(value).reshape(-1)[0])
    return value if np.isfinite(value) else None


@shared_task(name="adaptive.recalibration_due_start")
def recalibration_due_start(growth: float = 0.2, min_new_responses: int = 200) -> list[int]:
    """Scheduled (Celery beat): recalibrate every QP whose responses grew enough since its last
    successful run (by ``growth`` of the previous count and at least ``min_new_responses``),
    or that has enough responses and was never calibrated. Returns the runs started."""
    started = []
    busy = set(
        CalibrationRun.objects.filter(
            status__in=[CalibrationRun.Status.QUEUED, CalibrationRun.Status.RUNNING]
        ).values_list("qualification_pack_code", flat=True)
    )
    for code in QualificationPack.objects.filter(is_current=True).values_list("code", flat=True):
        if code in busy:
            continue
        total = Response.objects.filter(item__in=bank_items(code)).count()
        last = (
            CalibrationRun.objects.filter(
                qualification_pack_code=code, status=CalibrationRun.Status.SUCCEEDED
            )
            .order_by("-finished_at")
            .first()
        )
        previous = last.n_responses if last else 0
        if total - previous >= max(min_new_responses, growth * previous):
            try:
                started.append(calibration_run_start(qualification_pack_code=code).pk)
            except NotEnoughResponsesError:
                continue  # many answers, spread too thin: wait for more
    return started


def calibration_overview(*, qualification_pack_code: str) -> dict:
    """Counts for the admin page: responses, items with parameters, the last runs."""
    items = bank_items(qualification_pack_code)
    stats = items.aggregate(
        total=Count("pk"),
        calibrated=Count("pk", filter=Q(discrimination__isnull=False)),
        last=Max("calibrated_at"),
    )
    return {
        "items": stats["total"],
        "calibrated": stats["calibrated"],
        "last_calibrated_at": stats["last"],
        "responses": Response.objects.filter(item__in=items).count(),
        "not_ready": _not_enough_message(qualification_pack_code, 30),
        "runs": CalibrationRun.objects.filter(qualification_pack_code=qualification_pack_code)[:10],
    }
