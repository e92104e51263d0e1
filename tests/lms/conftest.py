"""Fixtures shared by the lms tests."""

from tests.question_bank.factories import asc_q0202  # noqa: F401  (fixture)
