"""Moodle's grade set: the only answer fractions Moodle's editing forms offer and its importers
accept (``question_bank::fraction_options_full``: 100 %, 90 %, 83.33333 %, ... 5 %, none, and
their negatives). A grade in a file matches when it is within 0.00001 of one of them, as Moodle's
``match_grade_options`` decides with ``matchgrades = error``; anything else refuses the question.
"""

from __future__ import annotations

from decimal import Decimal

_POSITIVE = (
    "1.0000000", "0.9000000", "0.8333333", "0.8000000", "0.7500000", "0.7000000", "0.6666667",
    "0.6000000", "0.5000000", "0.4000000", "0.3333333", "0.3000000", "0.2500000", "0.2000000",
    "0.1666667", "0.1428571", "0.1250000", "0.1111111", "0.1000000", "0.0500000",
)  # fmt: skip
MOODLE_FRACTIONS: tuple[Decimal, ...] = tuple(
    sorted({Decimal(0), *(Decimal(p) for p in _POSITIVE), *(-Decimal(p) for p in _POSITIVE)})
)
_TOLERANCE = Decimal("0.00001")


def moodle_fraction(value: Decimal) -> Decimal | None:
    """The member of Moodle's grade set that ``value`` (a fraction, 1 = 100 %) stands for, or
    None when Moodle would refuse it."""
    for option in MOODLE_FRACTIONS:
        if abs(Decimal(value) - option) < _TOLERANCE:
            return option
    return None


def moodle_percent(fraction: Decimal) -> str:
    """A fraction written as Moodle writes it: 1/3 is ``33.33333``, 1 is ``100``."""
    percent = (Decimal(fraction) * 100).quantize(Decimal("0.00001")).normalize()
    return format(percent + Decimal(0), "f")
