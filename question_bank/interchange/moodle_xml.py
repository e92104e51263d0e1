"""Moodle XML (multichoice, truefalse, numerical).

Categories carry the tags: ``$course$/top/ASC//Q0202/ASC//N0001/PC1`` (QP/NOS/PC; Moodle writes a
"/" inside a name as "//"). ``idnumber`` is the item's id; KU/GS codes, status, difficulty estimate
and enemies are Moodle tags. Hindi and English texts of one item share a field through Moodle's
multilang filter markup (``<span lang="hi" class="multilang">``). Option keys follow the answers'
order (A, B, C...); true/false keys are "true"/"false". Untrusted files are parsed with defusedxml.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from defusedxml import ElementTree as SafeET

from ..items.content import ItemContent, OptionText, Translation, decimal_or_none
from ..models import ItemType
from .common import (
    ItemImportError,
    ItemRecord,
    Problem,
    category_parse,
    category_path,
    multilang_join,
    multilang_split,
    option_key,
    tags_from_category,
)

EXTENSION = "xml"


def _fraction_out(value: Decimal) -> str:
    percent = (Decimal(value) * 100).quantize(Decimal("0.00001")).normalize()
    return format(percent, "f")


def _fraction_in(raw: str) -> Decimal:
    return (decimal_or_none(raw) or Decimal(0)) / 100


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def render(records: list[ItemRecord], *, qualification_pack_code: str) -> bytes:
    quiz = ET.Element("quiz")
    current_category = None
    for record in records:
        path = category_path(qualification_pack_code, record.nos_code, record.pc_ref)
        if path != current_category:
            category = ET.SubElement(quiz, "question", {"type": "category"})
            _text(category, "category", path, fmt=None)
            current_category = path
        content = record.content
        langs = content.translations
        qtype = {
            ItemType.SINGLE_CHOICE: "multichoice",
            ItemType.MULTIPLE_RESPONSE: "multichoice",
            ItemType.TRUE_FALSE: "truefalse",
            ItemType.NUMERIC: "numerical",
        }[content.item_type]
        question = ET.SubElement(quiz, "question", {"type": qtype})
        first = langs.get("en") or next(iter(langs.values()))
        name = re.sub(r"<[^>]+>", " ", first.stem_html)
        _text(question, "name", " ".join(name.split())[:80], fmt=None)
        _text(question, "questiontext", multilang_join({k: t.stem_html for k, t in langs.items()}))
        _text(
            question,
            "generalfeedback",
            multilang_join({k: t.general_feedback_html for k, t in langs.items()}),
        )
        ET.SubElement(question, "defaultgrade").text = "1"
        ET.SubElement(question, "penalty").text = "0"
        ET.SubElement(question, "hidden").text = "0"
        ET.SubElement(question, "idnumber").text = record.uid
        if content.item_type == ItemType.NUMERIC:
            answer = ET.SubElement(
                question, "answer", {"fraction": "100", "format": "moodle_auto_format"}
            )
            ET.SubElement(answer, "text").text = format(content.numeric_answer, "f")
            ET.SubElement(answer, "tolerance").text = format(content.numeric_tolerance or 0, "f")
            _text(answer, "feedback", "")
        else:
            if content.item_type != ItemType.TRUE_FALSE:
                single = content.item_type == ItemType.SINGLE_CHOICE
                ET.SubElement(question, "single").text = "true" if single else "false"
                ET.SubElement(question, "shuffleanswers").text = "true"
                ET.SubElement(question, "answernumbering").text = "ABCD"
            is_tf = content.item_type == ItemType.TRUE_FALSE
            answer_format = "moodle_auto_format" if is_tf else "html"
            for key, fraction in content.options:
                answer = ET.SubElement(
                    question,
                    "answer",
                    {"fraction": _fraction_out(fraction), "format": answer_format},
                )
                if content.item_type == ItemType.TRUE_FALSE:
                    ET.SubElement(answer, "text").text = key
                else:
                    ET.SubElement(answer, "text").text = multilang_join(
                        {k: t.options[key].html for k, t in langs.items()}
                    )
                _text(
                    answer,
                    "feedback",
                    multilang_join({k: t.options[key].feedback_html for k, t in langs.items()}),
                )
        tags = ET.SubElement(question, "tags")
        for tag in record.tags():
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"


def _field(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "") if found is not None else ""


_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                "webp": "image/webp"}  # fmt: skip


def _rich(element: ET.Element, path: str) -> str:
    """A text field with its embedded files: Moodle writes images as ``@@PLUGINFILE@@/name``
    plus a base64 ``<file>`` next to the text; they become inline data: URLs."""
    text = _field(element, path)
    holder = element.find(path.rsplit("/", 1)[0]) if "/" in path else element
    if holder is None or "@@PLUGINFILE@@" not in text:
        return text
    for file in holder.findall("file"):
        name = file.get("name", "")
        mime = _IMAGE_TYPES.get(name.rsplit(".", 1)[-1].lower())
        if mime and file.get("encoding") == "base64":
            data = "".join((file.text or "").split())
            text = text.replace(f"@@PLUGINFILE@@/{name}", f"data:{mime};base64,{data}")
    return text


def _question_lines(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<question[\s>]", text)]


def parse(data: bytes, *, source: str = "") -> list[ItemRecord]:
    text = data.decode("utf-8-sig", errors="replace")
    try:
        root = SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise ItemImportError(
            [Problem(exc.position[0], "-", f"not well-formed XML: {exc}")]
        ) from exc
    except Exception as exc:  # defusedxml refuses entities, DTDs and the like
        raise ItemImportError([Problem(0, "-", f"refused XML: {exc}")]) from exc
    if root.tag != "quiz":
        raise ItemImportError([Problem(1, "-", "the root element must be <quiz>")])
    lines = _question_lines(text)
    problems: list[Problem] = []
    records: list[ItemRecord] = []
    tags_now: tuple[str, str] | None = None
    for index, question in enumerate(root.findall("question")):
        line = lines[index] if index < len(lines) else 0
        qtype = question.get("type", "")
        if qtype == "category":
            tags_now = tags_from_category(category_parse(_field(question, "category/text")))
            continue
        label = _field(question, "idnumber") or _field(question, "name/text") or f"#{index}"
        try:
            record = _question(question, qtype, tags_now)
        except ValueError as exc:
            problems.append(Problem(line, label, str(exc)))
            continue
        record.line = line
        problems.extend(Problem(line, label, p) for p in record.apply_tags(
            [t.text or "" for t in question.findall("tags/tag/text")]
        ))  # fmt: skip
        records.append(record)
    if problems:
        raise ItemImportError(problems)
    return records


def _languages(html: str) -> dict[str, str]:
    return {(lang or "en"): value for lang, value in multilang_split(html).items()}


def _question(question: ET.Element, qtype: str, tags: tuple[str, str] | None) -> ItemRecord:
    if qtype not in ("multichoice", "truefalse", "numerical"):
        raise ValueError(
            f"question type {qtype!r} is not supported (multichoice, truefalse, numerical)"
        )
    if tags is None:
        raise ValueError("no category QP/NOS/PC before this question")
    stems = _languages(_rich(question, "questiontext/text"))
    general = _languages(_rich(question, "generalfeedback/text"))
    translations = {lang: Translation(stem, general.get(lang, "")) for lang, stem in stems.items()}
    answers = question.findall("answer")
    options: list[tuple[str, Decimal]] = []
    numeric_answer = numeric_tolerance = None
    if qtype == "numerical":
        item_type = ItemType.NUMERIC
        # Moodle often adds a "*" catch-all answer worth 0: only the full-mark answer counts.
        full = [a for a in answers if _fraction_in(a.get("fraction", "0")) == 1]
        if len(full) != 1:
            raise ValueError("a numerical question needs exactly one answer worth 100%")
        numeric_answer = decimal_or_none(_field(full[0], "text"))
        numeric_tolerance = decimal_or_none(_field(full[0], "tolerance"))
    else:
        if qtype == "truefalse":
            item_type = ItemType.TRUE_FALSE
        else:
            single = _field(question, "single").strip().lower() in ("true", "1")
            item_type = ItemType.SINGLE_CHOICE if single else ItemType.MULTIPLE_RESPONSE
        for i, answer in enumerate(answers):
            if item_type == ItemType.TRUE_FALSE:
                key = _field(answer, "text").strip().lower()
                texts = {lang: key for lang in translations}
            else:
                key = option_key(i)
                texts = _languages(_rich(answer, "text"))
            feedbacks = _languages(_rich(answer, "feedback/text"))
            options.append((key, _fraction_in(answer.get("fraction", "0"))))
            for lang, translation in translations.items():
                translation.options[key] = OptionText(texts.get(lang, ""), feedbacks.get(lang, ""))
            for lang in set(texts) - set(translations):
                raise ValueError(f"an answer has text in {lang!r} but the question does not")
    return ItemRecord(
        nos_code=tags[0],
        pc_ref=tags[1],
        uid=_field(question, "idnumber").strip(),
        status="draft",
        content=ItemContent(
            item_type=item_type,
            translations=translations,
            options=options,
            numeric_answer=numeric_answer,
            numeric_tolerance=numeric_tolerance,
        ),
    )
