"""CSV with a documented header: one row per item and language (UTF-8, comma, RFC 4180 quoting).

Columns (``HEADER``):
  uid                UUID of the item (blank: a new item gets one)
  nos                NOS code as published, e.g. ASC/N0001
  pc                 PC code, e.g. PC3 (a repeated code's second occurrence: PC6#2)
  knowledge_items    KU/KA/KB codes separated by ";"
  generic_skills     GS/SA/SB/SC codes separated by ";"
  type               single_choice | multiple_response | true_false | numeric | short_answer |
                     essay | matching | ordering | cloze | description
  status             draft | submitted | approved | retired
  difficulty         author's estimate 1-5 (blank: none)
  enemies            uids of items that must not share a paper, separated by ";"
  numeric_answer     numeric items: the answer
  numeric_tolerance  numeric items: the absolute tolerance
  name               the question's name/title (blank: none)
  default_mark       marks for the question (blank: 1)
  penalty            Moodle's penalty per wrong try (blank: none)
  shuffle            1 (default) or 0: show the options in a new order to each candidate
  type_data          JSON for what a type needs beyond options: short_answer {"case_sensitive"},
                     numeric {"answers": [{"value","tolerance","fraction"}], "units"}, matching
                     {"pairs": [{"question_html","answer"}]}, ordering {"order": [keys]}, essay
                     {"grader_info_html"}, and "hints", "combined_feedback" (blank: none)
  source_category, source_id, source_tags   where the item came from (another bank's category
                     path, its own id, its free tags separated by ";")
Empty nos and pc make the row's item "to be tagged" (imported as a draft that cannot be approved
until a curator tags it). A short-answer item lists its accepted answers as options.
  language           en | hi
  stem_html          the question (HTML)
  general_feedback_html
  option_N_key, option_N_fraction, option_N_html, option_N_feedback_html   for N = 1..8
    (fraction 1 = correct, 0 = wrong, between -1 and 1 for partial credit/penalty)

A translation is a further row with the same uid and another language; its item-level columns
(nos ... numeric_tolerance, option keys and fractions) may be left blank, and must otherwise equal
the first row's.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from decimal import Decimal

from ..items.content import ItemContent, OptionText, Translation, decimal_or_none
from .common import ItemImportError, ItemRecord, ParsedFile, Problem

EXTENSION = "csv"
MAX_OPTIONS = 8
ITEM_COLUMNS = [
    "uid", "nos", "pc", "knowledge_items", "generic_skills", "type", "status", "difficulty",
    "enemies", "numeric_answer", "numeric_tolerance", "name", "default_mark", "penalty", "shuffle",
    "type_data", "source_category", "source_id", "source_tags",
]  # fmt: skip
HEADER = [
    *ITEM_COLUMNS,
    "language",
    "stem_html",
    "general_feedback_html",
    *[
        f"option_{n}_{part}"
        for n in range(1, MAX_OPTIONS + 1)
        for part in ("key", "fraction", "html", "feedback_html")
    ],
]


def _number(value: Decimal | int | None) -> str:
    return "" if value is None else format(Decimal(value).normalize(), "f")


def render(records: list[ItemRecord], *, qualification_pack_code: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        content = record.content
        if len(content.options) > MAX_OPTIONS:
            raise ValueError(f"item {record.uid} has more than {MAX_OPTIONS} options")
        languages = sorted(content.translations, key=lambda lang: (lang != "en", lang))
        for index, language in enumerate(languages):
            t = content.translations[language]
            row = {"uid": record.uid, "language": language, "stem_html": t.stem_html,
                   "general_feedback_html": t.general_feedback_html}  # fmt: skip
            if index == 0:
                row.update(
                    nos=record.nos_code, pc=record.pc_ref,
                    knowledge_items=";".join(record.knowledge_codes),
                    generic_skills=";".join(record.generic_skill_codes),
                    type=content.item_type, status=record.status,
                    difficulty=_number(content.difficulty_estimate),
                    enemies=";".join(record.enemies),
                    numeric_answer=_number(content.numeric_answer),
                    numeric_tolerance=_number(content.numeric_tolerance),
                    name=content.name, default_mark=_number(content.default_mark),
                    penalty=_number(content.penalty),
                    shuffle="1" if content.shuffle_options else "0",
                    type_data=json.dumps(content.type_data, ensure_ascii=False, sort_keys=True)
                    if content.type_data else "",
                    source_category=record.source_category, source_id=record.source_id,
                    source_tags=";".join(record.source_tags),
                )  # fmt: skip
            for n, (key, fraction) in enumerate(content.options, start=1):
                row[f"option_{n}_key"] = key
                row[f"option_{n}_html"] = t.options[key].html
                row[f"option_{n}_feedback_html"] = t.options[key].feedback_html
                if index == 0:
                    row[f"option_{n}_fraction"] = _number(fraction)
            writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def xlsx_to_csv(data: bytes) -> str:
    """The first sheet of an Excel workbook (same columns as the CSV) as CSV text; its rows keep
    their line numbers in the report."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or non-xlsx zip
        raise ItemImportError([Problem(0, "-", f"not a readable .xlsx workbook: {exc}")]) from exc
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return buffer.getvalue()


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def template_xlsx() -> bytes:
    """A workbook with the header and one example row of each kind, for curators to fill in."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "items"
    sheet.append(HEADER)
    examples = [
        {"type": "single_choice", "language": "en", "stem_html": "<p>Which is safe?</p>",
         "option_1_key": "A", "option_1_fraction": "1", "option_1_html": "A dry floor",
         "option_2_key": "B", "option_2_fraction": "0", "option_2_html": "A wet floor"},
        {"type": "short_answer", "language": "en", "stem_html": "<p>Capital of India?</p>",
         "option_1_key": "A", "option_1_fraction": "1", "option_1_html": "New Delhi",
         "option_2_key": "B", "option_2_fraction": "0.5", "option_2_html": "Delhi",
         "type_data": '{"case_sensitive": false}'},
    ]  # fmt: skip
    for example in examples:
        sheet.append([example.get(column, "") for column in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _default_mark(raw: str | None) -> Decimal:
    value = decimal_or_none(raw)
    return Decimal(1) if value is None else value


def _type_data(raw: str) -> dict:
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"type_data is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ValueError("type_data must be a JSON object")
    return value


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def parse(data: bytes, *, source: str = "") -> list[ItemRecord]:
    return read(data, source=source).strict()


def read(data: bytes, *, source: str = "") -> ParsedFile:
    """Rows with problems are refused one by one (with their line); empty ``nos``/``pc`` cells
    make the row's item "to be tagged"."""
    if data[:2] == b"PK":
        text = xlsx_to_csv(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ItemImportError(
                [
                    Problem(
                        0, "-", f"the file is not UTF-8 (save the spreadsheet as CSV UTF-8): {exc}"
                    )
                ]
            ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("type", "stem_html") if c not in (reader.fieldnames or [])]
    if missing:
        raise ItemImportError(
            [Problem(1, "-", f"the header lacks column(s): {', '.join(missing)}")]
        )
    unknown = [c for c in reader.fieldnames or [] if c not in HEADER]
    if unknown:
        raise ItemImportError([Problem(1, "-", f"unknown column(s): {', '.join(unknown)}")])
    problems: list[Problem] = []
    records: dict[str, ItemRecord] = {}
    line = 1
    for row in reader:
        line = reader.line_num
        row = {
            k: (v or "").strip() if k not in ("stem_html",) else (v or "")
            for k, v in row.items()
            if k
        }
        uid = row.get("uid", "")
        label = uid or f"row at line {line}"
        if uid:
            try:
                uid = str(uuid.UUID(uid))
            except ValueError:
                problems.append(
                    Problem(
                        line, label, f"uid {uid!r} is not a UUID: leave it blank for a new item"
                    )
                )
                continue
        language = row.get("language") or "en"
        keys = []
        options_text: dict[str, OptionText] = {}
        fractions: list[tuple[str, Decimal]] = []
        try:
            if uid:
                # Checked here: an id that is not a UUID otherwise reaches the database lookup
                # of the item it names and fails there (found by tests/security fuzzing).
                try:
                    uid = str(uuid.UUID(uid))
                except ValueError:
                    raise ValueError(f"uid {uid!r} is not a UUID") from None
            for n in range(1, MAX_OPTIONS + 1):
                key = row.get(f"option_{n}_key", "")
                if not key:
                    continue
                keys.append(key)
                options_text[key] = OptionText(
                    row.get(f"option_{n}_html", ""), row.get(f"option_{n}_feedback_html", "")
                )
                fraction = decimal_or_none(row.get(f"option_{n}_fraction"))
                fractions.append((key, fraction if fraction is not None else Decimal(0)))
            translation = Translation(
                row.get("stem_html", ""), row.get("general_feedback_html", ""), options_text
            )
            existing = records.get(uid) if uid else None
            if existing is not None:
                if language in existing.content.translations:
                    raise ValueError(f"a second {language!r} row for this item")
                if keys != [k for k, _ in existing.content.options]:
                    raise ValueError("the option keys differ from the item's first row")
                for column, value in (("nos", existing.nos_code), ("pc", existing.pc_ref),
                                      ("type", existing.content.item_type)):  # fmt: skip
                    if row.get(column) and row[column] != value:
                        raise ValueError(
                            f"{column} {row[column]!r} differs from the item's first row"
                        )
                existing.content.translations[language] = translation
                continue
            difficulty = row.get("difficulty", "")
            if difficulty and not difficulty.isdigit():
                raise ValueError(f"difficulty {difficulty!r} is not a whole number 1-5")
            record = ItemRecord(
                uid=uid,
                nos_code=row.get("nos", ""),
                pc_ref=row.get("pc", ""),
                knowledge_codes=_split(row.get("knowledge_items", "")),
                generic_skill_codes=_split(row.get("generic_skills", "")),
                status=row.get("status") or "draft",
                enemies=_split(row.get("enemies", "")),
                content=ItemContent(
                    item_type=row.get("type", ""),
                    translations={language: translation},
                    options=fractions,
                    numeric_answer=decimal_or_none(row.get("numeric_answer")),
                    numeric_tolerance=decimal_or_none(row.get("numeric_tolerance")),
                    difficulty_estimate=int(difficulty) if difficulty else None,
                    name=row.get("name", ""),
                    default_mark=_default_mark(row.get("default_mark")),
                    penalty=decimal_or_none(row.get("penalty")),
                    shuffle_options=row.get("shuffle", "1") != "0",
                    type_data=_type_data(row.get("type_data", "")),
                ),
                line=line,
                source_category=row.get("source_category", ""),
                source_id=row.get("source_id", ""),
                source_tags=_split(row.get("source_tags", "")),
            )
        except ValueError as exc:
            problems.append(Problem(line, label, str(exc)))
            continue
        records[uid or f"#line{line}"] = record
    return ParsedFile(list(records.values()), problems)
