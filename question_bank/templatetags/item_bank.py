"""Small display helpers of the curators' bank pages: an item's first line, a person's name,
a framework code with its statement. Reads only what the listing prefetched (no queries)."""

from __future__ import annotations

from django import template
from django.utils.text import Truncator

from ..items.html import html_to_text

register = template.Library()


@register.filter
def stem_line(version, length: int = 110) -> str:
    """The stem as plain text, truncated: what lets a curator recognise the question."""
    translation = version.translation("en")
    if translation is None:
        return ""
    return Truncator(html_to_text(translation.stem_html)).chars(int(length))


@register.filter
def person(user) -> str:
    """A user's full name where known (Wagtail's defaults show usernames)."""
    if user is None:
        return "-"
    return getattr(user, "full_name", "") or user.get_full_name() or user.get_username()


@register.filter
def last_change(version):
    """The latest moment anything happened to the version (written, submitted, approved,
    retired): what "last change" means in the listing."""
    moments = [
        version.created_at,
        version.submitted_at,
        version.approved_at,
        version.retired_at,
    ]
    return max(m for m in moments if m is not None)


@register.inclusion_tag("question_bank/items/_code.html")
def framework_code(tag, prefix: str = "") -> dict:
    """A PC/KU/GS code with its statement as the hover title and for screen readers."""
    return {"tag": tag, "prefix": prefix}


@register.filter
def statistics_of(version):
    """The version's ItemStatistics or None (the listing select_related them: no query)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return version.statistics
    except ObjectDoesNotExist:
        return None


@register.filter
def percent(fraction) -> str:
    """A score as Moodle writes it: 1/3 is ``33.33333 %``."""
    from ..interchange.moodle_fractions import moodle_percent

    return f"{moodle_percent(fraction)} %"
