"""Mastery per NOS: how far each learner has shown the knowledge of each NOS of a QP.

One measure, the same on every page (learner, trainer, assessor): **the percent of the NOS's
theory marks the learner is expected to earn at their ability** (``MASTERY_EXPLANATION``).
Ability (theta, on the bank's IRT scale) is an EAP estimate (Bock & Mislevy 1982) from the
learner's latest answer to each calibrated item of the NOS, knowledge checks (practice) and
assessments (summative) alike: they share one scale. The expected percent is the test
characteristic curve (Lord 1980) over the NOS's calibrated items, each PC weighted by its theory
marks as in ``adaptive.papers.AssessmentBank.expected_percent``; it is compared with the QP's pass
percentage. With fewer than ``MIN_CALIBRATED`` calibrated items answered, the plain share
answered correctly is shown instead, marked as such, and mastery is decided only once there are
``MIN_ANSWERS`` answers.

Computed per NOS for all learners at once (one EAP over a learners x items matrix), so a batch of
a thousand candidates costs a handful of numpy calls, not thousands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

from question_bank.models import (
    Item,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)

from .irt import ItemBank, estimate_ability, probability
from .models import Mode, Response

MIN_CALIBRATED = 3
MIN_ANSWERS = 5
DEFAULT_PASS_PERCENTAGE = 70.0

MASTERY_EXPLANATION = _(
    "Mastery of a NOS is the percent of its theory marks a learner is expected to earn at the "
    "ability shown by their answers (knowledge checks and assessments alike), estimated on the "
    "calibrated question bank; it is mastered at or above the qualification's pass mark. "
    "Until enough calibrated questions are answered, the share answered correctly is shown."
)

__all__ = [
    "MASTERY_EXPLANATION",
    "NosMastery",
    "PcWeakness",
    "mastery_pass_mark",
    "mastery_per_nos",
    "pc_weakness",
]


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
    practice_answered: int = 0  # knowledge checks
    summative_answered: int = 0  # assessments
    nos_title_hi: str = ""  # shown in Hindi pages where set (question_bank.translations)

    @property
    def percent_correct(self) -> float | None:
        return None if self.answered == 0 else 100.0 * self.correct / self.answered

    @property
    def percent(self) -> float | None:
        """The one number shown: expected percent where calibrated, else share correct."""
        return self.expected_percent if self.expected_percent is not None else self.percent_correct


@dataclass(frozen=True)
class PcWeakness:
    """A PC of a NOS over a group of learners: answers, share correct, expected percent."""

    pc_code: str
    pc_text: str
    theory_marks: float
    answered: int
    correct: int
    expected_percent: float | None  # mean over the learners with an ability estimate
    pc_text_hi: str = ""

    @property
    def percent_correct(self) -> float | None:
        return None if self.answered == 0 else 100.0 * self.correct / self.answered


def mastery_pass_mark(pack: QualificationPack) -> float:
    return float(pack.pass_percentage or DEFAULT_PASS_PERCENTAGE)


def _nos_of(pack: QualificationPack) -> list[NationalOccupationalStandard]:
    return [link.nos for link in pack.nos_links.select_related("nos").order_by("position")]


def _bank_of(items: list[Item]) -> ItemBank:
    return ItemBank.from_irt(
        np.array([i.discrimination for i in items], dtype=float),
        np.array([i.difficulty for i in items], dtype=float),
        np.array([i.guessing or 0.0 for i in items], dtype=float),
    )


def _tagged(item: Item) -> tuple[NationalOccupationalStandard, PerformanceCriterion]:
    """An item's NOS and PC: mastery reads tagged items only (untagged imports wait for a
    curator, and cannot be approved or answered)."""
    assert item.nos is not None and item.performance_criterion is not None
    return item.nos, item.performance_criterion


def _pc_weights(items: list[Item]) -> np.ndarray:
    """(n_items,) weights: each PC's theory marks shared among its items (1 per PC without)."""
    per_pc: dict[int, int] = defaultdict(int)
    for item in items:
        per_pc[_tagged(item)[1].pk] += 1
    marks = [float(_tagged(item)[1].theory_marks or 0) for item in items]
    if not any(marks):
        marks = [1.0] * len(items)
    w = np.array([m / per_pc[_tagged(item)[1].pk] for m, item in zip(marks, items, strict=True)])
    return w / (w.sum() or 1.0)


def _answers(users: list[int], items: dict[int, Item]):
    """(user, nos code) -> {item id: is_correct} (latest answer counts) and answer counts."""
    answers: dict[tuple[int, str], dict[int, bool]] = defaultdict(dict)
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    # Looked up once per item, not once per response (a batch report reads ~10^5 responses).
    code_of = {item_id: _tagged(item)[0].code for item_id, item in items.items()}
    for user_id, item_id, is_correct, mode in (
        Response.objects.filter(user_id__in=users, item_id__in=items)
        .exclude(attempt__is_preview=True)
        .exclude(score__isnull=True)  # an essay waiting for its mark says nothing yet
        .order_by("created_at", "id")
        .values_list("user_id", "item_id", "is_correct", "mode")
    ):
        # The latest answer to an item counts: a learner who learnt it since is credited.
        code = code_of[item_id]
        answers[(user_id, code)][item_id] = is_correct
        counts[(user_id, code, mode)] += 1
    return answers, counts


def mastery_per_nos(
    *, user_ids: Iterable[int], qualification_pack: QualificationPack
) -> dict[int, list[NosMastery]]:
    """For each user, one ``NosMastery`` per NOS of the QP, in the QP's order."""
    users = list(user_ids)
    nos_list = _nos_of(qualification_pack)
    codes = [nos.code for nos in nos_list]
    pass_mark = mastery_pass_mark(qualification_pack)
    items = {
        item.pk: item
        for item in Item.objects.filter(
            nos__code__in=codes, performance_criterion__isnull=False
        ).select_related("nos", "performance_criterion")
    }
    answers, counts = _answers(users, items)
    calibrated_by_nos: dict[str, list[Item]] = defaultdict(list)
    for item in sorted(items.values(), key=lambda i: i.pk):
        if item.discrimination is not None and item.difficulty is not None:
            calibrated_by_nos[_tagged(item)[0].code].append(item)

    result: dict[int, list[NosMastery]] = {u: [] for u in users}
    for nos in nos_list:
        estimates = _nos_estimates(users, nos.code, answers, calibrated_by_nos.get(nos.code, []))
        for row, user_id in enumerate(users):
            given = answers.get((user_id, nos.code), {})
            correct = sum(given.values())
            theta, se, expected = estimates[row]
            if expected is not None:
                mastered: bool | None = expected >= pass_mark
            elif len(given) >= MIN_ANSWERS:
                mastered = 100.0 * correct / len(given) >= pass_mark
            else:
                mastered = None
            result[user_id].append(
                NosMastery(
                    nos_code=nos.code,
                    nos_title=nos.title,
                    nos_title_hi=nos.title_hi,
                    answered=len(given),
                    correct=correct,
                    expected_percent=expected,
                    theta=theta,
                    standard_error=se,
                    mastered=mastered,
                    practice_answered=counts.get((user_id, nos.code, Mode.PRACTICE), 0),
                    summative_answered=counts.get((user_id, nos.code, Mode.SUMMATIVE), 0),
                )
            )
    return result


Estimate = tuple[float | None, float | None, float | None]


def _nos_estimates(users, code, answers, calibrated: list[Item]) -> list[Estimate]:
    """Per user (theta, SE, expected percent), all None below ``MIN_CALIBRATED`` answers."""
    empty: list[Estimate] = [(None, None, None)] * len(users)
    if len(calibrated) < MIN_CALIBRATED or not users:
        return empty
    column = {item.pk: j for j, item in enumerate(calibrated)}
    y = np.full((len(users), len(calibrated)), np.nan)
    for row, user_id in enumerate(users):
        for item_id, ok in answers.get((user_id, code), {}).items():
            j = column.get(item_id)
            if j is not None:
                y[row, j] = 1.0 if ok else 0.0
    enough = np.sum(~np.isnan(y), axis=1) >= MIN_CALIBRATED
    if not enough.any():
        return empty
    bank = _bank_of(calibrated)
    estimate = estimate_ability(y[enough], bank, "eap")
    expected = 100.0 * probability(estimate.theta, bank) @ _pc_weights(calibrated)
    out = list(empty)
    for k, row in enumerate(int(r) for r in np.flatnonzero(enough)):
        out[row] = (
            float(estimate.theta[k]),
            float(estimate.standard_error[k]),
            float(expected[k]),
        )
    return out


def pc_weakness(
    *, user_ids: Iterable[int], qualification_pack: QualificationPack, nos_code: str
) -> list[PcWeakness]:
    """The PCs of one NOS over a group of learners, weakest first: their answers (practice and
    summative), the share correct, and the mean expected percent of the PC at the learners'
    abilities on the NOS (where the PC has calibrated items)."""
    users = list(user_ids)
    nos = next(n for n in _nos_of(qualification_pack) if n.code == nos_code)
    items = {
        item.pk: item
        for item in Item.objects.filter(
            nos__code=nos_code, performance_criterion__isnull=False
        ).select_related("nos", "performance_criterion")
    }
    answers, _ = _answers(users, items)
    calibrated = sorted(
        (i for i in items.values() if i.discrimination is not None and i.difficulty is not None),
        key=lambda i: i.pk,
    )
    thetas = [
        t for t, _, _ in _nos_estimates(users, nos_code, answers, calibrated) if t is not None
    ]
    per_pc_answers: dict[int, list[bool]] = defaultdict(list)
    for (_, _code), given in answers.items():
        for item_id, ok in given.items():
            per_pc_answers[_tagged(items[item_id])[1].pk].append(ok)
    rows = []
    for pc in nos.performance_criteria.order_by("position"):
        pc_items = [i for i in calibrated if i.performance_criterion_id == pc.pk]
        expected = None
        if pc_items and thetas:
            expected = 100.0 * float(np.mean(probability(np.array(thetas), _bank_of(pc_items))))
        given = per_pc_answers.get(pc.pk, [])
        rows.append(
            PcWeakness(
                pc_code=pc.code,
                pc_text=pc.text,
                pc_text_hi=pc.text_hi,
                theory_marks=float(pc.theory_marks or 0),
                answered=len(given),
                correct=sum(given),
                expected_percent=expected,
            )
        )
    return sorted(
        rows,
        key=lambda r: (
            r.expected_percent if r.expected_percent is not None else 101.0,
            r.percent_correct if r.percent_correct is not None else 101.0,
        ),
    )
