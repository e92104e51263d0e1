"""Mastery per NOS: how far each learner has shown the knowledge of each NOS of a QP.

Reads recorded responses (practice and summative alike: they share one scale). Where the learner
answered at least ``MIN_CALIBRATED`` calibrated items of a NOS, ability is an EAP estimate (Bock &
Mislevy 1982) on those items, and the expected share of the NOS's calibrated items the learner
would answer correctly at that ability (the test characteristic curve, Lord 1980) is compared
with the QP's pass percentage. Otherwise the plain share answered correctly is shown, marked as
such, and mastery is decided only once there are ``MIN_ANSWERS`` answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from question_bank.models import Item, NationalOccupationalStandard, QualificationPack

from .irt import ItemBank, estimate_ability, probability
from .models import Response

MIN_CALIBRATED = 3
MIN_ANSWERS = 5

__all__ = ["NosMastery", "mastery_per_nos"]


@dataclass(frozen=True)
class NosMastery:
    nos_code: str
    nos_title: str
    answered: int
    correct: int
    expected_percent: float | None  # from the ability estimate; None when not calibrated
    theta: float | None
    standard_error: float | None
    mastered: bool | None  # None: too little evidence yet

    @property
    def percent_correct(self) -> float | None:
        return None if self.answered == 0 else 100.0 * self.correct / self.answered


def _nos_of(pack: QualificationPack) -> list[NationalOccupationalStandard]:
    return [link.nos for link in pack.nos_links.select_related("nos").order_by("position")]


def mastery_per_nos(
    *, user_ids: Iterable[int], qualification_pack: QualificationPack
) -> dict[int, list[NosMastery]]:
    """For each user, one ``NosMastery`` per NOS of the QP, in the QP's order."""
    users = list(user_ids)
    nos_list = _nos_of(qualification_pack)
    codes = [nos.code for nos in nos_list]
    pass_mark = float(qualification_pack.pass_percentage or 70)
    items = {
        item.pk: item for item in Item.objects.filter(nos__code__in=codes).select_related("nos")
    }
    answers: dict[tuple[int, str], dict[int, bool]] = defaultdict(dict)
    for user_id, item_id, is_correct in (
        Response.objects.filter(user_id__in=users, item_id__in=items)
        .order_by("created_at", "id")
        .values_list("user_id", "item_id", "is_correct")
    ):
        # The latest answer to an item counts: a learner who learnt it since is credited.
        answers[(user_id, items[item_id].nos.code)][item_id] = is_correct
    calibrated_by_nos: dict[str, list[Item]] = defaultdict(list)
    for item in items.values():
        if item.discrimination is not None and item.difficulty is not None:
            calibrated_by_nos[item.nos.code].append(item)

    result: dict[int, list[NosMastery]] = {}
    for user_id in users:
        rows = []
        for nos in nos_list:
            given = answers.get((user_id, nos.code), {})
            correct = sum(given.values())
            rows.append(
                _nos_mastery(nos, given, correct, calibrated_by_nos.get(nos.code, []), pass_mark)
            )
        result[user_id] = rows
    return result


def _nos_mastery(
    nos: NationalOccupationalStandard,
    given: dict[int, bool],
    correct: int,
    calibrated: list[Item],
    pass_mark: float,
) -> NosMastery:
    answered_calibrated = [item for item in calibrated if item.pk in given]
    theta = se = expected = None
    if len(answered_calibrated) >= MIN_CALIBRATED:
        bank = ItemBank.from_irt(
            np.array([i.discrimination for i in answered_calibrated], dtype=float),
            np.array([i.difficulty for i in answered_calibrated], dtype=float),
            np.array([i.guessing or 0.0 for i in answered_calibrated], dtype=float),
        )
        pattern = np.array([[1.0 if given[i.pk] else 0.0 for i in answered_calibrated]])
        estimate = estimate_ability(pattern, bank, "eap")
        theta = float(estimate.theta[0])
        se = float(estimate.standard_error[0])
        whole = ItemBank.from_irt(
            np.array([i.discrimination for i in calibrated], dtype=float),
            np.array([i.difficulty for i in calibrated], dtype=float),
            np.array([i.guessing or 0.0 for i in calibrated], dtype=float),
        )
        expected = 100.0 * float(np.mean(probability(np.array([theta]), whole)))
        mastered: bool | None = expected >= pass_mark
    elif len(given) >= MIN_ANSWERS:
        mastered = 100.0 * correct / len(given) >= pass_mark
    else:
        mastered = None
    return NosMastery(
        nos_code=nos.code,
        nos_title=nos.title,
        answered=len(given),
        correct=correct,
        expected_percent=expected,
        theta=theta,
        standard_error=se,
        mastered=mastered,
    )
