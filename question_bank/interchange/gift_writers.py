"""Each item type's GIFT writer, named by its type spec (``ItemTypeSpec.export_writers``): the
answer block between ``{`` and ``}`` (``gift.render`` writes the category, ids, tags, title,
stem and general feedback). ``None``: the question has no answer block (a description).
Ordering and cloze have no GIFT writer: GIFT cannot express them.
"""

from __future__ import annotations

import html as html_lib
from decimal import Decimal

from .common import ItemRecord
from .gift import _WEIGHT, _field, escape
from .moodle_fractions import moodle_percent


def numeric(record: ItemRecord) -> str:
    content = record.content
    value = format(content.numeric_answer, "f")  # type: ignore[arg-type]
    answers = [f"=%100%{value}:{format(content.numeric_tolerance or 0, 'f')}"]
    for extra in content.type_data.get("answers", []):
        weight = moodle_percent(Decimal(extra["fraction"]))
        answers.append(f"=%{weight}%{extra['value']}:{extra.get('tolerance') or 0}")
    return "#" + "\n\t".join(answers)


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
