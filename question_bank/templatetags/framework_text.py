"""``{{ nos|framework_text }}``, ``{{ pc|framework_text }}``,
``{{ row|framework_text:"nos_title" }}``: the framework text in the page's language (Hindi
where entered, else the English); the choice itself is
``question_bank.translations.framework_text``."""

from __future__ import annotations

from django import template

from question_bank.translations import framework_text as _framework_text

register = template.Library()


@register.filter
def framework_text(value: object, field_name: str = "") -> str:
    if value is None or value == "":
        return ""
    return _framework_text(value, field_name or None)
