"""Differential item functioning of a QP's bank between groups of candidates: the language the
items were answered in, the centre of the assessment event, or any grouping the caller knows
(gender: the platform stores none, so it comes from the caller, e.g. an LMS roster).

The Django glue around ``adaptive.irt.mantel_haenszel`` (right/wrong items) and
``adaptive.irt.mantel_ordinal`` (partial-credit items). Persons are attempts, as in calibration
(practice outside an attempt: one person per learner). Adaptive and LOFT papers leave most of the
bank unanswered by any one person, so persons are matched on bands of their ability (EAP on the
bank's calibrated scale, equal-count bands; Zwick, Thayer & Wingersky 1994) rather than on a
number-correct score, and each item's tables hold the persons who answered it. Each item is read
in the model its calibration fitted (``adaptive.calibration.calibrated_items``): the ability
estimate takes a partial-credit item's GPCM category from the response's credit, and such an
item is tested on its scores (the fractions of the mark its categories stand for) with Mantel's
(1963) test for ordered responses and the standardized mean difference, classified by ETS's
polytomous rule (Zwick, Thayer & Mazzeo 1997); a right/wrong item keeps the Mantel-Haenszel
D-DIF and ETS A/B/C. The bank must be calibrated: an uncalibrated item has no place on the
ability scale.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from django.db.models import Q

from question_bank.api import auto_scored_types
from question_bank.models import Item

from .calibration import bank_items, calibrated_items
from .irt import estimate_ability, mantel_haenszel, mantel_ordinal
from .models import Response

__all__ = ["GROUPINGS", "ItemDif", "item_dif"]

GROUPINGS = ("language", "centre", "user")


@dataclass(frozen=True)
class ItemDif:
    """One item's DIF, focal against reference group. ``method``: "mantel-haenszel" for a
    right/wrong item, "mantel" (Mantel's test for ordered responses) for a partial-credit one.
    ``delta``: MH D-DIF (ETS delta metric, negative = harder for the focal group at equal
    ability; right/wrong items); ``smd``: standardized mean difference in fractions of the mark
    and ``effect_size`` = SMD / the item's score SD (negative = lower scores for the focal group
    at equal ability; partial-credit items); ``category``: ETS "A" (negligible), "B", "C"
    (large) (AA/BB/CC for partial-credit items), None when either group has fewer than
    ``min_per_group`` answers."""

    item_id: int
    n_focal: int
    n_reference: int
    delta: float | None
    p_value: float | None
    category: str | None
    method: str = "mantel-haenszel"
    smd: float | None = None
    effect_size: float | None = None


class _Answer(NamedTuple):
    person: tuple[str, int]  # ("a", attempt pk) or ("u", user pk) for practice
    user_id: int
    item_id: int
    right: bool
    score: float | None  # the credit, a fraction of the mark
    language: str
    centre: str


def _person_groups(
    rows: list[_Answer], by: str, user_groups: Mapping[int, str] | None
) -> dict[tuple[str, int], str]:
    """Person key -> group label. A person's language is the one most of their answers used."""
    if by == "language":
        seen: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
        for row in rows:
            seen[row.person][row.language] += 1
        return {person: c.most_common(1)[0][0] for person, c in seen.items()}
    groups: dict[tuple[str, int], str] = {}
    for row in rows:
        label = row.centre if by == "centre" else (user_groups or {}).get(row.user_id, "")
        if label:
            groups[row.person] = str(label)
    return groups


def item_dif(
    *,
    qualification_pack_code: str,
    by: str,
    focal: str,
    reference: str | None = None,
    user_groups: Mapping[int, str] | None = None,
    bands: int = 10,
    min_per_group: int = 20,
) -> list[ItemDif]:
    """DIF of every calibrated item of the QP's bank that someone answered.

    by: "language" (the language of the answers), "centre" (the assessment event's centre) or
        "user" (``user_groups``: user pk -> label, e.g. gender; users without one are left out)
    focal, reference: the group labels compared; reference None = everyone else
    bands: ability bands to match persons on (fewer when there are few persons)
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}: choose one of {', '.join(GROUPINGS)}")
    if by == "user" and not user_groups:
        raise ValueError(
            "grouping by user needs user_groups (user -> group, e.g. gender): the platform "
            "stores no such attribute"
        )
    items = bank_items(qualification_pack_code)
    calibrated = {
        item.pk: item
        for item in Item.objects.filter(pk__in=items).filter(
            discrimination__isnull=False, difficulty__isnull=False
        )
    }
    if not calibrated:
        raise ValueError(
            f"{qualification_pack_code}: no question of the bank is calibrated yet; DIF matches "
            "candidates on their ability, so calibrate the bank first"
        )
    rows = [
        _Answer(
            ("a", attempt_id) if attempt_id is not None else ("u", user_id),
            user_id,
            item_id,
            bool(right),
            score,
            language,
            centre or "",
        )
        for attempt_id, user_id, item_id, right, score, language, centre in Response.objects.filter(
            Q(item_version__item_type__in=auto_scored_types())
            | Q(item_version__item_type="essay", score__isnull=False),
            item_id__in=list(calibrated),
        ).values_list(
            "attempt_id",
            "user_id",
            "item_id",
            "is_correct",
            "score",
            "language",
            "attempt__assessment__centre",
        )
    ]
    groups = _person_groups(rows, by, user_groups)
    labels = set(groups.values())
    if focal not in labels or (reference is not None and reference not in labels):
        missing = [g for g in (focal, reference) if g is not None and g not in labels]
        raise ValueError(
            f"no answers from group {', '.join(map(repr, missing))} (by {by}); groups with "
            f"answers: {', '.join(sorted(labels)) or 'none'}"
        )
    persons = sorted({row.person for row in rows if row.person in groups})
    row_of = {p: i for i, p in enumerate(persons)}
    item_ids = sorted(calibrated)
    col_of = {pk: j for j, pk in enumerate(item_ids)}
    kept = [row for row in rows if row.person in row_of]
    model = calibrated_items([calibrated[pk] for pk in item_ids])
    at = (
        np.array([row_of[row.person] for row in kept], dtype=np.int64),
        np.array([col_of[row.item_id] for row in kept], dtype=np.int64),
    )
    y = np.full((len(persons), len(item_ids)), np.nan)  # IRT categories
    y[at] = model.categories(
        at[1],
        np.array([np.nan if r.score is None else r.score for r in kept], dtype=float),
        np.array([r.right for r in kept], dtype=bool),
    )
    theta = estimate_ability(y, model.irt, "eap").theta
    n_bands = max(1, min(bands, len(persons) // 40))
    cuts = np.quantile(theta, np.linspace(0, 1, n_bands + 1)[1:-1])
    strata = np.searchsorted(cuts, theta, side="right").astype(np.int64)
    label = np.array([groups[p] for p in persons], dtype=object)
    polytomous = model.irt.n_categories > 2
    binary = np.where(polytomous[None, :], np.nan, y)  # right/wrong items: 0/1 already
    result = mantel_haenszel(binary, label, focal, reference, strata=strata)
    # Partial-credit items: the fraction of the mark each response's category stands for.
    width = max(len(lv) for lv in model.levels)
    fraction = np.array([list(lv) + [np.nan] * (width - len(lv)) for lv in model.levels])
    marks = np.full_like(y, np.nan)
    marks[at] = fraction[at[1], y[at].astype(np.int64)]
    marks[:, ~polytomous] = np.nan
    ordinal = mantel_ordinal(marks, label, focal, reference, strata=strata)
    answered = ~np.isnan(y)
    is_focal = label == focal
    is_reference = ~is_focal if reference is None else label == reference
    out = []
    for j, pk in enumerate(item_ids):
        n_f = int((answered[:, j] & is_focal).sum())
        n_r = int((answered[:, j] & is_reference).sum())
        if n_f + n_r == 0:
            continue
        if polytomous[j]:
            enough = min(n_f, n_r) >= min_per_group and np.isfinite(ordinal.p_value[j])
            out.append(
                ItemDif(
                    item_id=pk,
                    n_focal=n_f,
                    n_reference=n_r,
                    delta=None,
                    p_value=float(ordinal.p_value[j]) if enough else None,
                    category=ordinal.category[j] if enough else None,
                    method="mantel",
                    smd=float(ordinal.smd[j]) if enough else None,
                    effect_size=_finite(ordinal.effect_size[j]) if enough else None,
                )
            )
            continue
        enough = min(n_f, n_r) >= min_per_group and np.isfinite(result.delta[j])
        out.append(
            ItemDif(
                item_id=pk,
                n_focal=n_f,
                n_reference=n_r,
                delta=float(result.delta[j]) if enough else None,
                p_value=float(result.p_value[j]) if enough else None,
                category=result.category[j] if enough else None,
            )
        )
    return out


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
