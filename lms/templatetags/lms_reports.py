"""Template helpers of the report pages: heatmap colours and the SVG charts of ``lms.charts``."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from lms import charts

register = template.Library()

MINUS = "\u2212"
NBSP = "\u00a0"


def ability_text(theta: float, standard_error: float) -> str:
    """θ ± SE as one unbreakable figure with a true minus sign: "θ −0.91 ± 0.44" with a
    hyphen read as a dash and wrapped after "θ" or "±" (a line ending "θ -" misleads)."""
    value = f"{theta:.2f}"
    value = "0.00" if value == "-0.00" else value.replace("-", MINUS)
    return f"θ{NBSP}{value}{NBSP}±{NBSP}{standard_error:.2f}"


@register.filter
def ability(cell) -> str:
    """The cell's ability figure (see ``ability_text``), or "" without an estimate."""
    if cell.theta is None or cell.standard_error is None:
        return ""
    return ability_text(float(cell.theta), float(cell.standard_error))


@register.simple_tag
def heat(percent, pass_mark) -> str:
    return charts.heat_colour(percent, float(pass_mark))


@register.simple_tag
def histogram(bins, pass_mark, title):
    return charts.histogram_svg(bins, float(pass_mark), title)


@register.simple_tag
def heatmap_body(report, batch_pk: int) -> str:
    """The heatmap's table rows, built in one pass: with a thousand learners x six NOS the
    template language's per-cell tags and ``floatformat`` took seconds (benchmarks/
    report_bench.py); this keeps the page under a second. Same cells as before: the percent
    (``*`` where it is the share correct, ✓ where mastered) on its heat colour, θ ± SE and
    the answers in the title."""
    pass_mark = float(report.pass_mark)
    correct_word = escape(gettext("correct"))
    learner_url = reverse("batch_learner", args=[batch_pk, 0])[: -len("0/")]
    lines = []
    for row in report.rows:
        cells = []
        for cell in row.cells:
            percent = cell.percent
            colour = charts.heat_colour(percent, pass_mark)
            figure = ability(cell)
            ability_part = f"{figure}, " if figure else ""
            if percent is None:
                text = "—"
            else:
                text = f"{percent:.0f}%" + ("*" if cell.expected_percent is None else "")
                text += " ✓" if cell.mastered else ""
            cells.append(
                f'<td class="cell" style="background:{colour}" title="{escape(cell.nos_code)}: '
                f'{ability_part}{cell.correct}/{cell.answered} {correct_word}">{text}</td>'
            )
        overall = "—" if row.overall is None else f"{row.overall:.0f}%"
        lines.append(
            f'<tr><th scope="row"><a href="{learner_url}{row.user.pk}/">{escape(row.name)}</a>'
            f'</th>{"".join(cells)}<td class="cell">{overall}</td></tr>'
        )
    if not lines:
        lines.append(f"<tr><td>{escape(gettext('No learners in this batch yet.'))}</td></tr>")
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped or ours
