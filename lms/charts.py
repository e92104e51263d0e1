"""Small inline SVG charts for the report pages (no JavaScript, no CDN): a histogram of a
batch's mastery of one NOS with the pass line, a learner's history of assessment results, and an
item's characteristic and information curves. Each returns safe markup with a text title for
screen readers; the numbers are also in the tables next to the charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _svg(width: int, height: int, title: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every interpolated text is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" style="max-width:100%;height:auto" '
        'role="img" class="chart">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def heat_colour(percent: float | None, pass_mark: float) -> str:
    """Background for a heatmap cell: red far below the pass mark, amber near it, green above
    (the cell also says mastered / not yet in words, so colour is never the only cue)."""
    if percent is None:
        return "#f2f2f2"
    if percent >= pass_mark:
        light = 82 - 20 * min(1.0, (percent - pass_mark) / max(1.0, 100 - pass_mark))
        return f"hsl(130, 45%, {light:.0f}%)"
    gap = min(1.0, (pass_mark - percent) / max(1.0, pass_mark))
    return f"hsl({45 - 45 * gap:.0f}, 85%, {86 - 14 * gap:.0f}%)"


def histogram_svg(bins: Sequence[int], pass_mark: float, title: str) -> SafeString:
    """bins: counts of learners per 10 % band of expected theory marks (0-10 ... 90-100).
    The pass label stands above the bars and the axis labels below them, so neither covers a
    bar; text is 11 px (9 px was unreadable) and in the reader's language."""
    width, height, top_pad, bottom_pad = 200, 96, 16, 16
    plot = height - top_pad - bottom_pad
    top = max(bins) if bins and max(bins) else 1
    bar = (width - 2) / max(1, len(bins))
    parts = []
    for k, n in enumerate(bins):
        h = plot * n / top
        colour = "#3b8a4a" if (k + 1) * 100 / len(bins) > pass_mark else "#c0504d"
        parts.append(
            f'<rect x="{1 + k * bar:.1f}" y="{top_pad + plot - h:.1f}" width="{bar - 1:.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{k * 10}-{k * 10 + 10}%: {n}</title></rect>'
        )
    x = 1 + (width - 2) * pass_mark / 100
    anchor = "end" if x > width / 2 else "start"
    label = escape(_("pass %(p)s%%") % {"p": f"{pass_mark:.0f}"})
    parts.append(
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad - 2}" y2="{top_pad + plot}" '
        'stroke="#222" stroke-dasharray="3 2"/>'
        f'<text x="{x + (-2 if anchor == "end" else 2):.1f}" y="11" font-size="11" '
        f'text-anchor="{anchor}">{label}</text>'
        f'<line x1="0" x2="{width}" y1="{top_pad + plot + 0.5}" y2="{top_pad + plot + 0.5}" '
        'stroke="#767676"/>'
        f'<text x="0" y="{height - 2}" font-size="11">0%</text>'
        f'<text x="{width}" y="{height - 2}" font-size="11" text-anchor="end">100%</text>'
    )
    return _svg(width, height, title, "".join(parts))


def history_svg(
    points: Sequence[tuple[datetime, float, bool]], pass_mark: float, title: str
) -> SafeString:
    """A learner's results over time: one dot per finished attempt (percent), with the pass
    line; filled dots passed. Dates are in the current time zone and language, as the table
    beside the chart shows them (UTC dates put an evening attempt in India on the day before)."""
    width, height, left, bottom = 480, 170, 36, 22
    if not points:
        empty = escape(_("No results yet."))  # outside the f-string, where xgettext finds it
        return _svg(width, 28, title, f'<text x="0" y="18" font-size="13">{empty}</text>')
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    span = (t1 - t0) or 1.0

    def x(t: datetime) -> float:
        return left + 10 + (width - left - 20) * ((t.timestamp() - t0) / span if t1 > t0 else 0.5)

    def y(p: float) -> float:
        return (height - bottom - 8) * (1 - p / 100) + 8

    def day(t: datetime) -> str:
        return escape(date_format(timezone.localtime(t), "j M"))

    label = escape(_("pass %(p)s%%") % {"p": f"{pass_mark:.0f}"})
    parts = [
        f'<line x1="{left}" x2="{width}" y1="{y(pass_mark):.1f}" y2="{y(pass_mark):.1f}" '
        'stroke="#222" stroke-dasharray="4 3"/>',
        # at the right end, above the line: the first dot sits at the left
        f'<text x="{width}" y="{y(pass_mark) - 4:.1f}" font-size="12" text-anchor="end">'
        f"{label}</text>",
    ]
    for p in (0, 50, 100):
        parts.append(f'<text x="0" y="{y(p) + 4:.1f}" font-size="12">{p}%</text>')
    path = " ".join(f"{x(t):.1f},{y(p):.1f}" for t, p, _passed in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#0b4f9c" stroke-width="2"/>')
    for t, p, passed in points:
        fill = "#0b4f9c" if passed else "#fff"
        parts.append(
            f'<circle cx="{x(t):.1f}" cy="{y(p):.1f}" r="5" fill="{fill}" stroke="#0b4f9c" '
            f'stroke-width="2"><title>{day(t)}: {p:.0f}%</title></circle>'
        )
    parts.append(
        f'<text x="{x(points[0][0]):.1f}" y="{height - 4}" font-size="12" '
        f'text-anchor="middle">{day(points[0][0])}</text>'
    )
    if len(points) > 1:
        parts.append(
            f'<text x="{width}" y="{height - 4}" font-size="12" text-anchor="end">'
            f"{day(points[-1][0])}</text>"
        )
    return _svg(width, height, title, "".join(parts))
