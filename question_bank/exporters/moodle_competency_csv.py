"""A QP as a Moodle competency framework CSV, for admin/tool/lpimportcsv ("Import competency
framework").

The columns and their meaning follow Moodle's ``tool_lpimportcsv\\framework_importer``
(``list_required_headers`` and the constructor that reads them by position) and its
``framework_exporter``: one row with "Is framework" = 1 carrying the scale, then one row per
competency whose "Parent ID number" is its parent's "ID number" (empty for the top level; the
importer builds the tree by matching these, so a parent must be a competency, not the framework).
The tree is NOS -> element -> PC, and NOS -> "KU" group -> knowledge items, NOS -> "GS" group ->
generic skills. ID numbers are code paths (``ASC/N0004/PC6``), with a ``-2`` suffix where the
document repeats a code, because the importer keys competencies by ID number.

Moodle imports one framework per file, so this format exports exactly one QP or unit.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from decimal import Decimal

from .common import ExportedNos, ExportedPack, ExportError, json_number, nos_ids

HEADER = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
]

SCALE_VALUES = "Not yet competent,Competent"
# The first entry names the scale; the importer replaces this scale id with the id of the site
# scale whose items match SCALE_VALUES (creating it if needed). Moodle's validation wants one
# default value and at least one proficient value: "Not yet competent" is the default,
# "Competent" is proficient.
SCALE_CONFIGURATION = json.dumps(
    [
        {"scaleid": "2"},
        {"id": 1, "scaledefault": 1, "proficient": 0},
        {"id": 2, "scaledefault": 0, "proficient": 1},
    ],
    separators=(",", ":"),
)
# One taxonomy term per level of the tree: NOS, element (or KU/GS group), PC (or KU/GS item).
TAXONOMY = "competency,behaviour,indicator"
FORMAT_HTML = "1"
SHORT_NAME_MAX = 100  # competency.shortname; the importer cuts longer names itself

_SPACES = re.compile(r"\s+")


def _short_name(*parts: str) -> str:
    text = _SPACES.sub(" ", " ".join(p for p in parts if p)).strip()
    if len(text) <= SHORT_NAME_MAX:
        return text
    cut = text[: SHORT_NAME_MAX - 1]
    if " " in cut[SHORT_NAME_MAX // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def _html(*paragraphs: str) -> str:
    return "".join(
        "<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>" for p in paragraphs if p
    )


def _marks_text(marks: dict[str, Decimal | None]) -> str:
    given = [f"{name} {json_number(value)}" for name, value in marks.items() if value is not None]
    return "Marks: " + ", ".join(given) if given else ""


def _competency(parent: str, idnumber: str, short_name: str, description: str) -> list[str]:
    # Rule columns as Moodle's own exporter writes them for a competency without a rule.
    return [parent, idnumber, short_name, description, FORMAT_HTML, "", "", "", "0", "null", "", ""]


def _nos_rows(exported: ExportedNos, used: set[str]) -> list[list[str]]:
    ids = nos_ids(exported, used)
    nos = exported.nos
    rows = []
    weightage = (
        f"Weightage in the QP: {json_number(exported.weightage)} %"
        if exported.weightage is not None
        else ""
    )
    rows.append(
        _competency(
            "",
            ids.nos,
            _short_name(nos.code, nos.title),
            _html(nos.title, nos.description, weightage, _marks_text(exported.marks_dict())),
        )
    )
    for item in exported.elements:
        element = item.element
        element_id = ids.elements[element.pk]
        rows.append(
            _competency(
                ids.nos,
                element_id,
                _short_name(element.title),
                _html(element.title, _marks_text(element.marks_dict())),
            )
        )
        for pc in item.performance_criteria:
            rows.append(
                _competency(
                    element_id,
                    ids.performance_criteria[pc.pk],
                    _short_name(pc.code, pc.text),
                    _html(pc.text, _marks_text(pc.marks_dict())),
                )
            )
    if exported.knowledge:
        rows.append(
            _competency(
                ids.nos,
                ids.knowledge_group,
                "Knowledge and understanding",
                _html(f"Knowledge and understanding for {nos.code}"),
            )
        )
        for ku in exported.knowledge:
            rows.append(
                _competency(
                    ids.knowledge_group,
                    ids.knowledge[ku.pk],
                    _short_name(ku.code, ku.text),
                    _html(ku.text),
                )
            )
    if exported.skills:
        rows.append(
            _competency(
                ids.nos,
                ids.skills_group,
                "Generic skills",
                _html(f"Generic skills for {nos.code}"),
            )
        )
        for gs in exported.skills:
            rows.append(
                _competency(
                    ids.skills_group,
                    ids.skills[gs.pk],
                    _short_name(gs.code, gs.text),
                    _html(gs.text, gs.group),
                )
            )
    return rows


def _framework_row(pack: ExportedPack) -> list[str]:
    facts = []
    if pack.level:
        facts.append(f"Level {pack.level}")
    if pack.pass_percentage is not None:
        facts.append(f"pass percentage {json_number(pack.pass_percentage)}")
    if pack.version:
        facts.append(f"version {pack.version}")
    return [
        "",
        pack.code,
        _short_name(pack.title),
        _html(pack.description, "; ".join(facts)),
        FORMAT_HTML,
        SCALE_VALUES,
        SCALE_CONFIGURATION,
        "",
        "",
        "",
        "",
        "",
        "1",
        TAXONOMY,
    ]


def render(packs: list[ExportedPack]) -> str:
    if len(packs) != 1:
        raise ExportError(
            f"Moodle imports one competency framework per file; this export has {len(packs)} "
            "(export one QP or unit code at a time)"
        )
    pack = packs[0]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow(_framework_row(pack))
    used: set[str] = set()
    for exported in pack.nos:
        for row in _nos_rows(exported, used):
            writer.writerow([*row, "0", ""])
    return out.getvalue()
