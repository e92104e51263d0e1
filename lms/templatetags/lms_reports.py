"""Template helpers of the report pages: heatmap colours and the SVG charts of ``lms.charts``."""

from __future__ import annotations

from django import template

from lms import charts

register = template.Library()


@register.simple_tag
def heat(percent, pass_mark) -> str:
    return charts.heat_colour(percent, float(pass_mark))


@register.simple_tag
def histogram(bins, pass_mark, title):
    return charts.histogram_svg(bins, float(pass_mark), title)
