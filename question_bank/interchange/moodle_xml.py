"""Moodle XML, as Moodle 4.x writes it: multichoice, truefalse, shortanswer, numerical, essay,
match, ordering (qtype_ordering), description, cloze (multianswer), and select missing words
(gapselect) and drag and drop into text (ddwtos) as cloze items whose gaps draw on choice groups
(see ``gaps_parse``), each question refused on
its own when it cannot be read (an unsupported type, grades outside Moodle's grade set, a broken
cloze part, an ordering graded or shown in a way our scorer cannot follow). A file may also be a
lone ``<question>`` (as qtype plugins keep their fixtures).

Categories: Kaushal's own export writes ``$course$/top/QP/NOS/PC`` (Moodle writes a "/" inside a
name as "//"); any other path is kept as the item's source category and the item is tagged where
a name (or a Moodle tag) is a NOS code / PC of the QP. ``idnumber`` is our UUID or, from other
banks, any string (the item's source id). Name, default mark, penalty, shuffle, hints, combined
feedback, per-answer feedback, embedded files (``@@PLUGINFILE@@`` and the Moodle 1.9 ``<image>``)
and tags are kept; what Kaushal does not model is listed per question. Hindi and English texts of
one item share a field through Moodle's multilang markup. Untrusted files are parsed with
defusedxml.
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from defusedxml import ElementTree as SafeET

from ..items.content import ItemContent, OptionText, Translation, decimal_or_none
from ..items.types import item_type_spec
from ..items.types.numeric import numeric_answers_store
from ..models import ItemType
from .common import (
    ItemImportError,
    ItemRecord,
    ParsedFile,
    Problem,
    category_parse,
    category_path,
    multilang_join,
    multilang_split,
    not_exportable,
    option_key,
)
from .moodle_fractions import moodle_fraction, moodle_percent

EXTENSION = "xml"
_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                "webp": "image/webp", "svg": "image/svg+xml"}  # fmt: skip
_QTYPE_OUT = {
    ItemType.SINGLE_CHOICE: "multichoice", ItemType.MULTIPLE_RESPONSE: "multichoice",
    ItemType.TRUE_FALSE: "truefalse", ItemType.NUMERIC: "numerical",
    ItemType.SHORT_ANSWER: "shortanswer", ItemType.ESSAY: "essay", ItemType.MATCHING: "matching",
    ItemType.DESCRIPTION: "description", ItemType.CLOZE: "cloze", ItemType.ORDERING: "ordering",
}  # fmt: skip
_COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# Elements read into the item; anything else in a <question> is listed as not modelled.
_KNOWN = {
    "name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden", "idnumber",
    "tags", "answer", "single", "shuffleanswers", "answernumbering", "showstandardinstruction",
    *_COMBINED, "shownumcorrect", "hint", "usecase", "units", "unitgradingtype", "unitpenalty",
    "showunits", "unitsleft", "responseformat", "responserequired", "responsefieldlines",
    "attachments", "attachmentsrequired", "graderinfo", "responsetemplate", "subquestion",
    "image", "image_base64", "maxbytes", "filetypeslist", "minwordlimit", "maxwordlimit",
    "instructions", "layouttype", "selecttype", "selectcount", "gradingtype", "showgrading",
    "numberingstyle", "selectoption", "dragbox",
}  # fmt: skip
# Moodle's question types whose places [[n]] take one of a group of choices: the element that
# holds each choice.
GAP_QTYPES = {"gapselect": "selectoption", "ddwtos": "dragbox"}
_GAP_PLACE = re.compile(r"\[\[(\d+)\]\]")


# qtype_ordering's settings as our ordering type works: all the items (the grading is ours).
ORDERING_DEFAULTS = {"layouttype": "VERTICAL", "selecttype": "ALL", "selectcount": "0",
                     "gradingtype": "ALL_OR_NOTHING", "showgrading": "SHOW",
                     "numberingstyle": "none"}  # fmt: skip
_ORDERING_DISPLAY = ("layouttype", "showgrading", "numberingstyle")
# qtype_ordering's gradingtype as its set_options_for_import reads it (any other value, or none,
# is RELATIVE_NEXT_EXCLUDE_LAST there) -> our ordering grading; None: our scorer has no such rule.
ORDERING_GRADINGS: dict[str, str | None] = {
    "ALL_OR_NOTHING": "all_or_nothing", "ABS": "absolute_position",
    "ABSOLUTE": "absolute_position", "ABSOLUTE_POSITION": "absolute_position",
    "RELATIVE_NEXT_EXCLUDE_LAST": "relative_next_exclude_last",
    "RELATIVE_NEXT_INCLUDE_LAST": "relative_next_include_last",
    "LONGEST_ORDERED_SUBSET": "longest_ordered_subset",
    "LONGEST_CONTIGUOUS_SUBSET": "longest_contiguous_subset",
    "RELATIVE_ONE_PREVIOUS_AND_NEXT": None, "RELATIVE_ALL_PREVIOUS_AND_NEXT": None,
    "RELATIVE_TO_CORRECT": None,
}  # fmt: skip

# ---------------------------------------------------------------- export


def default_name(stem_html: str) -> str:
    """The name Moodle needs when a question has none: the start of its text. On import such a
    name is not kept (it says nothing the stem does not)."""
    return " ".join(re.sub(r"<[^>]+>", " ", stem_html).split())[:80]


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def _category_out(qualification_pack_code: str, record: ItemRecord) -> str:
    if record.nos_code and record.pc_ref:
        return category_path(qualification_pack_code, record.nos_code, record.pc_ref)
    return "$course$/top/" + (record.source_category or "Imported")


def render(records: list[ItemRecord], *, qualification_pack_code: str) -> bytes:
    quiz = ET.Element("quiz")
    current_category = None
    for record in records:
        path = _category_out(qualification_pack_code, record)
        if path != current_category:
            category = ET.SubElement(quiz, "question", {"type": "category"})
            _text(category, "category", path, fmt=None)
            current_category = path
        _question_out(quiz, record)
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"


def _question_out(quiz: ET.Element, record: ItemRecord) -> None:
    content = record.content
    langs = content.translations
    data = content.type_data
    question = ET.SubElement(quiz, "question", {"type": _QTYPE_OUT[content.item_type]})
    first = langs.get("en") or next(iter(langs.values()))
    _text(question, "name", content.name or default_name(first.stem_html), fmt=None)
    _text(question, "questiontext", multilang_join({k: t.stem_html for k, t in langs.items()}))
    _text(
        question,
        "generalfeedback",
        multilang_join({k: t.general_feedback_html for k, t in langs.items()}),
    )
    ET.SubElement(question, "defaultgrade").text = format(content.default_mark.normalize(), "f")
    if content.penalty is not None:
        ET.SubElement(question, "penalty").text = format(content.penalty.normalize(), "f")
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = record.source_id or record.uid
    writer = item_type_spec(content.item_type).export_writer("moodle")
    if writer is None:
        raise ValueError(not_exportable(content.item_type, "moodle"))
    writer(question, record)
    for hint in data.get("hints", []):
        _text(question, "hint", hint)
    tags = ET.SubElement(question, "tags")
    for tag in record.tags():
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag


def cloze_part_text(part: dict) -> str:
    kind = {"multichoice": "MULTICHOICE", "shortanswer": "SHORTANSWER", "numerical": "NUMERICAL"}[
        part["kind"]
    ]
    if part["kind"] == "shortanswer" and part.get("case_sensitive"):
        kind = "SHORTANSWER_C"
    answers = []
    for a in part["answers"]:
        value = _cloze_escape(a["text"])
        if part["kind"] == "numerical" and a.get("tolerance"):
            value += f":{a['tolerance']}"
        feedback = f"#{_cloze_escape(a['feedback_html'])}" if a.get("feedback_html") else ""
        answers.append(f"%{moodle_percent(Decimal(str(a['fraction'])))}%{value}{feedback}")
    return "{" + f"{part.get('weight', 1)}:{kind}:" + "~".join(answers) + "}"


def _cloze_escape(text: str) -> str:
    for ch in '\\}#~/"':
        text = text.replace(ch, "\\" + ch)
    return text


# ---------------------------------------------------------------- import


def _field(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "") if found is not None else ""


def _as_html(text: str, fmt: str) -> str:
    """Moodle's text formats as HTML: plain text is escaped, auto-format keeps line breaks."""
    if fmt in ("plain_text", "markdown"):
        escaped = html_lib.escape(text.strip())
        return "".join(
            f"<p>{p.replace(chr(10), '<br>')}</p>" for p in re.split(r"\n\s*\n", escaped) if p
        )
    if fmt == "moodle_auto_format" and not re.search(r"<(p|div|br|ul|ol|table)\b", text, re.I):
        return text.strip().replace("\n", "<br>")
    return text


def _rich(element: ET.Element, path: str, notes: list[str] | None = None) -> str:
    """A text field with its embedded files: Moodle writes images as ``@@PLUGINFILE@@/name``
    plus a base64 ``<file>`` next to the text; they become inline data: URLs. Other files
    (audio, documents) cannot be kept inline: they are listed as not modelled."""
    holder = element.find(path.rsplit("/", 1)[0]) if "/" in path else element
    text = _field(element, path)
    if holder is not None:
        text = _as_html(text, holder.get("format", "html"))
    if holder is None or "@@PLUGINFILE@@" not in text:
        return text
    for file in holder.findall("file"):
        name = file.get("name", "")
        mime = _IMAGE_TYPES.get(name.rsplit(".", 1)[-1].lower())
        if mime and file.get("encoding") == "base64":
            data = "".join((file.text or "").split())
            text = text.replace(f"@@PLUGINFILE@@/{name}", f"data:{mime};base64,{data}")
        elif notes is not None:
            notes.append(f"embedded file {name!r} (only images are kept inline)")
    return text


def _question_lines(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<question[\s>]", text)]


def parse(data: bytes, *, source: str = "") -> list[ItemRecord]:
    """Every question or ItemImportError listing every refused one (a trusted file)."""
    return read(data, source=source).strict()


def read(data: bytes, *, source: str = "") -> ParsedFile:
    text = data.decode("utf-8-sig", errors="replace")
    try:
        root = SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise ItemImportError(
            [Problem(exc.position[0], "-", f"not well-formed XML: {exc}", source)]
        ) from exc
    except Exception as exc:  # defusedxml refuses entities, DTDs and the like
        raise ItemImportError([Problem(0, "-", f"refused XML: {exc}", source)]) from exc
    if root.tag not in ("quiz", "question"):
        raise ItemImportError([Problem(1, "-", "the root element must be <quiz>", source)])
    # A lone <question> (as qtype plugins keep their import fixtures) is a one-question file.
    questions = [root] if root.tag == "question" else root.findall("question")
    lines = _question_lines(text)
    parsed = ParsedFile()
    category = ""
    number = 0
    for index, question in enumerate(questions):
        line = lines[index] if index < len(lines) else 0
        qtype = question.get("type", "")
        if qtype == "category":
            category = "/".join(
                n.replace("/", "//") for n in category_parse(_field(question, "category/text"))
            )
            continue
        number += 1
        title = " ".join(_field(question, "name/text").split()) or f"question {number}"
        try:
            record = _question(question, qtype)
        except ValueError as exc:
            parsed.skipped.append(Problem(line, title, str(exc), source))
            continue
        record.line, record.source, record.title = line, source, title
        record.source_category = category
        problems = record.apply_tags([t.text or "" for t in question.findall("tags/tag/text")])
        if problems:
            parsed.skipped.append(Problem(line, title, "; ".join(problems), source))
            continue
        parsed.records.append(record)
    return parsed


def _languages(html: str) -> dict[str, str]:
    return {(lang or "en"): value for lang, value in multilang_split(html).items()}


def _grade(raw: str) -> Decimal:
    """A Moodle percentage as a fraction from Moodle's grade set (else the question is refused)."""
    value = decimal_or_none(raw) or Decimal(0)
    fraction = moodle_fraction(value / 100)
    if fraction is None:
        raise ValueError(f"grade {raw}% is not one of Moodle's grades (e.g. 33.33333 for 1/3)")
    return fraction


def _mark(raw: str) -> Decimal:
    value = decimal_or_none(raw)
    return Decimal(1) if value is None else value


def _name_kept(question: ET.Element, stems: dict[str, str]) -> str:
    name = " ".join(_field(question, "name/text").split())
    first = stems.get("en") or next(iter(stems.values()), "")
    return "" if name == default_name(first) else name


def _bool(raw: str, default: bool = False) -> bool:
    raw = raw.strip().lower()
    return default if not raw else raw in ("1", "true", "yes")


def _question(question: ET.Element, qtype: str) -> ItemRecord:
    notes: list[str] = []
    unknown = sorted({c.tag for c in question} - _KNOWN)
    notes.extend(f"<{tag}>" for tag in unknown)
    stem = _rich(question, "questiontext/text", notes)
    image = _field(question, "image").strip()
    if image:  # Moodle 1.9's separate image field, with its data in <image_base64>
        mime = _IMAGE_TYPES.get(image.rsplit(".", 1)[-1].lower(), "image/png")
        payload = "".join(_field(question, "image_base64").split())
        src = f"data:{mime};base64,{payload}" if payload else image
        stem += f'<p><img src="{src}" alt="{html_lib.escape(image)}"></p>'
    stems = _languages(stem)
    general = _languages(_rich(question, "generalfeedback/text", notes))
    translations = {lang: Translation(s, general.get(lang, "")) for lang, s in stems.items()}
    type_data: dict = {}
    hints = [_rich(h, "text", notes) for h in question.findall("hint")]
    if any(hints):
        type_data["hints"] = hints
    combined = {tag: _rich(question, f"{tag}/text", notes) for tag in _COMBINED}
    if any(combined.values()):
        type_data["combined_feedback"] = {k: v for k, v in combined.items() if v}
    if _bool(_field(question, "hidden")):
        notes.append("hidden in Moodle")
    answers = question.findall("answer")
    options: list[tuple[str, Decimal]] = []
    numeric_answer = numeric_tolerance = None
    if qtype in ("multichoice", "truefalse", "shortanswer"):
        if qtype == "truefalse":
            item_type = ItemType.TRUE_FALSE
        elif qtype == "shortanswer":
            item_type = ItemType.SHORT_ANSWER
            type_data["case_sensitive"] = _bool(_field(question, "usecase"))
        else:
            single = _bool(_field(question, "single"), default=True)
            item_type = ItemType.SINGLE_CHOICE if single else ItemType.MULTIPLE_RESPONSE
            numbering = _field(question, "answernumbering").strip()
            if numbering and numbering != "abc":
                type_data["answer_numbering"] = numbering
        for i, answer in enumerate(answers):
            if item_type == ItemType.TRUE_FALSE:
                key = _field(answer, "text").strip().lower()
                texts = {lang: key for lang in translations}
            else:
                key = option_key(i)
                raw = _field(answer, "text")
                answer_format = answer.get(
                    "format", "html" if qtype == "multichoice" else "plain_text"
                )
                if qtype == "shortanswer":
                    texts = {lang: html_lib.escape(raw.strip()) for lang in translations}
                else:
                    texts = _languages(
                        _rich(answer, "text", notes)
                        if answer_format != "plain_text"
                        else html_lib.escape(raw.strip())
                    )
            feedbacks = _languages(_rich(answer, "feedback/text", notes))
            options.append((key, _grade(answer.get("fraction", "0"))))
            for lang, translation in translations.items():
                translation.options[key] = OptionText(texts.get(lang, ""), feedbacks.get(lang, ""))
            for lang in set(texts) - set(translations):
                raise ValueError(f"an answer has text in {lang!r} but the question does not")
    elif qtype == "numerical":
        item_type = ItemType.NUMERIC
        parsed = []
        for answer in answers:
            value = _field(answer, "text").strip()
            fraction = _grade(answer.get("fraction", "0"))
            feedback = _rich(answer, "feedback/text", notes)
            if value == "*":  # Moodle's catch-all for any other number
                if feedback:
                    type_data["other_answer_feedback_html"] = feedback
                continue
            number = decimal_or_none(value)
            tolerance = decimal_or_none(_field(answer, "tolerance")) or Decimal(0)
            if number is None:
                raise ValueError(f"numerical answer {value!r} is not a number")
            parsed.append((number, tolerance, fraction, feedback))
        numeric_answer, numeric_tolerance = numeric_answers_store(parsed, type_data)
        units = [
            {
                "unit": _field(u, "unit_name").strip(),
                "multiplier": _field(u, "multiplier").strip() or "1",
            }
            for u in question.findall("units/unit")
        ]
        type_data["units"] = [u for u in units if u["unit"]]
    elif qtype == "ordering":
        item_type = ItemType.ORDERING
        for i, answer in enumerate(answers):
            key = option_key(i)
            texts = _languages(_rich(answer, "text", notes))
            options.append((key, Decimal(0)))
            for lang, translation in translations.items():
                translation.options[key] = OptionText(texts.get(lang, ""))
        # Moodle writes the items in the right order; the candidate sees them shuffled.
        type_data["order"] = [key for key, _ in options]
        display = {t: _field(question, t).strip() for t in _ORDERING_DISPLAY}
        display = {t: v for t, v in display.items() if v and v != ORDERING_DEFAULTS[t]}
        if display:
            type_data["moodle_ordering"] = display
        type_data["grading"] = _ordering_grading(question, len(options))
    elif qtype == "essay":
        item_type = ItemType.ESSAY
        type_data.update(
            response_format=_field(question, "responseformat").strip() or "editor",
            lines=int(decimal_or_none(_field(question, "responsefieldlines")) or 15),
            grader_info_html=_rich(question, "graderinfo/text", notes),
            response_template_html=_rich(question, "responsetemplate/text", notes),
        )
        # Stored only when a response is optional (the default is required): a stored None
        # would be written back as an optional response.
        if not _bool(_field(question, "responserequired"), True):
            type_data["response_required"] = False
        if (decimal_or_none(_field(question, "attachments")) or 0) != 0:
            notes.append("file attachments to the essay")
    elif qtype == "description":
        item_type = ItemType.DESCRIPTION
    elif qtype == "matching":
        item_type = ItemType.MATCHING
        type_data["pairs"] = [
            {
                "question_html": _rich(sub, "text", notes),
                "answer": _field(sub, "answer/text").strip(),
            }
            for sub in question.findall("subquestion")
        ]
    elif qtype == "cloze":
        item_type = ItemType.CLOZE
        for translation in translations.values():
            translation.stem_html, parts = cloze_parse(translation.stem_html)
            type_data["parts"] = parts
    elif qtype in GAP_QTYPES:
        item_type = ItemType.CLOZE
        choices = [
            (_field(c, "text").strip(), _field(c, "group").strip() or "1",
             qtype == "gapselect" or c.find("infinite") is not None)
            for c in question.findall(GAP_QTYPES[qtype])
        ]  # fmt: skip
        stems, parts, gap_notes = gaps_parse(
            {lang: t.stem_html for lang, t in translations.items()}, choices
        )
        for lang, translation in translations.items():
            translation.stem_html = stems[lang]
        type_data["parts"] = parts
        type_data["moodle_gaps"] = qtype
        notes.extend(gap_notes)
        if qtype == "ddwtos":
            notes.append("dragging the words (each gap is a select of its group's words)")
    else:
        raise ValueError(
            f"question type {qtype!r} is not supported (multichoice, truefalse, shortanswer, "
            "numerical, essay, matching, ordering, description, cloze, gapselect, ddwtos)"
        )
    if notes:
        type_data["not_modelled"] = sorted(set(notes))
    record = ItemRecord(
        status="draft",
        content=ItemContent(
            item_type=item_type,
            translations=translations,
            options=options,
            numeric_answer=numeric_answer,
            numeric_tolerance=numeric_tolerance,
            name=_name_kept(question, {k: t.stem_html for k, t in translations.items()}),
            default_mark=_mark(_field(question, "defaultgrade")),
            penalty=decimal_or_none(_field(question, "penalty")),
            shuffle_options=_bool(_field(question, "shuffleanswers"), default=True),
            type_data=type_data,
        ),
    )
    record.id_set(_field(question, "idnumber"))
    return record


def _ordering_grading(question: ET.Element, items: int) -> str:
    """Our grading for a qtype_ordering question, read with the defaults Moodle's
    import_from_xml uses (no gradingtype: relative to the next item, last excluded; no
    selecttype: a random subset of 6)."""
    # The old names of selecttype/selectcount were logical/studentsee.
    old = question.find("selecttype") is None
    return ordering_grading(
        grading=_field(question, "gradingtype"),
        select=_field(question, "logical" if old else "selecttype") or "RANDOM",
        count=_field(question, "studentsee" if old else "selectcount") or "6",
        items=items,
    )


def ordering_grading(*, grading: str, select: str, count: str, items: int) -> str:
    """qtype_ordering's settings (as its set_options_for_import reads them, XML or GIFT) as our
    ordering grading; ValueError where our scorer cannot score the question as Moodle does: a
    grading it has not, or each candidate shown only a subset of the items."""
    raw = grading.strip().upper()
    ours = ORDERING_GRADINGS.get(raw, "relative_next_exclude_last")
    if ours is None:
        raise ValueError(
            f"ordering graded {raw} is not supported (Kaushal scores all or nothing, absolute "
            "position, relative to the next item, or the longest ordered/contiguous subset)"
        )
    select = select.strip().upper()
    number = decimal_or_none(count.strip())
    shown = max(int(number or 0), 2)  # Moodle's MIN_SUBSET_ITEMS
    if select not in ("ALL", "EXACT") and shown < items:
        shown_as = "CONTIGUOUS" if select in ("CONTIGUOUS", "CONTIG") else "RANDOM"
        raise ValueError(
            f"ordering shows each candidate {shown} of its {items} items ({shown_as} subset); "
            "Kaushal orders all the items"
        )
    return ours


def gaps_parse(
    stems: dict[str, str], choices: list[tuple[str, str, bool]]
) -> tuple[dict[str, str], list[dict], list[str]]:
    """Moodle's gapselect/ddwtos: ``stems`` (language -> text with [[n]], n naming the right
    choice of that place) and ``choices`` (text, group, reusable: ddwtos "infinite"; gapselect
    choices are always reusable) -> the stems with ``{#k}``, one cloze part per place (its
    group's choices, the named one worth 100 %; a choice that is not reusable fills one gap
    only) and notes. Each place is scored on its own, as Moodle's ``grade_response`` (right
    places / places). ValueError where our selects could not show or score it as Moodle does."""
    notes: list[str] = []
    for number, (text, _group, _reusable) in enumerate(choices, start=1):
        if not text:
            raise ValueError(f"choice {number} is empty")
        if re.search(r"<[a-zA-Z/!]", text):
            raise ValueError(
                f"choice {number} ({text!r}) is formatted (HTML): a select shows plain text only"
            )
    groups: dict[str, list[int]] = {}
    for index, (text, group, _reusable) in enumerate(choices):
        same = [i for i in groups.get(group, []) if choices[i][0] == text]
        if same:
            raise ValueError(
                f"choices {same[0] + 1} and {index + 1} of group {group} both read {text!r}: "
                "Kaushal tells a gap's choices apart by their text"
            )
        groups.setdefault(group, []).append(index)
    places: list[int] | None = None
    out: dict[str, str] = {}
    for lang, stem in stems.items():
        numbers = [int(n) for n in _GAP_PLACE.findall(stem)]
        if places is not None and numbers != places:
            raise ValueError(f"the {lang!r} text has other gaps than the first language's")
        places = numbers
        pieces = _GAP_PLACE.split(stem)  # text, number, text, ..., text
        out[lang] = "".join(
            piece if k % 2 == 0 else f"{{#{k // 2 + 1}}}" for k, piece in enumerate(pieces)
        )
    if not places:
        raise ValueError("the question text has no gap ([[1]], [[2]], ...)")
    for number in places:
        if not 1 <= number <= len(choices):
            raise ValueError(f"gap [[{number}]] names no choice (there are {len(choices)})")
        if places.count(number) > 1 and not choices[number - 1][2]:
            raise ValueError(
                f"choice {number} is the answer of {places.count(number)} gaps but may fill "
                "one only (it is not marked unlimited)"
            )
    parts = []
    for number in places:
        group = choices[number - 1][1]
        answers = []
        for index in groups[group]:
            text, _group, reusable = choices[index]
            right = "1" if index == number - 1 else "0"
            answer: dict[str, object] = {
                "text": text, "fraction": right, "feedback_html": "", "tolerance": "0",
            }  # fmt: skip
            if not reusable:
                answer["max_uses"] = 1
            answers.append(answer)
        parts.append({"kind": "multichoice", "weight": 1, "answers": answers,
                      "case_sensitive": False, "group": _group_number(group)})  # fmt: skip
    used = {choices[n - 1][1] for n in places}
    notes.extend(f"choices of group {g}, which no gap uses" for g in groups if g not in used)
    return out, parts, notes


def _group_number(group: str) -> int:
    number = decimal_or_none(group)
    if number is None or number != int(number) or number < 1:
        raise ValueError(f"choice group {group!r} is not a whole number from 1")
    return int(number)


def gap_choices(parts: list[dict]) -> tuple[list[tuple[str, int, bool]], list[int]] | None:
    """The other way: a cloze item's parts as Moodle's choices (text, group, reusable) and each
    part's choice number, or None when the parts are not gaps of choice groups (a part without a
    group, with partial or negative marks, feedback, another weight, or a group whose gaps list
    other choices)."""
    by_group: dict[int, list[dict]] = {}
    for part in parts:
        group = part.get("group")
        answers = part.get("answers", [])
        if (
            part.get("kind") != "multichoice" or group is None or int(part.get("weight", 1)) != 1
            or any(a.get("feedback_html") for a in answers)
            or sorted(Decimal(str(a["fraction"])) for a in answers)
            != [Decimal(0)] * (len(answers) - 1) + [Decimal(1)]
        ):  # fmt: skip
            return None
        listed = by_group.setdefault(int(group), answers)
        if [(a["text"], a.get("max_uses")) for a in listed] != [
            (a["text"], a.get("max_uses")) for a in answers
        ]:
            return None
    choices: list[tuple[str, int, bool]] = []
    first: dict[int, int] = {}
    for group in sorted(by_group):
        first[group] = len(choices)
        choices += [(a["text"], group, not a.get("max_uses")) for a in by_group[group]]
    numbers = [
        first[int(p["group"])]
        + next(i for i, a in enumerate(p["answers"]) if Decimal(str(a["fraction"])) == 1)
        + 1
        for p in parts
    ]
    return choices, numbers


_CLOZE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
_CLOZE_KINDS = {
    "MULTICHOICE": "multichoice", "MC": "multichoice", "MULTICHOICE_V": "multichoice",
    "MCV": "multichoice", "MULTICHOICE_H": "multichoice", "MCH": "multichoice",
    "MULTICHOICE_S": "multichoice", "MCS": "multichoice", "MULTICHOICE_VS": "multichoice",
    "MCVS": "multichoice", "MULTICHOICE_HS": "multichoice", "MCHS": "multichoice",
    "SHORTANSWER": "shortanswer", "SA": "shortanswer", "MW": "shortanswer",
    "SHORTANSWER_C": "shortanswer", "SAC": "shortanswer", "MWC": "shortanswer",
    "NUMERICAL": "numerical", "NM": "numerical",
}  # fmt: skip


def _cloze_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def cloze_parse(text: str) -> tuple[str, list[dict]]:
    """Moodle's embedded answers ``{1:MULTICHOICE:=a#ok~b#no}`` -> a stem with ``{#n}`` and the
    parts. A part Moodle cannot grade either (no full-mark answer, a grade outside its set, an
    unknown kind) refuses the whole question, naming the part."""
    parts: list[dict] = []

    def replace(match: re.Match) -> str:
        number = len(parts) + 1
        weight, kind_code, body = match.group(1) or "1", match.group(2), match.group(3)
        kind = _CLOZE_KINDS.get(kind_code)
        if kind is None:
            raise ValueError(f"cloze part {number}: {kind_code} sub-questions are not supported")
        answers = []
        for raw in re.split(r"(?<!\\)~", body):
            raw = raw.strip()
            if not raw:
                continue
            if raw.startswith("="):
                fraction, raw = Decimal(1), raw[1:]
            elif m := re.match(r"%(-?[\d.]+)%", raw):
                fraction = moodle_fraction(Decimal(m.group(1)) / 100)
                if fraction is None:
                    raise ValueError(
                        f"cloze part {number}: grade {m.group(1)}% is not one of Moodle's grades"
                    )
                raw = raw[m.end() :]
            else:
                fraction = Decimal(0)
            pieces = re.split(r"(?<!\\)#", raw, maxsplit=1)
            value, feedback = pieces[0], pieces[1] if len(pieces) > 1 else ""
            tolerance = "0"
            if kind == "numerical" and ":" in value:
                value, tolerance = value.split(":", 1)
            written = format(fraction.normalize(), "f")
            answers.append({"text": _cloze_unescape(value).strip(), "fraction": written,
                            "feedback_html": _cloze_unescape(feedback).strip(),
                            "tolerance": tolerance.strip()})  # fmt: skip
        if not any(Decimal(a["fraction"]) == 1 for a in answers):
            raise ValueError(f"cloze part {number} has no answer worth 100%")
        if kind == "multichoice" and len(answers) < 2:
            raise ValueError(f"cloze part {number}: a multiple-choice part needs two choices")
        if kind == "numerical":
            for a in answers:
                try:
                    ok = a["text"] == "*" or decimal_or_none(a["text"]) is not None
                    decimal_or_none(a["tolerance"])
                except ValueError:
                    ok = False
                if not ok:
                    raise ValueError(
                        f"cloze part {number}: numerical answer {a['text']!r} is not a number"
                    )
        parts.append({"kind": kind, "weight": int(weight), "answers": answers,
                      "case_sensitive": kind_code in ("SHORTANSWER_C", "SAC", "MWC")})  # fmt: skip
        return f"{{#{number}}}"

    stem = _CLOZE.sub(replace, text)
    if not parts:
        raise ValueError("a cloze question with no embedded sub-question")
    return stem, parts
