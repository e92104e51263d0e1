"""Table downloads (CSV or XLSX) for the assessor's and the trainer's reports: one writer, so both
exports treat empty cells, file names and spreadsheet types the same way."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these is a formula to Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """``value``, with text that a spreadsheet would run as a formula made plain text by a
    leading "'" (names and batch names come from learners and LMSs: "=HYPERLINK(...)" must
    not run on the trainer's computer). Numbers, negative ones too, are left as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_download(
    *,
    name: str,
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    fmt: str,
    sheet_title: str,
    preamble: Sequence[str] = (),
) -> HttpResponse:
    """``name.csv`` (empty cells for None) or, for ``fmt == "xlsx"``, ``name.xlsx`` with the
    ``preamble`` lines above the header (a spreadsheet reader sees what the table means)."""
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response)
        writer.writerow([spreadsheet_safe(v) for v in header])
        writer.writerows(
            [["" if v is None else spreadsheet_safe(v) for v in line] for line in rows]
        )
        return response
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for line in preamble:
        sheet.append([spreadsheet_safe(line)])
    sheet.append([spreadsheet_safe(v) for v in header])
    for row in rows:
        sheet.append([spreadsheet_safe(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
