"""Each item type's Moodle XML writer, named by its type spec (``ItemTypeSpec.export_writers``):
``moodle_xml._question_out`` writes what every question has (name, texts, marks, idnumber, hints,
tags) and asks the type for the elements between idnumber and the hints.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from .common import ItemRecord, multilang_join
from .moodle_fractions import moodle_percent
from .moodle_xml import (
    _COMBINED,
    GAP_QTYPES,
    ORDERING_DEFAULTS,
    _text,
    cloze_part_text,
    gap_choices,
)


def _shuffle(question: ET.Element, record: ItemRecord) -> None:
    ET.SubElement(question, "shuffleanswers").text = (
        "true" if record.content.shuffle_options else "false"
    )


def _combined(question: ET.Element, record: ItemRecord) -> None:
    combined = record.content.type_data.get("combined_feedback", {})
    for tag in _COMBINED:
        _text(question, tag, combined.get(tag, ""))


def _answers(question: ET.Element, record: ItemRecord, *, answer_format: str, tf: bool) -> None:
    """One <answer> per option, with its fraction (Moodle's percent) and feedback."""
    langs = record.content.translations
    for key, fraction in record.content.options:
        answer = ET.SubElement(
            question, "answer", {"fraction": moodle_percent(fraction), "format": answer_format}
        )
        ET.SubElement(answer, "text").text = (
            key if tf else multilang_join({k: t.options[key].html for k, t in langs.items()})
        )
        _text(
            answer,
            "feedback",
            multilang_join({k: t.options[key].feedback_html for k, t in langs.items()}),
        )


def choice(question: ET.Element, record: ItemRecord) -> None:
    """multichoice: single or multiple answer."""
    content = record.content
    ET.SubElement(question, "single").text = (
        "true" if content.item_type == "single_choice" else "false"
    )
    _shuffle(question, record)
    ET.SubElement(question, "answernumbering").text = content.type_data.get(
        "answer_numbering", "abc"
    )
    _combined(question, record)
    _answers(question, record, answer_format="html", tf=False)


def true_false(question: ET.Element, record: ItemRecord) -> None:
    _answers(question, record, answer_format="moodle_auto_format", tf=True)


def short_answer(question: ET.Element, record: ItemRecord) -> None:
    data = record.content.type_data
    ET.SubElement(question, "usecase").text = "1" if data.get("case_sensitive") else "0"
    _answers(question, record, answer_format="moodle_auto_format", tf=False)


def numeric(question: ET.Element, record: ItemRecord) -> None:
    content, data = record.content, record.content.type_data
    answer = ET.SubElement(question, "answer", {"fraction": "100", "format": "moodle_auto_format"})
    ET.SubElement(answer, "text").text = format(content.numeric_answer, "f")
    ET.SubElement(answer, "tolerance").text = format(content.numeric_tolerance or 0, "f")
    _text(answer, "feedback", data.get("answer_feedback_html", ""))
    for extra in data.get("answers", []):
        answer = ET.SubElement(
            question,
            "answer",
            {
                "fraction": moodle_percent(Decimal(extra["fraction"])),
                "format": "moodle_auto_format",
            },
        )
        ET.SubElement(answer, "text").text = str(extra["value"])
        ET.SubElement(answer, "tolerance").text = str(extra.get("tolerance") or 0)
        _text(answer, "feedback", extra.get("feedback_html", ""))
    if data.get("other_answer_feedback_html"):  # Moodle's "*": any other number, no marks
        answer = ET.SubElement(
            question, "answer", {"fraction": "0", "format": "moodle_auto_format"}
        )
        ET.SubElement(answer, "text").text = "*"
        ET.SubElement(answer, "tolerance").text = "0"
        _text(answer, "feedback", data["other_answer_feedback_html"])
    if data.get("units"):
        units = ET.SubElement(question, "units")
        for unit in data["units"]:
            element = ET.SubElement(units, "unit")
            ET.SubElement(element, "multiplier").text = str(unit.get("multiplier", 1))
            ET.SubElement(element, "unit_name").text = unit["unit"]


def essay(question: ET.Element, record: ItemRecord) -> None:
    data = record.content.type_data
    ET.SubElement(question, "responseformat").text = data.get("response_format", "editor")
    ET.SubElement(question, "responserequired").text = (
        "1" if data.get("response_required", True) else "0"
    )
    ET.SubElement(question, "responsefieldlines").text = str(data.get("lines", 15))
    ET.SubElement(question, "attachments").text = "0"
    _text(question, "graderinfo", data.get("grader_info_html", ""))
    _text(question, "responsetemplate", data.get("response_template_html", ""))


def matching(question: ET.Element, record: ItemRecord) -> None:
    _shuffle(question, record)
    _combined(question, record)
    for pair in record.content.type_data.get("pairs", []):
        sub = _text(question, "subquestion", pair.get("question_html", ""))
        ET.SubElement(ET.SubElement(sub, "answer"), "text").text = pair["answer"]


def ordering(question: ET.Element, record: ItemRecord) -> None:
    # qtype_ordering's fields: all the items, graded as our ordering grading says.
    data, langs = record.content.type_data, record.content.translations
    _combined(question, record)
    settings = {**ORDERING_DEFAULTS, **data.get("moodle_ordering", {})}
    settings["gradingtype"] = data.get("grading", "all_or_nothing").upper()
    for tag, value in settings.items():
        ET.SubElement(question, tag).text = value
    # Moodle's ordering question lists the items in the right order.
    for position, key in enumerate(data.get("order", []), start=1):
        answer = ET.SubElement(question, "answer", {"fraction": str(position), "format": "html"})
        ET.SubElement(answer, "text").text = multilang_join(
            {k: t.options[key].html for k, t in langs.items()}
        )


def cloze(question: ET.Element, record: ItemRecord) -> None:
    # Moodle stores the sub-questions inside the text: put them back where {#n} stands.
    langs = record.content.translations
    text = multilang_join({k: t.stem_html for k, t in langs.items()})
    data = record.content.type_data
    gaps = gap_choices(data.get("parts", []))
    if gaps is not None:
        _gaps(question, record, text, *gaps)
        return
    for i, part in enumerate(record.content.type_data.get("parts", []), start=1):
        text = text.replace(f"{{#{i}}}", cloze_part_text(part))
    question.find("questiontext/text").text = text  # type: ignore[union-attr]


def description(question: ET.Element, record: ItemRecord) -> None:
    """A shared stimulus: its text only."""


def _gaps(
    question: ET.Element,
    record: ItemRecord,
    text: str,
    choices: list[tuple[str, int, bool]],
    numbers: list[int],
) -> None:
    """A cloze item of choice-group gaps as Moodle's own question (gapselect, or ddwtos where it
    came from one or a choice fills one gap only): [[n]] where each gap is, then its choices."""
    qtype = record.content.type_data.get("moodle_gaps")
    if qtype not in GAP_QTYPES:
        qtype = "gapselect" if all(reusable for _, _, reusable in choices) else "ddwtos"
    if qtype == "gapselect" and not all(reusable for _, _, reusable in choices):
        qtype = "ddwtos"  # gapselect has no single-use choices
    question.set("type", qtype)
    for i, number in enumerate(numbers, start=1):
        text = text.replace(f"{{#{i}}}", f"[[{number}]]")
    question.find("questiontext/text").text = text  # type: ignore[union-attr]
    _shuffle(question, record)
    _combined(question, record)
    for choice_text, group, reusable in choices:
        choice = ET.SubElement(question, GAP_QTYPES[qtype])
        ET.SubElement(choice, "text").text = choice_text
        ET.SubElement(choice, "group").text = str(group)
        if qtype == "ddwtos" and reusable:
            ET.SubElement(choice, "infinite")
