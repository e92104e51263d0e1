"""GIFT (Moodle's plain-text format): multiple choice, multiple response, true/false, numerical.

Tags travel the Moodle 4 way: ``$CATEGORY: $course$/top/QP/NOS/PC`` (with "//" for a "/" in a
name) and a comment line ``// [id:<uid>] [tag:KU1] [tag:kaushal-status:approved]`` before the
question. Text is ``[html]``; English and Hindi share a field through multilang markup, as in
Moodle XML. Special characters ``~ = # { } :`` and newlines are backslash-escaped.
True/false feedback is ``{TRUE#feedback if wrong#feedback if right}`` as Moodle reads it.
"""

from __future__ import annotations

import re
from decimal import Decimal

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

EXTENSION = "gift.txt"
_SPECIAL = "~=#{}:"


def escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in _SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r", "").replace("\n", "\\n")


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _percent(fraction: Decimal) -> str:
    return format((Decimal(fraction) * 100).quantize(Decimal("0.00001")).normalize(), "f")


def _field(texts: dict[str, str]) -> str:
    return escape(multilang_join(texts))


def render(records: list[ItemRecord], *, qualification_pack_code: str) -> bytes:
    out: list[str] = [f"// Kaushal item bank export: {qualification_pack_code}", ""]
    category = None
    for record in records:
        path = category_path(qualification_pack_code, record.nos_code, record.pc_ref)
        if path != category:
            out += [f"$CATEGORY: {path}", ""]
            category = path
        content, langs = record.content, record.content.translations
        meta = f"[id:{record.uid}] " + " ".join(f"[tag:{t}]" for t in record.tags())
        out.append(f"// {meta.strip()}")
        stem = _field({k: t.stem_html for k, t in langs.items()})
        general = _field({k: t.general_feedback_html for k, t in langs.items()})
        head = f"::{escape(record.uid)}::[html]{stem}" + "{"
        if content.item_type == ItemType.NUMERIC:
            answer = format(content.numeric_answer, "f")
            answers = [f"#{answer}:{format(content.numeric_tolerance or 0, 'f')}"]
        elif content.item_type == ItemType.TRUE_FALSE:
            correct = content.correct_keys[0]
            wrong = "false" if correct == "true" else "true"
            fb_right = _field({k: t.options[correct].feedback_html for k, t in langs.items()})
            fb_wrong = _field({k: t.options[wrong].feedback_html for k, t in langs.items()})
            answers = [f"{correct.upper()}#{fb_wrong}#{fb_right}"]
        else:
            answers = []
            for key, fraction in content.options:
                text = _field({k: t.options[key].html for k, t in langs.items()})
                feedback = _field({k: t.options[key].feedback_html for k, t in langs.items()})
                # An explicit weight keeps a text that starts with "%" from reading as one.
                plain = not text.startswith("%")
                if content.item_type == ItemType.SINGLE_CHOICE and fraction == 1:
                    prefix = "=" if plain else "=%100%"
                elif fraction == 0 and content.item_type == ItemType.SINGLE_CHOICE and plain:
                    prefix = "~"
                else:
                    prefix = f"~%{_percent(fraction)}%"
                answers.append(f"\t{prefix}{text}" + (f"#{feedback}" if feedback else ""))
        if general:
            answers.append(f"\t####{general}")
        if content.item_type in (ItemType.NUMERIC, ItemType.TRUE_FALSE):
            out.append(head + answers[0] + ("\n" + answers[1] if len(answers) > 1 else "") + "}")
        else:
            out.append(head + "\n" + "\n".join(answers) + "\n}")
        out.append("")
    return "\n".join(out).encode("utf-8")


def _unescaped_index(text: str, chars: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            return i
        i += 1
    return -1


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if text.startswith(sep, i):
            parts.append("".join(current))
            current = []
            i += len(sep)
            continue
        current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def _html(raw: str) -> dict[str, str]:
    text = unescape(raw.strip())
    text = re.sub(r"^\[(html|moodle|plain|markdown)\]", "", text).strip()
    return {(lang or "en"): value for lang, value in multilang_split(text).items()}


def _blocks(text: str):
    """Yield (line, metadata comments, category or None, block text) for each question."""
    comments: list[str] = []
    block: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if not block:
            if not stripped:
                continue
            if stripped.startswith("//"):
                comments.append(stripped[2:].strip())
                continue
            if stripped.startswith("$CATEGORY:"):
                yield number, [], stripped[len("$CATEGORY:") :].strip(), ""
                comments = []
                continue
            start = number
        if not stripped and block:
            yield start, comments, None, "\n".join(block)
            block, comments = [], []
            continue
        if stripped.startswith("//") and not block:
            continue
        block.append(line)
    if block:
        yield start, comments, None, "\n".join(block)


def parse(data: bytes, *, source: str = "") -> list[ItemRecord]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ItemImportError([Problem(0, "-", f"the file is not UTF-8: {exc}")]) from exc
    problems: list[Problem] = []
    records: list[ItemRecord] = []
    category: tuple[str, str] | None = None
    for line, comments, new_category, block in _blocks(text):
        if new_category is not None:
            category = tags_from_category(category_parse(new_category))
            continue
        meta = " ".join(comments)
        uid_match = re.search(r"\[id:([^\]]+)\]", meta)
        tags = re.findall(r"\[tag:([^\]]+)\]", meta)
        label = uid_match.group(1) if uid_match else f"at line {line}"
        try:
            if category is None:
                raise ValueError("no $CATEGORY: QP/NOS/PC before this question")
            record = _question(block, category)
        except ValueError as exc:
            problems.append(Problem(line, label, str(exc)))
            continue
        record.line = line
        if uid_match:
            record.uid = uid_match.group(1).strip()
        problems.extend(Problem(line, label, p) for p in record.apply_tags(tags))
        records.append(record)
    if problems:
        raise ItemImportError(problems)
    return records


def _question(block: str, category: tuple[str, str]) -> ItemRecord:
    body = block.strip()
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            raise ValueError("unclosed ::title::")
        body = body[end + 2 :]
    open_at = _unescaped_index(body, "{")
    close_at = _unescaped_index(body, "}", open_at + 1) if open_at >= 0 else -1
    if open_at < 0 or close_at < 0:
        raise ValueError("no answer block { ... }")
    stems = _html(body[:open_at])
    translations = {lang: Translation(stem) for lang, stem in stems.items()}
    answer_text = body[open_at + 1 : close_at].strip()
    general = {}
    parts = _split_unescaped(answer_text, "####")
    if len(parts) > 1:
        answer_text, general = parts[0].strip(), _html(parts[1])
    for lang, value in general.items():
        if lang in translations:
            translations[lang].general_feedback_html = value
    options: list[tuple[str, Decimal]] = []
    numeric_answer = numeric_tolerance = None
    tf = re.fullmatch(r"(T|F|TRUE|FALSE)(#.*)?", answer_text, re.S)
    if answer_text.startswith("#"):
        item_type = ItemType.NUMERIC
        value = answer_text[1:].strip().lstrip("=")
        value = _split_unescaped(value, "#")[0]
        if ".." in value:
            low, high = (decimal_or_none(unescape(v)) for v in value.split("..", 1))
            if low is None or high is None or high < low:
                raise ValueError(f"bad numeric range {unescape(value)!r} (use low..high)")
            numeric_answer, numeric_tolerance = (low + high) / 2, (high - low) / 2
        else:
            number, _, tolerance = unescape(value).partition(":")
            numeric_answer = decimal_or_none(number)
            numeric_tolerance = decimal_or_none(tolerance) or Decimal(0)
    elif tf:
        item_type = ItemType.TRUE_FALSE
        correct = "true" if tf.group(1).startswith("T") else "false"
        wrong = "false" if correct == "true" else "true"
        feedbacks = _split_unescaped(tf.group(2) or "", "#")[1:] + ["", ""]
        fb_wrong, fb_right = _html(feedbacks[0]), _html(feedbacks[1])
        options = [("true", Decimal(correct == "true")), ("false", Decimal(correct == "false"))]
        for lang, translation in translations.items():
            translation.options[correct] = OptionText("", fb_right.get(lang, ""))
            translation.options[wrong] = OptionText("", fb_wrong.get(lang, ""))
    else:
        answers, i = [], 0
        while True:
            at = _unescaped_index(answer_text, "=~", i)
            if at < 0:
                break
            nxt = _unescaped_index(answer_text, "=~", at + 1)
            answers.append(answer_text[at : nxt if nxt >= 0 else len(answer_text)])
            if nxt < 0:
                break
            i = nxt
        if not answers:
            raise ValueError("no answers (=right ~wrong) in { ... }")
        single = any(a.startswith("=") for a in answers)
        item_type = ItemType.SINGLE_CHOICE if single else ItemType.MULTIPLE_RESPONSE
        for index, answer in enumerate(answers):
            key = option_key(index)
            sign, rest = answer[0], answer[1:].strip()
            weight = re.match(r"%(-?[\d.]+)%", rest)
            if weight:
                fraction = Decimal(weight.group(1)) / 100
                rest = rest[weight.end() :]
            else:
                fraction = Decimal(1 if sign == "=" else 0)
            text_part, *feedback_part = _split_unescaped(rest, "#")
            texts, feedbacks = _html(text_part), _html(feedback_part[0]) if feedback_part else {}
            options.append((key, fraction))
            for lang, translation in translations.items():
                translation.options[key] = OptionText(texts.get(lang, ""), feedbacks.get(lang, ""))
    return ItemRecord(
        nos_code=category[0],
        pc_ref=category[1],
        content=ItemContent(
            item_type=item_type,
            translations=translations,
            options=options,
            numeric_answer=numeric_answer,
            numeric_tolerance=numeric_tolerance,
        ),
    )
