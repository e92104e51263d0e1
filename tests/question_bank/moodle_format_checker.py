"""What Moodle 4.x's question/format/xml/format.php (and the qtype classes it hands each
question to) needs from a <question>, per qtype, written down from that code so that our export
can be checked without a Moodle: a question that fails here is one Moodle would skip or refuse.

``problems(xml)`` lists (question name, problem) for every question of a <quiz>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from question_bank.interchange.moodle_fractions import MOODLE_FRACTIONS

# format.php import_question(): the qtypes it reads itself; others go to a plugin's
# import_from_xml (qtype_ordering, qtype_gapselect, qtype_ddwtos here) or are refused.
QTYPES = {"multichoice", "truefalse", "shortanswer", "numerical", "description", "matching",
          "cloze", "essay", "ordering", "gapselect", "ddwtos"}  # fmt: skip
# qtype_gapselect / qtype_ddwtos import_from_xml: the element of each choice; the edit form
# offers choice groups 1 to 20 (gapselect) and 1 to 12 (ddwtos).
GAP_CHOICES = {"gapselect": ("selectoption", 20), "ddwtos": ("dragbox", 12)}
TEXT_FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown"}
NUMBERINGS = {"abc", "ABCD", "123", "iii", "IIII", "none"}
ESSAY_FORMATS = {"editor", "editorfilepicker", "plain", "monospaced", "noinline"}
ORDERING_FIELDS = {
    "layouttype": {"VERTICAL", "HORIZONTAL"},
    "selecttype": {"ALL", "RANDOM", "CONTIGUOUS"},
    "gradingtype": {"ALL_OR_NOTHING", "ABSOLUTE_POSITION", "RELATIVE_NEXT_EXCLUDE_LAST",
                    "RELATIVE_NEXT_INCLUDE_LAST", "RELATIVE_ONE_PREVIOUS_AND_NEXT",
                    "RELATIVE_ALL_PREVIOUS_AND_NEXT", "LONGEST_ORDERED_SUBSET",
                    "LONGEST_CONTIGUOUS_SUBSET", "RELATIVE_TO_CORRECT"},
    "numberingstyle": {"none", "abc", "ABCD", "123", "iii", "IIII"},
}  # fmt: skip
_CLOZE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")


def _number(raw: str | None) -> Decimal | None:
    try:
        return Decimal((raw or "").strip())
    except InvalidOperation:
        return None


def _in_grade_set(percent: Decimal) -> bool:
    # question_bank::fraction_options_full + match_grade_options(..., 'error'): within 1e-7.
    return any(abs(percent / 100 - f) <= Decimal("0.0000001") for f in MOODLE_FRACTIONS)


def _text(q: ET.Element, path: str) -> str | None:
    element = q.find(path)
    return None if element is None else element.text or ""


def _bool(raw: str | None) -> bool:
    return (raw or "").strip() in ("true", "false", "1", "0")


def problems(xml: bytes) -> list[tuple[str, str]]:
    root = ET.fromstring(xml)
    assert root.tag == "quiz", "format.php reads $xml['quiz']['#']['question']"
    found: list[tuple[str, str]] = []
    ids: dict[tuple[str, str], str] = {}
    category = ""
    for q in root.findall("question"):
        qtype = q.get("type", "")
        if qtype == "category":
            category = _text(q, "category/text") or ""
            if not category.startswith(("$course$", "$system$", "$module$", "$cat1$")):
                found.append((category, "a category path starts with a context such as $course$"))
            continue
        name = _text(q, "name/text") or ""
        for problem in _question(q, qtype, name):
            found.append((name, problem))
        idnumber = (_text(q, "idnumber") or "").strip()
        if idnumber:
            if len(idnumber) > 100:
                found.append((name, "idnumber longer than 100 characters"))
            if (category, idnumber) in ids:
                found.append((name, f"idnumber {idnumber!r} repeated in one category"))
            ids[(category, idnumber)] = name
    return found


def _question(q: ET.Element, qtype: str, name: str) -> list[str]:  # noqa: C901 - one per qtype
    out: list[str] = []
    if qtype not in QTYPES:
        return [f"unknown qtype {qtype!r}: Moodle skips it"]
    if not name.strip():
        out.append("no <name><text>")
    text = q.find("questiontext")
    if text is None or text.find("text") is None:
        out.append("no <questiontext><text>")
    elif text.get("format") not in TEXT_FORMATS:
        out.append(f"questiontext format {text.get('format')!r}")
    for tag in ("defaultgrade", "penalty"):  # optional (getpath with a default), else numbers
        raw = _text(q, tag)
        value = _number(raw)
        if raw is not None and value is None:
            out.append(f"<{tag}> is not a number")
        elif value is None:
            continue
        elif tag == "penalty" and not 0 <= value <= 1:
            out.append("penalty outside 0..1")
    if (_text(q, "hidden") or "0").strip() not in ("0", "1"):
        out.append("<hidden> is 0 or 1")
    if q.find("tags") is not None:
        for tag in q.findall("tags/tag"):
            if tag.find("text") is None:
                out.append("a <tag> without <text>")
    answers = q.findall("answer")
    fractions = []
    for answer in answers:
        raw = answer.get("fraction")
        value = _number(raw)
        if qtype == "ordering":
            continue
        if value is None:
            out.append(f"answer fraction {raw!r} is not a number")
        elif not _in_grade_set(value):
            out.append(f"answer fraction {raw} is not one of Moodle's grades")
        else:
            fractions.append(value)
        if answer.get("format") not in TEXT_FORMATS:
            out.append(f"answer format {answer.get('format')!r}")
        if answer.find("text") is None:
            out.append("an <answer> without <text>")
    if qtype == "multichoice":
        single = _text(q, "single")
        if not _bool(single):
            out.append("<single> is true or false")
        if not _bool(_text(q, "shuffleanswers")):
            out.append("<shuffleanswers> is true or false")
        if (_text(q, "answernumbering") or "abc") not in NUMBERINGS:
            out.append("answernumbering")
        if len(answers) < 2:
            out.append("a multichoice needs two answers")
        if (single or "").strip() in ("true", "1"):
            if max(fractions, default=0) != 100:
                out.append("One of the choices should be 100%")
        elif abs(sum(f for f in fractions if f > 0) - 100) > Decimal("0.0001"):
            out.append("The positive grades you have chosen do not add up to 100%")
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            if q.find(f"{tag}/text") is None:
                out.append(f"no <{tag}>")
    elif qtype == "truefalse":
        texts = sorted((_text(a, "text") or "").strip() for a in answers)
        if texts != ["false", "true"]:
            out.append("truefalse answers are 'true' and 'false'")
        if sorted(fractions) != [0, 100]:
            out.append("one of true/false is worth 100, the other 0")
    elif qtype == "shortanswer":
        if (_text(q, "usecase") or "").strip() not in ("0", "1"):
            out.append("<usecase> is 0 or 1")
        if 100 not in fractions:
            out.append("One of the answers should have a score of 100%")
        if any(not (_text(a, "text") or "").strip() for a in answers):
            out.append("an empty short answer")
    elif qtype == "numerical":
        if 100 not in fractions:
            out.append("One of the answers should have a score of 100%")
        for answer in answers:
            value = (_text(answer, "text") or "").strip()
            if value != "*" and _number(value) is None:
                out.append(f"numerical answer {value!r} is not a number")
            tolerance = _number(_text(answer, "tolerance") or "0")
            if tolerance is None or tolerance < 0:
                out.append("a tolerance is a number >= 0")
        units = q.findall("units/unit")
        if units and _number(_text(units[0], "multiplier")) != 1:
            out.append("the first unit has multiplier 1")
    elif qtype == "matching":
        subs = q.findall("subquestion")
        questions = [s for s in subs if (_text(s, "text") or "").strip()]
        if len(questions) < 2 or len(subs) < 3:
            out.append("You must provide at least 2 questions and 3 answers")
        if any(s.find("answer/text") is None for s in subs):
            out.append("a <subquestion> without <answer><text>")
        if any(s.get("format") not in TEXT_FORMATS for s in subs):
            out.append("subquestion format")
        if not _bool(_text(q, "shuffleanswers")):
            out.append("<shuffleanswers> is true or false")
    elif qtype == "essay":
        if (_text(q, "responseformat") or "editor") not in ESSAY_FORMATS:
            out.append("responseformat")
        if _number(_text(q, "responsefieldlines")) is None:
            out.append("responsefieldlines")
        if q.find("graderinfo/text") is None or q.find("responsetemplate/text") is None:
            out.append("graderinfo and responsetemplate")
    elif qtype == "cloze":
        body = _text(q, "questiontext/text") or ""
        parts = _CLOZE.findall(body)
        if not parts:
            out.append("a cloze question without sub-questions")
        for _, kind, answers_text in parts:
            choices = [a for a in re.split(r"(?<!\\)~", answers_text) if a.strip()]
            if kind.startswith(("MULTICHOICE", "MC")) and len(choices) < 2:
                out.append("a multichoice sub-question needs two choices")
            grades = []
            for choice in choices:
                if choice.startswith("="):
                    grades.append(Decimal(100))
                elif m := re.match(r"%(-?[\d.]+)%", choice):
                    grades.append(Decimal(m.group(1)))
            if 100 not in grades:
                out.append("a sub-question without a 100% answer")
            if any(not _in_grade_set(g) for g in grades):
                out.append("a sub-question grade outside Moodle's grades")
    elif qtype in GAP_CHOICES:
        element, groups = GAP_CHOICES[qtype]
        choices = q.findall(element)
        if answers:
            out.append(f"{qtype} has no <answer>: its choices are <{element}>")
        for number, choice in enumerate(choices, start=1):
            if not (_text(choice, "text") or "").strip():
                out.append(f"choice {number} is empty")
            group = (_text(choice, "group") or "").strip()
            if not (group.isdigit() and 1 <= int(group) <= groups):
                out.append(f"choice {number}: group {group!r} is not 1 to {groups}")
            infinite = choice.find("infinite")
            if qtype == "ddwtos" and infinite is not None and (infinite.text or "").strip():
                out.append("<infinite/> is empty (its presence is the flag)")
        places = [int(n) for n in re.findall(r"\[\[(\d+)\]\]", _text(q, "questiontext/text") or "")]
        if not places:
            out.append("errornoslots: the question text needs places like [[1]]")
        for number in places:
            if not 1 <= number <= len(choices):
                out.append(f"errormissingchoice: [[{number}]] names no choice")
        if not _bool(_text(q, "shuffleanswers")):
            out.append("<shuffleanswers> is true or false")
    elif qtype == "ordering":
        for tag, allowed in ORDERING_FIELDS.items():
            if (_text(q, tag) or "").strip() not in allowed:
                out.append(f"qtype_ordering <{tag}>")
        if _number(_text(q, "selectcount")) is None:
            out.append("qtype_ordering <selectcount>")
        if len(answers) < 2:
            out.append("an ordering question needs two items")
    return out
