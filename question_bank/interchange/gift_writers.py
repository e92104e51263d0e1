"""Each item type's GIFT writer, named by its type spec (``ItemTypeSpec.export_writers``): the
answer block between ``{`` and ``}`` (``gift.render`` writes the category, ids, tags, title,
stem and general feedback). ``None``: the question has no answer block (a description).
Cloze has no GIFT writer: GIFT cannot express it. Ordering is qtype_ordering's GIFT syntax.
"""

from __future__ import annotations

import html as html_lib
from decimal import Decimal

from .common import ItemRecord
from .gift import _WEIGHT, _field, escape
from .moodle_fractions import moodle_percent


def _said(html: str) -> str:
    return f"#{_field({'en': html})}" if html else ""


def numeric(record: ItemRecord) -> str:
    content, data = record.content, record.content.type_data
    value = format(content.numeric_answer, "f")  # type: ignore[arg-type]
    answers = [
        f"=%100%{value}:{format(content.numeric_tolerance or 0, 'f')}"
        + _said(data.get("answer_feedback_html", ""))
    ]
    for extra in data.get("answers", []):
        weight = moodle_percent(Decimal(extra["fraction"]))
        answers.append(
            f"=%{weight}%{extra['value']}:{extra.get('tolerance') or 0}"
            + _said(extra.get("feedback_html", ""))
        )
    if data.get("other_answer_feedback_html"):  # any other number: no marks
        answers.append("~" + _said(data["other_answer_feedback_html"]))
    return "#" + "\n\t".join(answers)


def ordering(record: ItemRecord) -> str:
    """qtype_ordering's GIFT: its settings, then the items in the right order, one a line."""
    data, langs = record.content.type_data, record.content.translations
    shown = data.get("moodle_ordering", {})
    settings = [
        f">{len(data.get('order', []))}", "ALL",
        shown.get("layouttype", "VERTICAL"),
        data.get("grading", "all_or_nothing").upper(),
        shown.get("showgrading", "SHOW"), shown.get("numberingstyle", "none"),
    ]  # fmt: skip
    items = [
        _field({k: t.options[key].html for k, t in langs.items()}) for key in data.get("order", [])
    ]
    return " ".join(settings) + "\n" + "\n".join(items) + "\n"


def true_false(record: ItemRecord) -> str:
    content, langs = record.content, record.content.translations
    correct = content.correct_keys[0]
    wrong = "false" if correct == "true" else "true"
    fb_right = _field({k: t.options[correct].feedback_html for k, t in langs.items()})
    fb_wrong = _field({k: t.options[wrong].feedback_html for k, t in langs.items()})
    return f"{correct.upper()}#{fb_wrong}#{fb_right}"


def essay(record: ItemRecord) -> str:
    return ""


def matching(record: ItemRecord) -> str:
    return "\n".join(
        f"\t={escape(p.get('question_html', ''))} -> {escape(p['answer'])}"
        for p in record.content.type_data.get("pairs", [])
    )


def _answer_lines(record: ItemRecord, *, short_answer: bool) -> str:
    """``=`` / ``~`` lines with ``%n%`` weights where the sign alone does not say the weight."""
    content, langs = record.content, record.content.translations
    single = content.item_type == "single_choice"
    lines = []
    for key, fraction in content.options:
        text = _field({k: t.options[key].html for k, t in langs.items()})
        if short_answer:
            text = escape(html_lib.unescape(langs[next(iter(langs))].options[key].html))
        feedback = _field({k: t.options[key].feedback_html for k, t in langs.items()})
        sign = "=" if short_answer or (single and fraction == 1) else "~"
        weight = (
            ""
            if (sign == "=" and fraction == 1) or (sign == "~" and fraction == 0)
            else f"%{moodle_percent(fraction)}%"
        )
        # A text that reads as a weight gets its weight written out, so it is not taken for
        # one; Moodle reads no weight after a multiple-choice "=".
        weight_read = not (single and sign == "=")
        if not weight and weight_read and _WEIGHT.match(text):
            weight = f"%{moodle_percent(fraction)}%"
        lines.append(f"\t{sign}{weight}{text}" + (f"#{feedback}" if feedback else ""))
    return "\n" + "\n".join(lines) + "\n"


def choice(record: ItemRecord) -> str:
    return _answer_lines(record, short_answer=False)


def short_answer(record: ItemRecord) -> str:
    return _answer_lines(record, short_answer=True)


def description(record: ItemRecord) -> None:
    return None
