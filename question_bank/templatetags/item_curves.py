"""An item's characteristic curve and information curve as inline SVG, for the curator's item
page (pure arithmetic: this layer may not use the IRT package above it)."""

from __future__ import annotations

import math

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def item_curves(item) -> SafeString:
    """The 2PL/3PL curves of a calibrated item, or nothing."""
    if item.discrimination is None or item.difficulty is None:
        return mark_safe("")  # noqa: S308 - empty
    return item_curves_svg(
        float(item.discrimination),
        float(item.difficulty),
        float(item.guessing or 0.0),
        "Item characteristic curve and information",
    )


def _svg(width: int, height: int, title: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - the only text interpolated is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" style="max-width:100%;height:auto" '
        'role="img" class="chart">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def item_curves_svg(a: float, b: float, c: float, title: str) -> SafeString:
    """Item characteristic curve P(theta) = c + (1 - c) / (1 + exp(-a (theta - b))) and the
    item information a^2 (P - c)^2 (1 - P) / ((1 - c)^2 P) (Lord 1980, eq. 5.17), theta -4..4."""
    # The legend has its own row under the θ axis: drawn inside the plot, it covered the curves.
    width, height, left, bottom = 420, 210, 30, 44
    thetas = [-4 + 8 * k / 80 for k in range(81)]
    p = [c + (1 - c) / (1 + math.exp(-a * (t - b))) for t in thetas]
    info = [a * a * (q - c) ** 2 * (1 - q) / (((1 - c) ** 2) * q) for q in p]
    top = max(info) or 1.0

    def x(t: float) -> float:
        return left + (width - left - 5) * (t + 4) / 8

    def y(v: float) -> float:
        return 5 + (height - bottom - 5) * (1 - v)

    icc = " ".join(f"{x(t):.1f},{y(q):.1f}" for t, q in zip(thetas, p, strict=True))
    inf = " ".join(f"{x(t):.1f},{y(v / top):.1f}" for t, v in zip(thetas, info, strict=True))
    body = (
        f'<line x1="{left}" x2="{width}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#999"/>'
        f'<line x1="{x(b):.1f}" x2="{x(b):.1f}" y1="5" y2="{y(0):.1f}" stroke="#999" '
        'stroke-dasharray="3 2"/>'
        f'<polyline points="{icc}" fill="none" stroke="#0b4f9c" stroke-width="2"/>'
        f'<polyline points="{inf}" fill="none" stroke="#c0504d" stroke-width="1.5" '
        'stroke-dasharray="5 3"/>'
        f'<text x="0" y="{y(1) + 4:.1f}" font-size="12">1</text>'
        f'<text x="0" y="{y(0) + 4:.1f}" font-size="12">0</text>'
        f'<text x="{left}" y="{height - 26}" font-size="12">θ = −4</text>'
        f'<text x="{width}" y="{height - 26}" font-size="12" text-anchor="end">θ = 4</text>'
        f'<text x="{x(b):.1f}" y="{height - 26}" font-size="12" text-anchor="middle">b</text>'
        f'<line x1="{left}" x2="{left + 22}" y1="{height - 9}" y2="{height - 9}" stroke="#0b4f9c" '
        'stroke-width="2"/>'
        f'<text x="{left + 27}" y="{height - 5}" font-size="12" fill="#0b4f9c">P(correct)</text>'
        f'<line x1="{left + 125}" x2="{left + 147}" y1="{height - 9}" y2="{height - 9}" '
        'stroke="#c0504d" stroke-width="1.5" stroke-dasharray="5 3"/>'
        f'<text x="{left + 152}" y="{height - 5}" font-size="12" fill="#a8322f">information (max '
        f"{top:.2f})</text>"
    )
    return _svg(width, height, title, body)
