"""How far a candidate is through an attempt, for the question page's progress indicator.

A LOFT paper has a fixed length: "question 7 of 30". A CAT stops at its stopping rule
(``adaptive.irt.StoppingRule``): at ``length`` questions, or once at least ``min_length`` are
answered and the ability's standard error is at most ``se_target``. Its progress is therefore
the larger of the share of the most questions and the share of the precision reached, the
latter capped by the share of the fewest questions (it cannot stop before those). Precision is
measured as test information, 1/SE^2 less the prior's 1, which grows about linearly with the
questions answered, so the bar moves evenly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from adaptive.irt import estimate_ability

from .models import Attempt, Delivery


@dataclass(frozen=True)
class AttemptProgress:
    """number: the question on screen (1-based); total: the paper's length or the CAT's most;
    percent: 0-100 towards the end (the stopping rule for a CAT)."""

    number: int
    total: int
    is_adaptive: bool
    percent: int
    min_length: int | None = None


def _information_share(
    attempt: Attempt, responses: list[tuple[int, float | None]], se_target: float
) -> float:
    """Share of the stopping rule's precision reached by the answers so far (0-1): from the
    standard error the answer step stored with the CAT state, or (an attempt started before it
    was stored) by estimating the ability again."""
    if not responses or se_target <= 0:
        return 0.0
    stored = attempt.state.get("standard_error")
    if stored is not None:
        return _precision_share(float(stored), se_target)
    from .delivery import attempt_bank  # the answer path's cached bank: no rebuild per page

    bank = attempt_bank(attempt)
    column = {p.version_id: i for i, p in enumerate(bank.items)}
    pattern = np.full(len(bank.items), np.nan)
    for version_id, score in responses:
        if version_id in column and score is not None:  # an essay waiting for its mark: none
            # the answer's IRT category (partial credit: GPCM), as the answer step scores it
            pattern[column[version_id]] = bank.category(column[version_id], float(score))
    if np.isnan(pattern).all():
        return 0.0
    return _precision_share(float(estimate_ability(pattern, bank.irt).standard_error[0]), se_target)


def _precision_share(se: float, se_target: float) -> float:
    reached = max(0.0, 1.0 / se**2 - 1.0)
    needed = 1.0 / se_target**2 - 1.0
    return min(1.0, reached / needed) if needed > 0 else 1.0


def attempt_progress(*, attempt: Attempt) -> AttemptProgress:
    """Where the candidate stands in ``attempt`` (an unfinished attempt of an assessment)."""
    assessment = attempt.assessment
    assert assessment is not None
    if attempt.paper or assessment.delivery != Delivery.CAT:
        answered = attempt.responses.count()
        total = len(attempt.paper) if attempt.paper else assessment.length
        percent = round(100 * answered / total) if total else 0
        return AttemptProgress(answered + 1, total, False, percent)
    responses = list(attempt.responses.values_list("item_version_id", "score"))
    answered = len(responses)
    most = max(1, assessment.length)
    fewest = max(1, min(assessment.min_length, most))
    by_length = answered / most
    by_precision = (
        min(answered / fewest, _information_share(attempt, responses, assessment.se_target))
        if assessment.se_target
        else 0.0
    )
    percent = round(100 * min(1.0, max(by_length, by_precision)))
    return AttemptProgress(answered + 1, most, True, percent, fewest)
