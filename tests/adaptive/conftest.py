"""Fixtures shared by the adaptive tests."""

from tests.adaptive.assessment_factories import approver, candidate, small_bank  # noqa: F401
from tests.question_bank.factories import asc_q0202  # noqa: F401  (fixture)
