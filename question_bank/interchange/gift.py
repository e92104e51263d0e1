"""GIFT (Moodle's plain-text format), read as Moodle 4.x's own parser reads it.

Grammar (Moodle ``question/format/gift/format.php``): questions are separated by blank lines
(here also a new ``::title::`` line, or a line that starts another question with its own answer
block, after a complete question); whole-line ``//`` comments are
dropped, except ``// [id:...]`` and ``// [tag:...]`` which Moodle 4 writes for idnumber and tags;
``$CATEGORY: path`` switches category at any depth; ``::title::``; a ``[html]``, ``[moodle]``,
``[plain]`` or ``[markdown]`` prefix sets the text format; the answer block is the first ``{``
to the first ``}`` (text after it: "missing word", the stem gets ``_____``); ``####`` starts the
general feedback. Type: no block = description, ``{}`` = essay, ``{#...}`` = numerical (``=a:tol``,
``=low..high``, ``%n%`` weights, ``~`` wrong-answer feedback), any ``~`` = multiple choice
(single when an ``=`` is present), ``=`` with ``->`` = matching, ``T/F/TRUE/FALSE``
(``#wrong#right`` feedback) = true/false, ``{>n ...}`` = qtype_ordering's ordering (settings,
then one item per line), else short answer. ``%n%`` weights must be in Moodle's
grade set.
Escapes: ``\\~ \\= \\# \\{ \\} \\:``, ``\\n`` and ``\\\\`` (one backslash); other backslashes are
literal. UTF-8 with or
without BOM; other encodings are refused, naming the problem.

Kaushal's own files use ``$CATEGORY: $course$/top/QP/NOS/PC`` and ``[html]`` text with Hindi and
English in multilang markup.
"""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

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
from .moodle_fractions import moodle_fraction
from .moodle_xml import ordering_grading

EXTENSION = "gift.txt"
_SPECIAL = "~=#{}:"
# Escaped specials become private-use placeholders while the structure is parsed (as Moodle's
# escapedchar_pre does), and their characters again in the texts.
_PLACEHOLDER = {ch: chr(0xE000 + i) for i, ch in enumerate(_SPECIAL + "n\\")}
_BACK = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
_WEIGHT = re.compile(r"^%(-*)(\d{1,2}\.?\d*|100)%")


def _tokens(*words: str) -> str:
    # A setting is a whole word: "H" must not be read off the first item "Hello".
    return "(?:" + "|".join(words) + r")(?=\s|$)"


# qtype_ordering's GIFT form (its import_from_gift): {>count [select] [layout] [grading] [show]
# [numbering] then one item per line, in the right order}.
_ORDERING = re.compile(
    r"^\s*>\s*(\d+)\s*"
    + "".join(
        f"({t})?\\s*"
        for t in (
            _tokens("ALL", "EXACT", "RANDOM", "REL", "CONTIGUOUS", "CONTIG"),
            _tokens("HORIZONTAL", "HORI", "H", "1", "VERTICAL", "VERT", "V", "0"),
            _tokens(
                "ALL_OR_NOTHING",
                "ABSOLUTE_POSITION",
                "ABSOLUTE",
                "ABS",
                "RELATIVE_NEXT_EXCLUDE_LAST",
                "RELATIVE_NEXT_INCLUDE_LAST",
                "RELATIVE_ONE_PREVIOUS_AND_NEXT",
                "RELATIVE_ALL_PREVIOUS_AND_NEXT",
                "RELATIVE_TO_CORRECT",
                "LONGEST_ORDERED_SUBSET",
                "LONGEST_CONTIGUOUS_SUBSET",
                "RELATIVE",
                "REL",
            ),  # fmt: skip
            _tokens("SHOW", "TRUE", "YES", "1", "HIDE", "FALSE", "NO", "0"),
            _tokens("none", "123", "abc", "ABCD", "iii", "IIII"),
        )
    )
    + r"(.*?)\s*$",
    re.S,
)


def escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in _SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r", "").replace("\n", "\\n")


def _protect(text: str) -> str:
    # Left to right, as Moodle's escapedchar_pre: "\\\\" is one backslash, then "\\~" etc.
    return re.sub(r"\\([~=#{}:n\\])", lambda m: _PLACEHOLDER[m.group(1)], text)


def _restore(text: str) -> str:
    return "".join(_BACK.get(ch, ch) for ch in text)


def unescape(text: str) -> str:
    return _restore(_protect(text))


def _field(texts: dict[str, str]) -> str:
    # In [html] text a backslash is written as its entity: GIFT has no escape for a backslash
    # before a special character or an "n".
    return escape(multilang_join(texts).replace("\\", "&#92;"))


# ---------------------------------------------------------------- export


def render(records: list[ItemRecord], *, qualification_pack_code: str) -> bytes:
    out: list[str] = [f"// Kaushal item bank export: {qualification_pack_code}", ""]
    category = None
    for record in records:
        if record.nos_code and record.pc_ref:
            path = category_path(qualification_pack_code, record.nos_code, record.pc_ref)
        else:
            path = "$course$/top/" + (record.source_category or "Imported")
        if path != category:
            out += [f"$CATEGORY: {path}", ""]
            category = path
        content, langs = record.content, record.content.translations
        ident = record.source_id or record.uid
        meta = (f"[id:{ident}] " if ident else "") + " ".join(f"[tag:{t}]" for t in record.tags())
        out.append(f"// {meta.strip()}")
        stem = _field({k: t.stem_html for k, t in langs.items()})
        general = _field({k: t.general_feedback_html for k, t in langs.items()})
        # No name, no title: an id written as the title would read back as the name.
        title = escape(content.name)
        head = (f"::{title}::" if title else "") + f"[html]{stem}"
        writer = item_type_spec(content.item_type).export_writer("gift")
        if writer is None:
            # GIFT has no such question: said in the file, never turned into another type.
            out[-1] += f" [{not_exportable(content.item_type, 'gift')}]"
            out.append("")
            continue
        body = writer(record)
        if body is None:
            out += [head, ""]
            continue
        if general:
            body = body.rstrip("\n") + f"\n\t####{general}"
        out += [head + "{" + body + "}", ""]
    return "\n".join(out).encode("utf-8")


# ---------------------------------------------------------------- import


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ItemImportError([Problem(0, "-", "the file is UTF-16; save it as UTF-8", source)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ItemImportError(
            [Problem(line, "-", f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at line "
                     f"{line}); save it as UTF-8 (Windows-1252 and Latin-1 are not read)", source)]
        ) from exc  # fmt: skip


def _blocks(text: str):
    """Yield (first line, comment lines, block lines) per question or $CATEGORY. Moodle splits
    a file at blank lines; a blank-line chunk is split again where a ``$CATEGORY:`` line comes,
    or where a question's answer block is complete and the next line starts a ``::title::`` or
    a question of its own (an answer block follows before the next blank line), so that
    questions written without blank lines between them stay separate questions."""
    chunk: list[tuple[int, str]] = []
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        if raw.strip():
            chunk.append((number, raw))
        elif chunk:
            yield from _chunk_split(chunk)
            chunk = []


def _chunk_split(chunk: list[tuple[int, str]]):
    def complete(lines: list[str]) -> bool:
        joined = _protect("\n".join(lines))
        return "{" in joined and joined.count("{") == joined.count("}")

    # brace_ahead[i]: an answer block opens on line i of the chunk or after it.
    brace_ahead = [False] * (len(chunk) + 1)
    for i in range(len(chunk) - 1, -1, -1):
        raw = chunk[i][1]
        opens = not raw.strip().startswith("//") and "{" in _protect(raw)
        brace_ahead[i] = opens or brace_ahead[i + 1]
    comments: list[str] = []
    between: list[str] = []  # comments inside a question: the next one's, if it starts there
    block: list[str] = []
    start = 0
    for i, (number, raw) in enumerate(chunk):
        stripped = raw.strip()
        if stripped.startswith("//"):
            (between if block else comments).append(stripped[2:].strip())
            continue
        if block and (
            stripped.startswith("$CATEGORY:")
            or (complete(block) and (stripped.startswith("::") or brace_ahead[i]))
        ):
            yield start, comments, block
            block, comments = [], between
        between = []
        if not block:
            start = number
        block.append(raw)
        if stripped.startswith("$CATEGORY:"):
            yield start, comments, block
            block, comments = [], []
    if block:
        yield start, comments, block


def parse(data: bytes, *, source: str = "") -> list[ItemRecord]:
    return read(data, source=source).strict()


def read(data: bytes, *, source: str = "") -> ParsedFile:
    text = _decode(data, source)
    parsed = ParsedFile()
    category = ""
    for line, comments, block in _blocks(text):
        body = "\n".join(block).strip()
        if body.startswith("$CATEGORY:"):
            category = "/".join(n.replace("/", "//") for n in category_parse(body[10:].strip()))
            continue
        meta = " ".join(comments)
        id_match = re.search(r"\[id:([^\]]+)\]", meta)
        title = _title(body) or f"question at line {line}"
        try:
            record = _question(body)
        except ValueError as exc:
            parsed.skipped.append(Problem(line, title, str(exc), source))
            continue
        record.line, record.source, record.title = line, source, title
        record.source_category = category
        if id_match:
            record.id_set(id_match.group(1))
            if record.content.name == record.uid:
                record.content.name = ""  # our older exports wrote the id as the title
        problems = record.apply_tags(re.findall(r"\[tag:([^\]]+)\]", meta))
        if problems:
            parsed.skipped.append(Problem(line, title, "; ".join(problems), source))
            continue
        parsed.records.append(record)
    return parsed


def _title(body: str) -> str:
    protected = _protect(body)
    if protected.startswith("::"):
        end = protected.find("::", 2)
        if end > 0:
            return " ".join(_restore(protected[2:end]).split())
    return ""


def _formatted(raw: str, default: str = "moodle") -> tuple[str, str]:
    """(html, format) of a protected text with an optional [format] prefix."""
    raw = raw.strip()
    fmt = default
    m = re.match(r"^\[(html|moodle|plain|markdown)\]", raw)
    if m:
        fmt, raw = m.group(1), raw[m.end() :]
    text = _restore(raw).strip()
    if fmt in ("plain", "markdown"):
        text = html_lib.escape(text).replace("\n", "<br>")
    elif fmt == "moodle" and not re.search(r"<(p|div|br|ul|ol|table)\b", text, re.I):
        text = text.replace("\n", "<br>")
    return text, fmt


def _langs(html: str) -> dict[str, str]:
    return {(lang or "en"): value for lang, value in multilang_split(html).items()}


def _weight(answer: str, default: Decimal) -> tuple[Decimal, str]:
    m = _WEIGHT.match(answer)
    if not m:
        return default, answer
    value = Decimal(m.group(2)) / 100 * (-1 if m.group(1) else 1)
    fraction = moodle_fraction(value)
    if fraction is None:
        raise ValueError(f"weight %{m.group(1)}{m.group(2)}% is not one of Moodle's grades")
    return fraction, answer[m.end() :]


def _split(text: str, sep: str) -> list[str]:
    return text.split(sep)


def _comment(answer: str, fmt: str) -> tuple[str, str]:
    """(answer text, feedback html): the first ``#`` starts the feedback."""
    text, _, feedback = answer.partition("#")
    return text.strip(), _formatted(feedback, fmt)[0] if feedback.strip() else ""


def _question(body: str) -> ItemRecord:
    text = _protect(body)
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end >= 0:
            name, text = " ".join(_restore(text[2:end]).split()), text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    if (start < 0) != (finish < 0) or finish < start:
        raise ValueError("unbalanced { } (escape a literal brace as \\{ or \\})")
    type_data: dict = {}
    if start < 0:
        stem_raw, answer_text, kind = text, "", "description"
    else:
        answer_text = text[start + 1 : finish].strip()
        after = text[finish + 1 :]
        # Missing word: the blank stands where the answers were.
        stem_raw = text[:start] + ("_____" + after if after.strip() else "")
        kind = ""
    general = ""
    if "####" in answer_text:
        cut = answer_text.rfind("####")
        general, answer_text = answer_text[cut + 4 :], answer_text[:cut].strip()
    stem_html, fmt = _formatted(stem_raw)
    general_html = _formatted(general, fmt)[0] if general.strip() else ""
    ordering = _ORDERING.match(answer_text) if not kind else None
    if ordering:
        kind = "ordering"
    if not kind:
        if answer_text == "":
            kind = "essay"
        elif answer_text.startswith("#"):
            kind = "numerical"
        elif "~" in answer_text:
            kind = "multichoice"
        elif "=" in answer_text and "->" in answer_text:
            kind = "match"
        elif answer_text.partition("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
            kind = "truefalse"
        else:
            kind = "shortanswer"
    stems, generals = _langs(stem_html), _langs(general_html)
    translations = {lang: Translation(s, generals.get(lang, "")) for lang, s in stems.items()}
    options: list[tuple[str, Decimal]] = []
    numeric_answer = numeric_tolerance = None

    def add_option(key: str, fraction: Decimal, text_html: str, feedback_html: str) -> None:
        options.append((key, fraction))
        texts, feedbacks = _langs(text_html), _langs(feedback_html) if feedback_html else {}
        for lang, translation in translations.items():
            translation.options[key] = OptionText(texts.get(lang, ""), feedbacks.get(lang, ""))

    if kind == "description":
        item_type = ItemType.DESCRIPTION
    elif kind == "essay":
        item_type = ItemType.ESSAY
        type_data.update(response_format="editor", lines=15)
    elif kind == "multichoice":
        item_type = ItemType.SINGLE_CHOICE if "=" in answer_text else ItemType.MULTIPLE_RESPONSE
        answers = [a.strip() for a in answer_text.replace("=", "~=").split("~")]
        answers = [a for a in answers if a]
        if len(answers) < 2:
            raise ValueError("a multiple-choice question needs at least two answers")
        for index, answer in enumerate(answers):
            if answer.startswith("="):
                fraction, answer = Decimal(1), answer[1:]
            else:
                fraction, answer = _weight(answer, Decimal(0))
            value, feedback = _comment(answer, fmt)
            add_option(option_key(index), fraction, _formatted(value, fmt)[0], feedback)
    elif kind == "ordering" and ordering:
        item_type = ItemType.ORDERING
        count, select, layout, grading, show, numbering, rest = ordering.groups()
        items = [line.strip() for line in rest.splitlines() if line.strip()]
        if len(items) < 2:
            raise ValueError("an ordering question needs at least two items, one per line")
        for index, item in enumerate(items):
            add_option(option_key(index), Decimal(0), _formatted(item, "moodle")[0], "")
        # As import_from_gift: a count outside 2..items means min(6, items).
        shown = int(count) if 2 <= int(count) <= len(items) else min(6, len(items))
        type_data["order"] = [key for key, _ in options]
        type_data["grading"] = ordering_grading(
            grading=grading or "", select=select or "RANDOM", count=str(shown), items=len(items)
        )
        display = {
            "layouttype": "HORIZONTAL" if layout in ("HORIZONTAL", "HORI", "H", "1") else "",
            "showgrading": "HIDE" if show in ("HIDE", "FALSE", "NO", "0") else "",
            "numberingstyle": numbering if numbering and numbering != "none" else "",
        }
        if display := {k: v for k, v in display.items() if v}:
            type_data["moodle_ordering"] = display
    elif kind == "match":
        item_type = ItemType.MATCHING
        pairs = []
        for answer in [a.strip() for a in answer_text.split("=") if a.strip()]:
            if "->" not in answer:
                raise ValueError("every matching answer needs '->' (=question -> answer)")
            question, _, match = answer.partition("->")
            pairs.append(
                {"question_html": _formatted(question, fmt)[0], "answer": _restore(match).strip()}
            )
        if len(pairs) < 2:
            raise ValueError("a matching question needs at least two pairs")
        type_data["pairs"] = pairs
    elif kind == "truefalse":
        item_type = ItemType.TRUE_FALSE
        parts = answer_text.split("#")
        correct = "true" if parts[0].strip().startswith("T") else "false"
        wrong = "false" if correct == "true" else "true"
        fb_wrong = _formatted(parts[1], fmt)[0] if len(parts) > 1 and parts[1].strip() else ""
        fb_right = _formatted(parts[2], fmt)[0] if len(parts) > 2 and parts[2].strip() else ""
        options = [("true", Decimal(correct == "true")), ("false", Decimal(correct == "false"))]
        for lang, translation in translations.items():
            translation.options[correct] = OptionText(
                "", _langs(fb_right).get(lang, "") if fb_right else ""
            )
            translation.options[wrong] = OptionText(
                "", _langs(fb_wrong).get(lang, "") if fb_wrong else ""
            )
    elif kind == "shortanswer":
        item_type = ItemType.SHORT_ANSWER
        type_data["case_sensitive"] = False  # GIFT has no case rule; Moodle's default ignores case
        answers = [a.strip() for a in answer_text.split("=") if a.strip()]
        if not answers:
            raise ValueError("a short-answer question needs at least one answer")
        for index, answer in enumerate(answers):
            fraction, answer = _weight(answer, Decimal(1))
            value, feedback = _comment(answer, fmt)
            add_option(option_key(index), fraction, html_lib.escape(_restore(value)), feedback)
    else:
        item_type = ItemType.NUMERIC
        body_text = answer_text[1:]
        if "~" in body_text:
            body_text, wrong = body_text.split("~", 1)
            _, wrong_feedback = _comment(wrong, fmt)
            if wrong_feedback:
                type_data["other_answer_feedback_html"] = wrong_feedback
        answers = [a.strip() for a in body_text.split("=") if a.strip()]
        if not answers:
            raise ValueError("a numerical question needs an answer")
        parsed = []
        for answer in answers:
            fraction, answer = _weight(answer, Decimal(1))
            value, feedback = _comment(answer, fmt)
            value = _restore(value)
            if ".." in value:
                low, high = (decimal_or_none(v) for v in value.split("..", 1))
                if low is None or high is None or high < low:
                    raise ValueError(f"bad numeric range {value!r} (use low..high)")
                number, tolerance = (low + high) / 2, (high - low) / 2
            else:
                raw_number, _, raw_tolerance = value.partition(":")
                try:
                    number = decimal_or_none(raw_number)
                    tolerance = decimal_or_none(raw_tolerance) or Decimal(0)
                except ValueError as exc:
                    raise ValueError(f"bad numerical answer {value!r}: {exc}") from exc
                if number is None:
                    raise ValueError("a numerical answer is empty")
            parsed.append((number, tolerance, fraction, feedback))
        numeric_answer, numeric_tolerance = numeric_answers_store(parsed, type_data)
    if fmt == "markdown":
        type_data["not_modelled"] = ["markdown text kept as plain text"]
    return ItemRecord(
        status="draft",
        content=ItemContent(
            item_type=item_type,
            translations=translations,
            options=options,
            numeric_answer=numeric_answer,
            numeric_tolerance=numeric_tolerance,
            name=name,
            default_mark=Decimal(0) if item_type == ItemType.DESCRIPTION else Decimal(1),
            penalty=None,
            type_data=type_data,
        ),
    )
