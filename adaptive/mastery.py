"""Mastery per NOS: how far each learner has shown the knowledge of each NOS of a QP.

One measure, the same on every page (learner, trainer, assessor): **the percent of the NOS's
theory marks the learner is expected to earn at their ability** (``MASTERY_EXPLANATION``).
Ability (theta, on the bank's IRT scale) is an EAP estimate (Bock & Mislevy 1982) from the learner's
latest answer to each calibrated item of the NOS, knowledge checks (practice) and assessments
(summative) alike: they share one scale. Each item is read in the model its calibration fitted
(``adaptive.calibration.calibrated_items``): a partial-credit item (multiple response, single choice
with part-credit options, numeric with part answers, matching, ordering, cloze) as a GPCM item
(Muraki 1992) whose category is the level its stored credit reaches, a right/wrong item as 2PL/3PL.
The expected percent is the test characteristic curve (Lord 1980) over the NOS's calibrated items,
each item's expected fraction of its mark being ``sum_k level_k P_k``
(``adaptive.irt.expected_score``), each PC weighted by its theory marks as in
``adaptive.papers.AssessmentBank.expected_percent``; it is compared with the QP's pass percentage.
With fewer than ``MIN_CALIBRATED`` calibrated items answered, the plain share answered correctly is
shown instead, marked as such, and mastery is decided only once there are ``MIN_ANSWERS`` answers.

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

from .calibration import CalibratedItems, calibrated_items
from .irt import estimate_ability
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


# The credit stored (a fraction of the mark; None for an old row without one), full marks or not.
Answer = tuple[float | None, bool]


def _answers(users: list[int], items: dict[int, Item]):
    """(user, nos code) -> {item id: (score, is_correct)} (latest answer counts) and answer
    counts."""
    answers: dict[tuple[int, str], dict[int, Answer]] = defaultdict(dict)
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    # Looked up once per item, not once per response (a batch report reads ~10^5 responses).
    code_of = {item_id: _tagged(item)[0].code for item_id, item in items.items()}
    for user_id, item_id, score, is_correct, mode in (
        Response.objects.filter(user_id__in=users, item_id__in=items)
        .exclude(attempt__is_preview=True)
        .exclude(score__isnull=True)  # an essay waiting for its mark says nothing yet
        .order_by("created_at", "id")
        .values_list("user_id", "item_id", "score", "is_correct", "mode")
    ):
        # The latest answer to an item counts: a learner who learnt it since is credited.
        code = code_of[item_id]
        answers[(user_id, code)][item_id] = (score, is_correct)
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

    # One read of the models (and of the versions' score levels) for the whole QP.
    everything = [item for code in codes for item in calibrated_by_nos.get(code, [])]
    model = calibrated_items(everything)
    column = {item.pk: j for j, item in enumerate(everything)}
    result: dict[int, list[NosMastery]] = {u: [] for u in users}
    for nos in nos_list:
        calibrated = calibrated_by_nos.get(nos.code, [])
        nos_model = model.subset([column[item.pk] for item in calibrated])
        estimates = _nos_estimates(users, nos.code, answers, calibrated, nos_model)
        for row, user_id in enumerate(users):
            given = answers.get((user_id, nos.code), {})
            correct = sum(ok for _, ok in given.values())
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


def _nos_estimates(
    users, code, answers, calibrated: list[Item], model: CalibratedItems
) -> list[Estimate]:
    """Per user (theta, SE, expected percent), all None below ``MIN_CALIBRATED`` answers."""
    empty: list[Estimate] = [(None, None, None)] * len(users)
    if len(calibrated) < MIN_CALIBRATED or not users:
        return empty
    y = _categories(users, code, answers, model)
    enough = np.sum(~np.isnan(y), axis=1) >= MIN_CALIBRATED
    if not enough.any():
        return empty
    estimate = estimate_ability(y[enough], model.irt, "eap")
    expected = 100.0 * model.expected(estimate.theta) @ _pc_weights(calibrated)
    out = list(empty)
    for k, row in enumerate(int(r) for r in np.flatnonzero(enough)):
        out[row] = (
            float(estimate.theta[k]),
            float(estimate.standard_error[k]),
            float(expected[k]),
        )
    return out


def _categories(users, code, answers, model: CalibratedItems) -> np.ndarray:
    """(n_users, n_items) IRT categories of the users' latest answers, nan = not answered;
    coded all at once by ``CalibratedItems.categories``."""
    column = {item_id: j for j, item_id in enumerate(model.item_ids)}
    rows, cols, scores, right = [], [], [], []
    for row, user_id in enumerate(users):
        for item_id, (score, ok) in answers.get((user_id, code), {}).items():
            j = column.get(item_id)
            if j is not None:
                rows.append(row)
                cols.append(j)
                scores.append(np.nan if score is None else score)
                right.append(ok)
    y = np.full((len(users), len(model.item_ids)), np.nan)
    if rows:
        y[rows, cols] = model.categories(
            np.array(cols), np.array(scores, dtype=float), np.array(right, dtype=bool)
        )
    return y


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
    model = calibrated_items(calibrated)
    thetas = [
        t
        for t, _, _ in _nos_estimates(users, nos_code, answers, calibrated, model)
        if t is not None
    ]
    per_pc_answers: dict[int, list[bool]] = defaultdict(list)
    for (_, _code), given in answers.items():
        for item_id, (_score, ok) in given.items():
            per_pc_answers[_tagged(items[item_id])[1].pk].append(ok)
    # Expected fraction of each item's mark at each learner's ability: (n_learners, n_items).
    fractions = model.expected(np.array(thetas)) if calibrated and thetas else None
    rows = []
    for pc in nos.performance_criteria.order_by("position"):
        pc_columns = [j for j, i in enumerate(calibrated) if i.performance_criterion_id == pc.pk]
        expected = None
        if pc_columns and fractions is not None:
            expected = 100.0 * float(np.mean(fractions[:, pc_columns]))
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
