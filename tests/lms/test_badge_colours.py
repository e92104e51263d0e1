"""Dashboard badges: one colour per meaning on every page. Green: done or open to you; amber:
needs you or is under way (not yet passed means a reassessment); grey: nothing to do now. "Not
yet passed" was grey while "not started" was amber: the other way round from their meaning."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "lms/static/lms/kaushal.css").read_text(encoding="utf-8")
PAGES = ["lms/templates/lms/dashboard.html", "adaptive/templates/adaptive/assessment_list.html"]
MEANING = {
    "badge-open": "--success", "badge-passed": "--success",
    "badge-in-progress": "--warning", "badge-not-yet": "--warning", "badge-upcoming": "--warning",
    "badge-not-started": "--muted", "badge-awaiting": "--muted", "badge-closed": "--muted",
}  # fmt: skip


def colour_of(css_class: str) -> str:
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", CSS)
    colours = [
        m.group(1)
        for selectors, body in rules
        if f".{css_class}" in [s.strip() for s in selectors.split(",")]
        and (m := re.search(r"(?<![-\w])color:\s*var\((--\w+)\)", body))
    ]
    assert colours, css_class
    return colours[-1]


def test_each_badge_class_has_the_colour_of_its_meaning():
    for css_class, colour in MEANING.items():
        assert colour_of(css_class) == colour, css_class


def test_every_badge_on_the_dashboard_pages_names_its_meaning():
    for page in PAGES:
        source = (ROOT / page).read_text(encoding="utf-8")
        for classes in re.findall(r'class="(badge[^"]*)"', source):
            named = [c for c in classes.split() if c != "badge"]
            assert named and all(c in MEANING for c in named), (page, classes)


def test_not_yet_passed_stands_out_and_not_started_does_not():
    source = (ROOT / "lms/templates/lms/dashboard.html").read_text(encoding="utf-8")
    assert '<span class="badge badge-not-yet">{% trans "not yet passed" %}' in source
    assert '<span class="badge badge-not-started">{% trans "not started" %}' in source
