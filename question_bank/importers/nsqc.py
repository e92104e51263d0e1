"""NSQC qualification packs ("QP Code: ASC/Q0202" layout) -> ``ParsedDocument``.

Layout: QP header (title, "QP Code:", "NSQF Level:", awarding body), contents (ignored), brief
job description, "Applicable National Occupational Standards (NOS)" list (Compulsory /
Elective / Options), "Qualification Pack (QP) Parameters" table, then one body per NOS
("CODE: Title" heading, Description, Scope, Elements and Performance Criteria, Knowledge and
Understanding (KU), Generic Skills (GS), Assessment Criteria marks table, NOS Parameters table),
then "Assessment Guidelines" (pass %, in any of the wordings ``common.pass_percentage`` reads)
and "Assessment Weightage" (table per NOS).

Errors (``DocumentError``): no QP code; no NOS body; a NOS listed in the QP with no body (the
document lost part of its body); a NOS with no PCs; the last NOS body cut before its NOS
Parameters table with nothing after it (truncated).
"""

from __future__ import annotations

import re
from decimal import Decimal

from . import common
from .document import (
    DocumentError,
    Finding,
    Marks,
    ParsedDocument,
    ParsedNos,
    ParsedNosReference,
    ParsedQualificationPack,
)
from .marks import apply_marks_table, column_names, is_header, marks_from_cells, same, show
from .text import NOS_CODE, QP_CODE, Line, normalise, normalise_code

FAMILY = "nsqc-qp"
RUNNING_HEADS = ("Qualification Pack", "Qualifications Pack")

QP_CODE_LINE_RE = re.compile(rf"^QP Code\s*:?\s*\t?\s*({QP_CODE})", re.IGNORECASE)
NOS_HEADING_RE = re.compile(rf"^({NOS_CODE})\s*(?:[:.\-–]\s*)?(\S.*)$")
LIST_HEAD_RE = re.compile(r"^Applicable National Occupational Standards", re.IGNORECASE)
PARAMS_HEAD_RE = re.compile(r"^Qualification Pack \(QP\) Parameters", re.IGNORECASE)
KIND_RE = re.compile(r"^(compulsory|electives?|options?|optional)\b", re.IGNORECASE)
GUIDELINES_RE = re.compile(r"^Assessment Guidelines", re.IGNORECASE)
WEIGHTAGE_HEAD_RE = re.compile(r"^Assessment Weightage\s*$", re.IGNORECASE)
END_RE = re.compile(r"^(Acronyms|Glossary)\s*$", re.IGNORECASE)

BODY_HEADS = {
    "description": common.HEAD_DESCRIPTION,
    "scope": common.HEAD_SCOPE,
    "elements": common.HEAD_ELEMENTS,
    "ku": common.HEAD_KU,
    "gs": common.HEAD_GS,
    "assessment": common.HEAD_ASSESSMENT,
    "params": common.HEAD_PARAMS,
}


def kind_of(text: str) -> str:
    t = text.lower()
    if t.startswith("elective"):
        return "elective"
    if t.startswith("option"):
        return "option"
    return "compulsory"


def key_values(lines: list[Line]) -> dict[str, tuple[str, int]]:
    """First value of each 'Key<TAB>Value' row, keyed by the lower-cased key."""
    out: dict[str, tuple[str, int]] = {}
    for line in lines:
        cells = line.cells
        for i in range(0, len(cells) - 1, 2):
            key = cells[i].lower().rstrip(":").strip()
            if key and key not in out:
                out[key] = (cells[i + 1], line.no)
    return out


def find_bodies(lines: list[Line]) -> list[int]:
    starts = []
    for i, line in enumerate(lines):
        if "\t" in line.text or not NOS_HEADING_RE.match(line.text):
            continue
        ahead = lines[i + 1 : i + 4]
        if any(
            "\t" not in a.text
            and (
                common.HEAD_DESCRIPTION.match(a.text)
                or common.HEAD_SCOPE.match(a.text)
                or common.HEAD_ELEMENTS.match(a.text)
            )
            for a in ahead
        ):
            starts.append(i)
    return starts


def parse_list(lines: list[Line]) -> list[ParsedNosReference]:
    refs: list[ParsedNosReference] = []
    kind = "compulsory"
    for line in lines:
        text = line.text.replace("\t", " ").strip()
        text = re.sub(r"^\d+\s*[.)]\s*", "", text)
        text = re.sub(r"\]\([^)]*\)\s*$", "", text).lstrip("[").strip()
        m = NOS_HEADING_RE.match(text)
        if m:
            title = re.sub(r"\s+\d+$", "", m.group(2)).strip()  # a page number, if any
            refs.append(ParsedNosReference(normalise_code(m.group(1)), title, line.no, kind))  # type: ignore[arg-type]
        elif KIND_RE.match(text):
            kind = kind_of(text)
    return refs


def parse_body(lines: list[Line]) -> tuple[ParsedNos, list[Finding], bool]:
    head = lines[0]
    m = NOS_HEADING_RE.match(head.text)
    assert m is not None
    nos = ParsedNos(code=normalise_code(m.group(1)), title=m.group(2).strip(), line=head.no)
    sections = common.split_sections(lines[1:], BODY_HEADS)
    findings: list[Finding] = []

    def sec(name: str) -> list[Line]:
        return sections[name][1] if name in sections else []

    nos.description = " ".join(ln.text.replace("\t", " ") for ln in sec("description")).strip()
    nos.scope = "\n".join(ln.text.replace("\t", " ") for ln in sec("scope")).strip()
    nos.elements = common.parse_elements(sec("elements"), nos.code, nos.title, head.no)
    common.require_pcs(nos)
    nos.knowledge = common.knowledge_items(sec("ku"), "Knowledge and Understanding")
    nos.skills = common.skill_items(sec("gs"), "Generic Skills")
    findings += common.duplicate_findings(nos)
    has_table = "assessment" in sections and bool(sec("assessment"))
    if has_table:
        findings += apply_marks_table(nos, sec("assessment"))
    findings += common.missing_body_findings(nos, has_table)

    params = key_values(sec("params"))
    if params:
        code = params.get("nos code")
        if code and normalise_code(code[0]) != nos.code:
            findings.append(
                Finding(
                    code[1],
                    "warning",
                    "nos-code-mismatch",
                    f"NOS heading says {nos.code} but its parameters table says {code[0]}",
                )
            )
        nos.sector = params.get("sector", ("", 0))[0]
        nos.sub_sector = params.get("sub-sector", params.get("sub sector", ("", 0)))[0]
        nos.occupation = params.get("occupation", ("", 0))[0]
        nos.level = params.get("nsqf level", ("", 0))[0]
        nos.credits = params.get("credits", ("", 0))[0]
        nos.version = params.get("version", ("", 0))[0]
    else:
        findings.append(
            Finding(
                head.no, "warning", "missing-nos-parameters", f"{nos.code}: no NOS Parameters table"
            )
        )
    return nos, findings, bool(params)


def parse_weightage(
    lines: list[Line],
) -> tuple[
    list[tuple[str, str, str, Marks | None, Decimal | None, int]], int | None, list[Finding]
]:
    rows = []
    findings: list[Finding] = []
    names: list[str | None] = ["theory", "practical", "project", "viva", "total", "weightage"]
    kind = "compulsory"
    total_line = None
    for line in lines:
        cells = line.cells
        if is_header(cells):
            names = column_names(cells[1:])
            continue
        label = cells[0]
        m = NOS_HEADING_RE.match(label) or re.match(rf"^({NOS_CODE})()$", label)
        if m is None:
            if re.match(r"^Total\b", label, re.IGNORECASE):
                total_line = line.no
            elif KIND_RE.match(label) and len(cells) == 1:
                kind = kind_of(label)
            continue
        values = cells[1:]
        title = m.group(2).strip()
        if not title and values and not re.match(r"^[\d.\s%-]*$", values[0]):
            title, values = values[0], values[1:]  # code and title in separate cells
        row_names = names
        if len(values) < len(names):  # fewer columns than the header: weightage is the last
            row_names = [*names[: len(values) - 1], "weightage"]
        try:
            marks, extra = marks_from_cells(values, row_names)
        except ValueError as exc:
            findings.append(
                Finding(line.no, "warning", "marks-unreadable", f"weightage row: {exc!s}")
            )
            marks, extra = None, {}
        code = normalise_code(m.group(1))
        rows.append((code, title, kind, marks, extra.get("weightage"), line.no))
    return rows, total_line, findings


def parse(text: str) -> ParsedDocument:
    lines = normalise(text, html_mode="strip", running_heads=RUNNING_HEADS)
    if not lines:
        raise DocumentError("empty document")
    findings: list[Finding] = []

    code_line = next((ln for ln in lines if QP_CODE_LINE_RE.match(ln.text)), None)
    if code_line is None:
        raise DocumentError("no 'QP Code:' line; not an NSQC qualification pack")
    m = QP_CODE_LINE_RE.match(code_line.text)
    assert m is not None
    qp_code = normalise_code(m.group(1))
    idx = lines.index(code_line)

    title = ""
    title_re = re.compile(rf"^{re.escape(qp_code)}\s*:\s*(.+)$")
    for ln in lines:
        tm = title_re.match(ln.text)
        if tm and "\t" not in ln.text:
            title = tm.group(1).strip()
            break
    if not title and idx > 0:
        title = lines[idx - 1].text.strip()
    qp = ParsedQualificationPack(code=qp_code, title=title, line=code_line.no)

    starts = find_bodies(lines)
    if not starts:
        raise DocumentError(
            f"QP {qp_code} has a header but no NOS body (no 'CODE: title' heading followed by "
            "Description/Elements); the document looks truncated",
            line=lines[-1].no,
        )
    header = lines[: starts[0]]
    for i, ln in enumerate(header):
        lm = re.match(r"^NSQF Level\s*:\s*(\S+)", ln.text, re.IGNORECASE)
        if lm and not qp.nsqf_level:
            qp.nsqf_level = lm.group(1)
            if i + 1 < len(header) and "\t" not in header[i + 1].text:
                nxt = header[i + 1].text
                if not re.match(r"^(Contents|Qualification)", nxt, re.IGNORECASE):
                    qp.awarding_body = nxt.split("||")[0].strip().rstrip(",")
        brief = re.match(r"^Brief Job Description\s*:?\s*$", ln.text, re.IGNORECASE)
        if brief and "\t" not in ln.text and i + 1 < len(header) and not qp.description:
            qp.description = header[i + 1].text.strip()

    params_idx = next(
        (i for i, ln in enumerate(header) if PARAMS_HEAD_RE.match(ln.text) and "\t" not in ln.text),
        None,
    )
    if params_idx is not None:
        kv = key_values(header[params_idx + 1 :])
        qp.sector = kv.get("sector", ("", 0))[0]
        qp.sub_sector = kv.get("sub-sector", kv.get("sub sector", ("", 0)))[0]
        qp.occupation = kv.get("occupation", ("", 0))[0]
        qp.nsqf_level = kv.get("nsqf level", (qp.nsqf_level, 0))[0] or qp.nsqf_level
        qp.version = kv.get("version", ("", 0))[0]
        qp.last_reviewed = kv.get("last reviewed on", kv.get("last reviewed date", ("", 0)))[0]
        qp.next_review = kv.get("next review date", ("", 0))[0]
        qp.approval_date = kv.get("nsqc approval date", ("", 0))[0]

    list_idx = next(
        (i for i, ln in enumerate(header) if LIST_HEAD_RE.match(ln.text) and "\t" not in ln.text),
        None,
    )
    refs: list[ParsedNosReference] = []
    if list_idx is not None:
        end = params_idx if params_idx is not None and params_idx > list_idx else len(header)
        refs = parse_list(header[list_idx + 1 : end])

    # NOS bodies
    tail_idx = next(
        (
            i
            for i in range(starts[-1], len(lines))
            if "\t" not in lines[i].text
            and (GUIDELINES_RE.match(lines[i].text) or WEIGHTAGE_HEAD_RE.match(lines[i].text))
        ),
        len(lines),
    )
    bounds = [*starts, tail_idx]
    units: list[ParsedNos] = []
    has_params: list[bool] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        nos, nos_findings, params_ok = parse_body(lines[a:b])
        units.append(nos)
        has_params.append(params_ok)
        findings += nos_findings
    if tail_idx == len(lines) and not has_params[-1]:
        raise DocumentError(
            f"NOS {units[-1].code} ends before its NOS Parameters table and nothing follows it; "
            "the document looks truncated",
            line=lines[-1].no,
        )

    qp.nos = common.listed_nos_check(qp, refs, units, findings)

    # Assessment guidelines and weightage
    tail = lines[tail_idx:]
    end = next((i for i, ln in enumerate(tail) if END_RE.match(ln.text)), len(tail))
    tail = tail[:end]
    # Usually in the Assessment Guidelines; some layouts state it in the QP's header instead.
    found = common.pass_percentage(tail) or common.pass_percentage(header)
    if found is not None:
        qp.pass_percentage = found[0]
    else:
        findings.append(
            Finding(
                tail[0].no if tail else lines[-1].no,
                "warning",
                "missing-pass-percentage",
                f"QP {qp.code}: no recommended pass percentage",
            )
        )
    w_idx = next((i for i, ln in enumerate(tail) if WEIGHTAGE_HEAD_RE.match(ln.text)), None)
    rows = []
    total_line = None
    if w_idx is not None:
        rows, total_line, wf = parse_weightage(tail[w_idx + 1 :])
        findings += wf
    if not rows:
        findings.append(
            Finding(
                tail[w_idx].no if w_idx is not None else (tail[0].no if tail else lines[-1].no),
                "warning",
                "missing-weightage",
                f"QP {qp.code}: no assessment weightage table",
            )
        )
    else:
        findings += apply_weightage(qp, units, rows, total_line)
    return ParsedDocument(FAMILY, qp, units, findings)


def apply_weightage(qp, units, rows, total_line) -> list[Finding]:
    findings: list[Finding] = []
    refs = {r.code: r for r in qp.nos}
    units_by_code = {u.code: u for u in units}
    seen = set()
    for code, title, _kind, marks, weight, no in rows:
        ref = refs.get(code)
        if ref is None:
            findings.append(
                Finding(
                    no,
                    "warning",
                    "weightage-unknown-nos",
                    f"the weightage table lists {code} ({title}), which the QP does not list",
                )
            )
            continue
        seen.add(code)
        ref.weightage = weight
        ref.marks = marks
        unit = units_by_code.get(code)
        if (
            unit is not None
            and unit.marks is not None
            and marks is not None
            and not same(unit.marks, marks)
        ):
            findings.append(
                Finding(
                    no,
                    "warning",
                    "marks-weightage-mismatch",
                    f"{code}: the weightage table gives {show(marks)} but the NOS Total is "
                    f"{show(unit.marks)} (theory/practical/project/viva)",
                )
            )
    for ref in qp.nos:
        if ref.code not in seen:
            findings.append(
                Finding(
                    ref.line,
                    "warning",
                    "weightage-missing-nos",
                    f"{ref.code} has no row in the weightage table",
                )
            )
    weights = [r for r in qp.nos if r.weightage is not None]
    compulsory = sum((r.weightage for r in weights if r.kind == "compulsory"), Decimal(0))
    line = total_line or rows[-1][-1]
    if all(r.kind == "compulsory" for r in qp.nos):
        if weights and compulsory != 100:
            findings.append(
                Finding(
                    line,
                    "warning",
                    "weightage-sum",
                    f"QP {qp.code}: NOS weightages add up to {compulsory}, not 100",
                )
            )
    elif compulsory > 100:
        findings.append(
            Finding(
                line,
                "warning",
                "weightage-sum",
                f"QP {qp.code}: compulsory NOS weightages add up to {compulsory}, more than 100",
            )
        )
    return findings
