"""The mastery figure "θ −0.91 ± 0.44": a true minus sign (U+2212), and one unbreakable unit, so
it never wraps after "θ" or "±" and a negative ability never reads as a dash."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from lms.templatetags.lms_reports import ability, ability_text

MINUS, NBSP = "\u2212", "\u00a0"


def test_a_negative_ability_has_a_minus_sign_and_no_breakable_space():
    assert ability_text(-0.91, 0.44) == f"θ{NBSP}{MINUS}0.91{NBSP}±{NBSP}0.44"
    assert ability_text(0.004, 0.5) == f"θ{NBSP}0.00{NBSP}±{NBSP}0.50"
    assert ability_text(-0.004, 0.5) == f"θ{NBSP}0.00{NBSP}±{NBSP}0.50"  # no "−0.00"


@given(
    theta=st.floats(min_value=-10, max_value=10, allow_nan=False),
    standard_error=st.floats(min_value=0, max_value=10, allow_nan=False),
)
def test_any_figure_reads_back_as_its_value(theta, standard_error):
    text = ability_text(theta, standard_error)
    assert "-" not in text and " " not in text
    value, se = text.removeprefix(f"θ{NBSP}").split(f"{NBSP}±{NBSP}")
    assert abs(float(value.replace(MINUS, "-")) - theta) <= 0.005 + 1e-9
    assert abs(float(se) - standard_error) <= 0.005 + 1e-9


def test_without_an_estimate_the_cell_has_no_figure():
    assert ability(SimpleNamespace(theta=None, standard_error=0.4)) == ""


def test_the_mastery_cell_shows_the_figure_in_one_piece():
    cell = SimpleNamespace(
        answered=8, mastered=False, expected_percent=31, theta=-0.91, standard_error=0.44,
        correct=3,
    )  # fmt: skip
    html = render_to_string("lms/_mastery_cell.html", {"cell": cell})
    assert f"31% of theory marks expected (θ{NBSP}{MINUS}0.91{NBSP}±{NBSP}0.44)" in html
