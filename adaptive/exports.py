"""Table downloads (CSV or XLSX) for the assessor's and the trainer's reports: one writer, so both
exports treat empty cells, file names and spreadsheet types the same way."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in line] for line in rows])
        return response
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for line in preamble:
        sheet.append([line])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
