"""The curators' Hindi sheet of a QP, as CSV (UTF-8) or XLSX: one row per framework text.

Columns (the first row, in any order): ``kind`` (qp, nos, element, pc, ku, gs), ``nos`` (the
NOS code; blank for the QP's title), ``position`` (of the element, PC, KU or GS within its NOS;
blank for QP and NOS titles), ``code``, ``english`` and ``hindi``. The template written from a
QP holds every text with its current Hindi; a curator fills in the ``hindi`` column and imports
it back (``question_bank.translations.framework_hindi_import``): only the Hindi changes.
"""

from __future__ import annotations

import csv
import io

from ..translations import FrameworkText, HindiImportReport, HindiRow, framework_hindi_import

HEADER = ["kind", "nos", "position", "code", "english", "hindi"]
REQUIRED = ["kind", "nos", "position", "english", "hindi"]


class HindiSheetError(ValueError):
    """The file as a whole cannot be read (not UTF-8, not a workbook, no header)."""


def _cells(text: FrameworkText) -> list[str]:
    position = "" if text.position is None else str(text.position)
    return [text.kind, text.nos_code, position, text.code, text.english, text.hindi]


def render_csv(texts: list[FrameworkText]) -> bytes:
    """The template as CSV; a BOM so that Excel opens the Devanagari as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for text in texts:
        writer.writerow(_cells(text))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(texts: list[FrameworkText]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "hindi"
    sheet.append(HEADER)
    for text in texts:  # positions as numbers, as Excel users expect them
        sheet.append([text.kind, text.nos_code, text.position, text.code, text.english, text.hindi])
    for column, width in zip("ABCDEF", (9, 14, 9, 12, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or non-xlsx zip
        raise HindiSheetError(f"not a readable .xlsx workbook: {exc}") from exc
    rows = []
    for values in workbook.worksheets[0].iter_rows(values_only=True):
        cells = []
        for value in values:
            if value is None:
                cells.append("")
            elif isinstance(value, float) and value.is_integer():
                cells.append(str(int(value)))
            else:
                cells.append(str(value))
        rows.append(cells)
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HindiSheetError(
            f"not UTF-8 text (byte {exc.start}); save the sheet as CSV UTF-8 or as .xlsx"
        ) from exc
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise HindiSheetError(f"not a readable CSV file: {exc}") from exc


def read(data: bytes, *, name: str = "") -> tuple[list[HindiRow], list[tuple[int, str]]]:
    """The rows of a Hindi sheet (XLSX when ``name`` ends in .xlsx or the data is a zip, else
    CSV) and the problems of rows that cannot be read (line, message). Blank rows are skipped."""
    is_xlsx = name.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    if not table:
        raise HindiSheetError("the file is empty")
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise HindiSheetError(
            f"the first row must name the columns {', '.join(HEADER)}; "
            f"missing: {', '.join(missing)}"
        )
    index = {column: header.index(column) for column in HEADER if column in header}
    rows: list[HindiRow] = []
    problems: list[tuple[int, str]] = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            at = index.get(column)
            return cells[at] if at is not None and at < len(cells) else ""

        raw_position = cell("position").strip()
        position: int | None = None
        if raw_position:
            try:
                position = int(raw_position)
            except ValueError:
                problems.append((line, f"position {raw_position!r} is not a whole number"))
                continue
        rows.append(
            HindiRow(
                kind=cell("kind").strip().lower(),
                nos_code=cell("nos").strip(),
                position=position,
                code=cell("code").strip(),
                english=cell("english"),
                hindi=cell("hindi"),
                line=line,
            )
        )
    return rows, problems


def sheet_import(
    *, texts: list[FrameworkText], data: bytes, name: str = "", dry_run: bool = False
) -> HindiImportReport:
    """Read a curator's sheet and apply its Hindi to ``texts`` (all rows or none; see
    ``framework_hindi_import``). Raises ``HindiSheetError`` when the file cannot be read at all."""
    rows, problems = read(data, name=name)
    report = framework_hindi_import(texts=texts, rows=rows, dry_run=dry_run or bool(problems))
    if problems:
        report.rows += len(problems)
        report.errors = sorted([*problems, *report.errors])
        report.dry_run = dry_run
    return report
