"""Celery tasks of the adaptive app: classical item statistics over recorded responses.

``item_statistics_compute(qualification_pack_code)`` writes one ``question_bank.ItemStatistics``
row per ItemVersion that has responses: response count, facility (mean score), the corrected
point-biserial discrimination (correlation of the item score with the rest score, i.e. the
person's total without this item: Henrysson 1963), and a distractor analysis (share choosing each
option, overall and by ability group: the lower, middle and upper thirds of rest score). Flags
mark negative or low discrimination, options nobody picks, distractors the able choose more than
the weak, and misfit (infit/outfit of the last calibration) once an item has
``MIN_RESPONSES_FOR_FLAGS`` responses. Persons are attempts; practice outside an attempt counts
as one person per learner and mode. Practice and summative responses share one score scale, so
both are used.
"""

from __future__ import annotations

import math
from collections import defaultdict

from celery import shared_task
from django.db import transaction

from question_bank.api import qualification_pack_nos
from question_bank.models import ItemStatistics, ItemType, ItemVersion

from .models import CalibrationRun, Response

MIN_RESPONSES_FOR_FLAGS = 10
LOW_DISCRIMINATION = 0.15  # corrected point-biserial below this separates too little
ABLE_DISTRACTOR_SHARE = 0.15  # a distractor the top third picks this often...
ABLE_DISTRACTOR_MARGIN = 0.10  # ...and this much more often than the bottom third
MISFIT_MEAN_SQUARE = 1.3  # infit or outfit above this: responses too erratic for the model


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def _groups(rest_scores: list[float]) -> list[str]:
    """Ability group per response by rank of rest score: low, middle, high thirds."""
    order = sorted(range(len(rest_scores)), key=lambda i: rest_scores[i])
    groups = [""] * len(rest_scores)
    for rank, i in enumerate(order):
        third = 3 * rank // max(1, len(order))
        groups[i] = ("low", "middle", "high")[min(third, 2)]
    return groups


@shared_task(name="adaptive.item_statistics_compute")
def item_statistics_compute(qualification_pack_code: str) -> int:
    """Recompute the statistics of every item version of a QP; returns how many were written."""
    codes = [n.code for n in qualification_pack_nos(code=qualification_pack_code)]
    responses: list[dict] = [
        dict(row)
        # An essay waiting for its mark has no score yet (None would break the sums).
        for row in Response.objects.filter(item__nos__code__in=codes, score__isnull=False).values(
            "id", "attempt_id", "user_id", "mode", "item_id", "item_version_id", "answer", "score"
        )
    ]
    if not responses:
        return 0
    # Person totals over all the items they answered in the same sitting.
    totals: dict[tuple, float] = defaultdict(float)
    for r in responses:
        r["person"] = ("a", r["attempt_id"]) if r["attempt_id"] else ("u", r["user_id"], r["mode"])
        totals[r["person"]] += r["score"]
    by_version: dict[int, list[dict]] = defaultdict(list)
    for r in responses:
        by_version[r["item_version_id"]].append(r)
    versions = ItemVersion.objects.filter(pk__in=by_version).prefetch_related("options")
    last_run = (
        CalibrationRun.objects.filter(
            qualification_pack_code=qualification_pack_code,
            status=CalibrationRun.Status.SUCCEEDED,
        )
        .order_by("-finished_at")
        .first()
    )
    misfit: dict[str, list[float]] = last_run.item_fit if last_run else {}
    written = 0
    with transaction.atomic():
        for version in versions:
            rows = by_version[version.pk]
            scores = [r["score"] for r in rows]
            rest = [totals[r["person"]] - r["score"] for r in rows]
            groups = _groups(rest)
            distractors: dict[str, dict[str, float]] = {}
            if version.item_type != ItemType.NUMERIC:
                group_sizes = {g: groups.count(g) for g in ("low", "middle", "high")}
                for option in version.options.all():
                    chose = [option.key in (r["answer"] or []) for r in rows]
                    shares = {"all": sum(chose) / len(rows), "count": sum(chose)}
                    for g in ("low", "middle", "high"):
                        picked = sum(c for c, gg in zip(chose, groups, strict=True) if gg == g)
                        shares[g] = picked / group_sizes[g] if group_sizes[g] else None
                    distractors[option.key] = shares
            discrimination = _pearson(scores, rest)
            flags = []
            if len(rows) >= MIN_RESPONSES_FOR_FLAGS:
                if discrimination is not None and discrimination < 0:
                    flags.append(
                        f"Negative discrimination ({discrimination:.2f}): stronger candidates "
                        "do worse on this item; check the key and the wording."
                    )
                elif discrimination is not None and discrimination < LOW_DISCRIMINATION:
                    flags.append(
                        f"Low discrimination ({discrimination:.2f}): the item barely separates "
                        "stronger from weaker candidates; check its wording and distractors."
                    )
                correct = {o.key for o in version.options.all() if o.fraction > 0}
                for key, shares in distractors.items():
                    if key in correct:
                        continue
                    if shares["count"] == 0:
                        flags.append(
                            f"Distractor {key} was chosen by nobody: replace or remove it."
                        )
                    elif (shares["high"] or 0) >= ABLE_DISTRACTOR_SHARE and (
                        shares["high"] or 0
                    ) >= (shares["low"] or 0) + ABLE_DISTRACTOR_MARGIN:
                        flags.append(
                            f"Distractor {key} is chosen by the able: {100 * shares['high']:.0f}% "
                            f"of the top third pick it, {100 * (shares['low'] or 0):.0f}% of the "
                            "bottom third. It may be right too, or the key may be wrong."
                        )
                infit_outfit = misfit.get(str(version.item_id))
                if infit_outfit and max(infit_outfit) > MISFIT_MEAN_SQUARE:
                    flags.append(
                        f"Misfit: infit {infit_outfit[0]:.2f}, outfit {infit_outfit[1]:.2f} "
                        f"(above {MISFIT_MEAN_SQUARE}): answers follow the IRT model poorly, "
                        "e.g. guessing or a second skill; review before reuse."
                    )
            ItemStatistics.objects.update_or_create(
                version=version,
                defaults={
                    "response_count": len(rows),
                    "facility": sum(scores) / len(rows),
                    "discrimination": discrimination,
                    "distractors": distractors,
                    "flags": flags,
                },
            )
            written += 1
    return written


@shared_task(name="adaptive.item_statistics_compute_all")
def item_statistics_compute_all() -> dict[str, int]:
    """Recompute the statistics of every current QP's bank (for a nightly Celery beat entry)."""
    from question_bank.models import QualificationPack

    codes = QualificationPack.objects.filter(is_current=True).values_list("code", flat=True)
    return {code: item_statistics_compute(code) for code in codes}


@shared_task(name="adaptive.attempts_close_overdue")
def attempts_close_overdue() -> int:
    """Finish every attempt whose time limit has passed (for a Celery beat entry): a candidate
    whose browser is gone still gets a result, and the grade goes to the LMS, with what was
    answered. Each attempt is finished under its own row lock, so a candidate answering at the
    same moment and this job never finish it twice. Returns how many were finished."""
    from django.utils import timezone

    from .delivery import attempt_expire_if_due
    from .models import Attempt

    overdue = Attempt.objects.filter(finished_at__isnull=True, deadline__lte=timezone.now())
    return sum(attempt_expire_if_due(attempt) for attempt in overdue.iterator())
