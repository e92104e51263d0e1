"""Older IT-ITeS SSC qualification packs ("REFERENCE ID: SSC/Q2211" layout) -> ``ParsedDocument``.

Layout: an introduction (sector, "REFERENCE ID:", brief job description), the "Job Details"
table (QP code, job role, credits, version, sector, dates), "NVEQF/NVQF level", the
"Applicable National Occupational Standards (NOS)" cell (Compulsory/Optional, "CODE (Title)"),
a glossary, then per NOS a cover page and a table: Unit Code, Unit Title (Task), Description,
Scope, Performance Criteria (PCn in <p> cells), Knowledge and Understanding split into
A. Organizational Context (KAn) and B. Technical Knowledge (KBn), Skills split into A. Core
Skills/Generic Skills (SAn, under group headings such as "Writing Skills"), B. Professional
Skills (SBn, groups "Decision Making", ...) and C. Technical Skills (SCn), and a "NOS Version
control" table. Page breaks repeat the NOS code and title as running heads, and may split an
item or a category heading in two; both are rejoined.

The PCs of a NOS have no element titles: they form one element titled like the NOS. There
are no marks tables and usually no pass percentage (``missing-marks``,
``missing-pass-percentage`` unless a line states one, ``missing-weightage`` findings). Anything
after the last NOS Version control table (the training centre's equipment list) is ignored.

Errors: no QP code; no NOS body; a listed NOS without body; a NOS without PCs; the last NOS
without its Version control table (truncated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import common
from .document import (
    DocumentError,
    Finding,
    ParsedDocument,
    ParsedElement,
    ParsedGenericSkill,
    ParsedKnowledgeItem,
    ParsedNos,
    ParsedNosReference,
    ParsedPerformanceCriterion,
    ParsedQualificationPack,
)
from .text import NOS_CODE, NOS_CODE_RE, QP_CODE, Line, normalise, normalise_code

FAMILY = "ssc-os-qp"
ITEM_RE = re.compile(r"(?<![A-Za-z0-9])(PC|KA|KB|SA|SB|SC)\s?(\d{1,3})\s*\.\s+")
INTRO_RE = re.compile(
    r"(You need to know and understand(?: how to)?|To be competent(?: on the job)?,? you must "
    r"be able to)\s*:?",
    re.IGNORECASE,
)
VERSION_RE = re.compile(r"^NOS Version control", re.IGNORECASE)
CATEGORIES = {
    "KA": "Organisational Context",
    "KB": "Technical Knowledge",
    "SA": "Core/Generic",
    "SB": "Professional",
    "SC": "Technical",
}
COVER_LINES = {"national occupational standard", "overview", "applicable nos unit"}


@dataclass
class Frag:
    no: int
    text: str
    line_index: int


def fragments(lines: list[Line]) -> list[Frag]:
    out = []
    for i, line in enumerate(lines):
        for cell in line.text.split("\t"):
            cell = cell.strip()
            if cell:
                out.append(Frag(line.no, cell, i))
    return out


def cell_after(lines: list[Line], key: re.Pattern[str]) -> tuple[str, int] | None:
    """The first non-empty cell after a cell matching ``key`` on the same line."""
    for line in lines:
        cells = line.cells
        for i, cell in enumerate(cells):
            if key.match(cell):
                rest = [c for c in cells[i + 1 :] if c]
                if rest:
                    return rest[0], line.no
    return None


def cell_text_after(lines: list[Line], rx: str) -> str:
    """The text of the cell after the first cell matching ``rx`` (case-insensitive), or ""."""
    found = cell_after(lines, re.compile(rx, re.IGNORECASE))
    return found[0] if found else ""


def nos_starts(lines: list[Line]) -> list[int]:
    starts = []
    for i, line in enumerate(lines):
        cells = line.cells
        for j, cell in enumerate(cells[:-1]):
            if re.match(r"^Unit Code$", cell, re.IGNORECASE) and re.fullmatch(
                NOS_CODE, cells[j + 1]
            ):
                starts.append(i)
                break
    return starts


def parse_list(frags: list[Frag]) -> list[ParsedNosReference]:
    refs: list[ParsedNosReference] = []
    kind = "compulsory"
    for frag in frags:
        text = frag.text
        km = re.match(r"^(Compulsory|Optional|Options?|Electives?)\s*:?", text, re.IGNORECASE)
        if km:
            word = km.group(1).lower()
            kind = (
                "elective"
                if word.startswith("elective")
                else "option"
                if word.startswith("option")
                else "compulsory"
            )
        matches = list(NOS_CODE_RE.finditer(text))
        for n, m in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
            title = text[m.end() : end].strip(" :-–,;")
            pm = re.match(r"^\((.*)\)", title)
            if pm:
                title = pm.group(1)
            refs.append(
                ParsedNosReference(normalise_code(m.group(1)), title.strip(), frag.no, kind)
            )  # type: ignore[arg-type]
    return refs


def parse_header(lines: list[Line]) -> ParsedQualificationPack:
    code = None
    for line in lines:
        m = re.search(rf"REFERENCE ID\s*:?\s*({QP_CODE})", line.text, re.IGNORECASE)
        if m:
            code = (normalise_code(m.group(1)), line.no)
            break
    if code is None:
        found = cell_after(lines, re.compile(r"^Qualifications? Pack Code$", re.IGNORECASE))
        if found and re.fullmatch(QP_CODE, found[0]):
            code = (normalise_code(found[0]), found[1])
    if code is None:
        raise DocumentError("no QP code ('REFERENCE ID:' or 'Qualifications Pack Code')")
    title = ""
    for line in lines:
        m = re.match(r"^Qualifications? Pack\s*[-–:]\s*(.+)$", line.text.strip(), re.IGNORECASE)
        if m and "occupational standards" not in m.group(1).lower():
            title = m.group(1).strip()
            break
    if not title:
        title = cell_text_after(lines, r"^Job Role$")
    qp = ParsedQualificationPack(code=code[0], title=title, line=code[1])

    def get(rx: str) -> str:
        return cell_text_after(lines, rx)

    qp.nsqf_level = get(r"^(NVEQF/NVQF|NVEQF|NVQF|NSQF)(/NSQF)?\s*level$")
    qp.version = get(r"^Version( number)?$")
    qp.sector = get(r"^Sector$")
    qp.sub_sector = get(r"^Sub-?\s?sector$")
    qp.occupation = get(r"^Occupation$")
    qp.last_reviewed = get(r"^Last reviewed on$")
    qp.next_review = get(r"^Next review date$")
    for line in lines:
        m = re.match(r"^Brief Job Description\s*:\s*(.+)$", line.text.strip(), re.IGNORECASE)
        if m:
            qp.description = m.group(1).strip()
            break
    if not qp.description:
        qp.description = get(r"^Role Description$")
    return qp


def parse_body(lines: list[Line], version_lines: list[Line]) -> ParsedNos:
    frags = fragments(lines)
    head = lines[0]
    code_cell = next(
        c
        for j, c in enumerate(head.cells[:-1])
        if re.match(r"^Unit Code$", head.cells[j], re.I)
        for c in [head.cells[j + 1]]
    )
    code = normalise_code(code_cell)
    nos = ParsedNos(code=code, title="", line=head.no)
    pcs: list[ParsedPerformanceCriterion] = []
    section = ""
    expect = ""
    group = ""
    open_heading = False
    last: ParsedPerformanceCriterion | ParsedKnowledgeItem | ParsedGenericSkill | None = None
    scope: list[str] = []

    def is_running_head(text: str) -> bool:
        return (
            normalise_code(text) == code
            or (bool(nos.title) and text == nos.title)
            or text.lower() in COVER_LINES
            or (bool(nos.title) and text == f"{code} {nos.title}")
        )

    for frag in frags:
        t = frag.text
        low = t.lower()
        if expect == "code":
            expect = ""
            continue
        if expect == "title":
            nos.title = t
            expect = ""
            continue
        if expect == "description":
            nos.description = t
            expect = ""
            continue
        if re.match(r"^Unit Code$", t, re.I):
            expect = "code"
            continue
        if re.match(r"^Unit Title", t, re.I):
            expect = "title"
            continue
        if re.match(r"^Description$", t, re.I):
            expect = "description"
            continue
        if re.match(r"^Scope$", t, re.I):
            section = "scope"
            continue
        if low.startswith("performance criteria"):
            section = "pc"
            continue
        if low.startswith("knowledge and understanding"):
            section = "k"
            continue
        if re.match(r"^[A-C]\.\s*(Organi[sz]ational Context|Technical Knowledge)", t, re.I):
            section = "k"
            open_heading = t.count("(") > t.count(")")
            last = None
            continue
        if re.match(r"^Skills\s*\(S\)\s*$", t, re.I):
            section = "s"
            continue
        if re.match(
            r"^[A-C]\.\s*(Core Skills|Generic Skills|Professional Skills|Technical Skills)", t, re.I
        ):
            section = "s"
            group = ""
            last = None
            open_heading = False
            continue
        if is_running_head(t):
            continue
        if open_heading and t.endswith(")") and "(" not in t:
            open_heading = False  # second half of "A. Organizational Context (Knowledge of the"
            continue
        if section == "scope":
            scope.append(t)
            continue
        t = INTRO_RE.sub(" ", t).strip()
        if not t:
            continue
        matches = list(ITEM_RE.finditer(t))
        prefix = t[: matches[0].start()].strip() if matches else t
        if prefix:
            words = prefix.split()
            if (
                section == "s"
                and prefix[:1].isupper()
                and len(words) <= 8
                and not prefix.endswith((".", ",", ";"))
            ):
                group = prefix
                last = None
            elif last is not None:
                last.text = f"{last.text} {prefix}".strip()
        for n, m in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(t)
            kind, num = m.group(1), m.group(2)
            text = t[m.end() : end].strip()
            item_code = f"{kind}{num}"
            if kind == "PC":
                last = ParsedPerformanceCriterion(item_code, text, frag.no)
                pcs.append(last)
            elif kind in ("KA", "KB"):
                last = ParsedKnowledgeItem(item_code, text, frag.no, CATEGORIES[kind])
                nos.knowledge.append(last)
            else:
                last = ParsedGenericSkill(
                    item_code, text, frag.no, group if kind != "SC" else "", CATEGORIES[kind]
                )
                nos.skills.append(last)
    nos.scope = "\n".join(scope)
    if not nos.title:
        nos.title = code
    nos.elements = (
        [ParsedElement(title=nos.title, line=head.no, performance_criteria=pcs)] if pcs else []
    )

    def get(rx: str) -> str:
        return cell_text_after(version_lines, rx)

    nos.credits = get(r"^Credits")
    nos.version = get(r"^Version( number)?$")
    nos.sector = get(r"^Industry$")
    nos.sub_sector = get(r"^Industry Sub-?\s?sector$")
    return nos


def parse(text: str) -> ParsedDocument:
    lines = normalise(text, html_mode="break")
    if not lines:
        raise DocumentError("empty document")
    starts = nos_starts(lines)
    header = lines[: starts[0]] if starts else lines
    qp = parse_header(header)
    if not starts:
        raise DocumentError(
            f"QP {qp.code} has a header but no NOS body ('Unit Code' table); the document looks "
            "truncated",
            line=lines[-1].no,
        )
    findings: list[Finding] = []
    header_frags = fragments(header)
    list_at = next(
        (
            n
            for n, f in enumerate(header_frags)
            if f.text.lower().startswith("applicable national occupational standards")
        ),
        None,
    )
    refs: list[ParsedNosReference] = []
    if list_at is not None:
        chunk = []
        for f in header_frags[list_at + 1 :]:
            if re.match(r"^(Performance Criteria|Glossary|Table \d)", f.text, re.I):
                break
            chunk.append(f)
        refs = parse_list(chunk)

    units: list[ParsedNos] = []
    bounds = [*starts, len(lines)]
    for n, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        body = lines[a:b]
        v = next((i for i, ln in enumerate(body) if VERSION_RE.match(ln.text.strip())), None)
        if v is None and n == len(starts) - 1:
            raise DocumentError(
                "the last NOS ends before its 'NOS Version control' table; the document looks "
                "truncated",
                line=lines[-1].no,
            )
        nos = parse_body(body[:v] if v is not None else body, body[v:] if v is not None else [])
        if v is None:
            findings.append(
                Finding(
                    nos.line,
                    "warning",
                    "missing-nos-parameters",
                    f"{nos.code}: no NOS Version control table",
                )
            )
        common.require_pcs(nos)
        findings += common.duplicate_findings(nos)
        if not nos.knowledge:
            findings.append(
                Finding(nos.line, "warning", "missing-knowledge", f"{nos.code}: no knowledge items")
            )
        if not nos.skills:
            findings.append(
                Finding(nos.line, "warning", "missing-skills", f"{nos.code}: no skills")
            )
        findings.append(
            Finding(nos.line, "warning", "missing-marks", f"{nos.code}: no assessment marks table")
        )
        units.append(nos)

    qp.nos = common.listed_nos_check(qp, refs, units, findings)
    found = common.pass_percentage(lines)
    if found is not None:
        qp.pass_percentage = found[0]
    else:
        findings.append(
            Finding(
                qp.line,
                "warning",
                "missing-pass-percentage",
                f"QP {qp.code}: no recommended pass percentage",
            )
        )
    findings.append(
        Finding(qp.line, "warning", "missing-weightage", f"QP {qp.code}: no assessment weightage")
    )
    return ParsedDocument(FAMILY, qp, units, findings)
