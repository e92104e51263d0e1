"""Import and export of items: Moodle XML, GIFT, QTI 3.0 packages and CSV (one module each).

``items_import_file`` parses a file in a named format and imports it all-or-nothing;
``items_export`` writes a QP's items in a format. Both go through ``common.ItemRecord``.
"""

from __future__ import annotations

from types import ModuleType

from django.core.exceptions import ValidationError

from . import csv_format, gift, moodle_xml, qti
from .common import (
    ImportResult,
    ItemImportError,
    ItemRecord,
    ParsedFile,
    Problem,
    item_records_for_export,
    items_import,
)

FORMATS: dict[str, ModuleType] = {
    "moodle": moodle_xml,
    "gift": gift,
    "qti": qti,
    "csv": csv_format,
}

__all__ = [
    "FORMATS",
    "ImportResult",
    "ItemImportError",
    "ItemRecord",
    "ParsedFile",
    "Problem",
    "format_detect",
    "items_export",
    "items_import",
    "items_import_file",
]


def format_detect(*, filename: str, data: bytes) -> str:
    """Guess the format from the name, then the first bytes."""
    name = filename.lower()
    if name.endswith((".xlsx", ".csv")):
        return "csv"
    if name.endswith(".zip") or data[:2] == b"PK":
        return "qti"
    head = data[:4000].lstrip(b"\xef\xbb\xbf")
    if b"assessmentItem" in head or b"qti-assessment-item" in head:
        return "qti"
    if name.endswith(".xml") or head.lstrip()[:5] in (b"<?xml", b"<quiz"):
        return "moodle"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".gift", ".txt")):
        return "gift"
    raise ItemImportError([Problem(0, "-", f"cannot tell the format of {filename!r}")])


def items_import_file(
    *,
    data: bytes,
    qualification_pack_code: str,
    format: str = "",  # noqa: A002 - the word curators use
    filename: str = "",
    user=None,
    keep_status: bool = False,
    dry_run: bool = False,
    strict: bool = False,
    progress=None,
) -> ImportResult:
    """Parse and import a file. Each question that cannot be imported is refused on its own
    and listed in ``result.skipped`` with its title, line and reason; a file that cannot be
    read at all raises ItemImportError and writes nothing. ``strict`` (trusted files such as
    the demo bank) refuses the whole file when any question is refused."""
    name = format or format_detect(filename=filename, data=data)
    if name not in FORMATS:
        raise ItemImportError(
            [Problem(0, "-", f"unknown format {name!r}; use {', '.join(FORMATS)}")]
        )
    parsed = FORMATS[name].read(data, source=filename)
    if strict:
        parsed.strict()
    result = items_import(
        records=parsed.records,
        skipped=parsed.skipped,
        qualification_pack_code=qualification_pack_code,
        user=user,
        keep_status=keep_status,
        source_name=filename,
        dry_run=dry_run,
        progress=progress,
    )
    if strict and result.skipped:
        raise ItemImportError(result.skipped)
    return result


def items_export(
    *,
    qualification_pack_code: str,
    format: str,  # noqa: A002
    status: str = "",
) -> bytes:
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use {', '.join(FORMATS)}")
    records = item_records_for_export(
        qualification_pack_code=qualification_pack_code, status=status
    )
    try:
        return FORMATS[format].render(records, qualification_pack_code=qualification_pack_code)
    except ValueError as exc:  # e.g. more options than the CSV layout has columns for
        raise ValidationError(str(exc)) from exc
