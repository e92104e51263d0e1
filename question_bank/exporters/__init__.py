"""Exporters: the qualification framework in formats other systems import.

One module per format, one public entry point: ``qualification_pack_export(codes=..., fmt=...)``
(and ``qualification_pack_export_files`` for one file per QP, which Moodle needs). Every format
reads the same ``ExportedPack`` list (``common.exported_packs``): the current QPs and standalone
units (Hong Kong units of competency), sorted by code.
"""

from __future__ import annotations

import re

from . import canonical_json, case, moodle_competency_csv
from .common import ExportedPack, ExportError, exported_packs

__all__ = [
    "FORMATS",
    "ExportError",
    "qualification_pack_export",
    "qualification_pack_export_files",
]

FORMATS = ("json", "moodle-competency-csv", "case")
_EXTENSIONS = {"json": ".json", "moodle-competency-csv": ".csv", "case": ".case.json"}


def _packs(codes: list[str] | None, fmt: str) -> list[ExportedPack]:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if codes is not None and not codes:
        raise ExportError("no codes given")
    packs = exported_packs(codes=codes)
    if not packs and fmt != "json":
        raise ExportError("there is nothing to export: no current QP or standalone unit")
    return packs


def _render(packs: list[ExportedPack], fmt: str, *, as_list: bool) -> str:
    if fmt == "json":
        return canonical_json.render(packs)
    if fmt == "moodle-competency-csv":
        return moodle_competency_csv.render(packs)
    return case.render(packs, as_list=as_list)


def qualification_pack_export(*, codes: list[str] | None, fmt: str) -> str:
    """The QPs/units with these codes (``None``: every current QP and standalone unit) as text.

    ``json`` is the canonical form (a list); ``moodle-competency-csv`` is one Moodle competency
    framework (so exactly one QP or unit); ``case`` is one CASE 1.1 CFPackage when one code is
    asked for, else a list of packages. Raises ``ExportError`` for an unknown format or code.
    """
    packs = _packs(codes, fmt)
    return _render(packs, fmt, as_list=codes is None or len(packs) != 1)


def qualification_pack_export_files(*, codes: list[str] | None, fmt: str) -> dict[str, str]:
    """One file per QP/unit, ``{file name: text}``, e.g. ``ASC_Q0202.csv``: Moodle imports one
    framework per file, and a CASE server takes one package per request."""
    return {
        re.sub(r"[^A-Za-z0-9._-]", "_", pack.code) + _EXTENSIONS[fmt]: _render(
            [pack], fmt, as_list=False
        )
        for pack in _packs(codes, fmt)
    }
