"""Course outlines built on a QP whose NOS are known by title only -> ``ParsedDocument``.

Layout: course title ("Free Customer Relationship Executive Course (6Months)"), job role line
("Customer Relationship Executive:"), Brief Job Description, Personal Attributes, then per NOS a
title line ending with ":" directly followed by "Elements and Performance Criteria", elements
with "PC1." lines, "Knowledge and Understanding (KU)", "Generic Skills (GS)"; the document ends
with "Assessment Guidelines". No codes, no marks; a pass percentage only if the guidelines
state one.

Provisional codes: the initials of the job role's significant words (e.g. "Customer Relationship
Executive" -> "CRE"); the QP gets "CRE/Q01" and the NOS "CRE/N01", "CRE/N02"... in document order,
all flagged ``code_is_provisional``; one ``nos-title-only`` finding per NOS says so. The
persisting service matches the titles against known NOS.

Errors: no NOS body; a NOS without PCs; no closing "Assessment Guidelines" section (the
outline has no other way of showing it is complete, so a document cut before it is treated as
truncated).
"""

from __future__ import annotations

import re

from . import common
from .document import (
    DocumentError,
    Finding,
    ParsedDocument,
    ParsedNos,
    ParsedNosReference,
    ParsedQualificationPack,
)
from .text import NOS_CODE, Line, normalise, normalise_code

FAMILY = "course-outline"
CODED_TITLE_RE = re.compile(rf"^({NOS_CODE})\s*[:.\-–]?\s*(\S.*)$")
SMALL_WORDS = {"and", "of", "the", "for", "in", "to", "a", "an", "on", "with", "free", "course"}
GUIDELINES_RE = re.compile(r"^Assessment Guidelines\s*:?\s*$", re.IGNORECASE)
BODY_HEADS = {
    "elements": common.HEAD_ELEMENTS,
    "ku": common.HEAD_KU,
    "gs": common.HEAD_GS,
}


def nos_starts(lines: list[Line]) -> list[int]:
    """Indices of NOS title lines: a line ("Title:", the colon is optional) directly followed
    by "Elements and Performance Criteria"."""
    return [
        i
        for i in range(len(lines) - 1)
        if "\t" not in lines[i].text
        and common.HEAD_ELEMENTS.match(lines[i + 1].text)
        and not common.HEAD_ELEMENTS.match(lines[i].text)
        and not common.INTRO_RE.search(lines[i].text)
    ]


def initials(title: str) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", title)
    letters = [w[0].upper() for w in words if w.lower() not in SMALL_WORDS]
    return "".join(letters) or "XX"


def course_role(lines: list[Line], first_nos: int) -> tuple[str, str, int]:
    """(course title as printed, job role, line of the job role)."""
    course = lines[0].text.strip()
    for ln in lines[:first_nos]:
        t = ln.text.strip()
        if t.endswith(":") and "\t" not in t and not re.match(r"^(Brief|Personal)", t):
            return course, t.rstrip(":").strip(), ln.no
    role = re.sub(r"\(.*?\)", "", course)
    role = re.sub(r"\b(free|course)\b", "", role, flags=re.IGNORECASE)
    return course, re.sub(r"\s+", " ", role).strip(), lines[0].no


def parse(text: str) -> ParsedDocument:
    lines = normalise(text, html_mode="strip")
    if not lines:
        raise DocumentError("empty document")
    starts = nos_starts(lines)
    if not starts:
        raise DocumentError("course outline without any NOS body ('Title:' + Elements)")
    end = next(
        (i for i in range(starts[-1], len(lines)) if GUIDELINES_RE.match(lines[i].text)), None
    )
    if end is None:
        raise DocumentError(
            "course outline ends without its 'Assessment Guidelines' section; the document "
            "looks truncated",
            line=lines[-1].no,
        )
    course, role, role_line = course_role(lines, starts[0])
    prefix = initials(role)
    findings: list[Finding] = []
    qp = ParsedQualificationPack(
        code=f"{prefix}/Q01", title=role, line=role_line, code_is_provisional=True
    )
    for i, ln in enumerate(lines[: starts[0]]):
        brief = re.match(r"^Brief Job Description\s*:?\s*$", ln.text, re.IGNORECASE)
        if brief and i + 1 < starts[0]:
            qp.description = lines[i + 1].text.strip()
    findings.append(
        Finding(
            role_line,
            "info",
            "qp-code-provisional",
            f"the course {course!r} names no QP code; provisional code {qp.code} derived from the "
            f"initials of {role!r}",
        )
    )
    units: list[ParsedNos] = []
    bounds = [*starts, end]
    for n, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False), start=1):
        head = lines[a]
        title = head.text.strip().rstrip(":").strip()
        coded = CODED_TITLE_RE.match(title)
        if coded:  # a course that does name the NOS code: keep it
            nos = ParsedNos(normalise_code(coded.group(1)), coded.group(2).strip(), head.no)
        else:
            nos = ParsedNos(
                code=f"{prefix}/N{n:02d}", title=title, line=head.no, code_is_provisional=True
            )
        sections = common.split_sections(lines[a + 1 : b], BODY_HEADS)

        def sec(name: str, sections: dict = sections) -> list[Line]:
            return sections[name][1] if name in sections else []

        nos.elements = common.parse_elements(sec("elements"), nos.code, nos.title, head.no)
        common.require_pcs(nos)
        nos.knowledge = common.knowledge_items(sec("ku"), "Knowledge and Understanding")
        nos.skills = common.skill_items(sec("gs"), "Generic Skills")
        if nos.code_is_provisional:
            findings.append(
                Finding(
                    head.no,
                    "warning",
                    "nos-title-only",
                    f"NOS {title!r} is known only by its title; provisional code {nos.code} = "
                    f"initials of the course's job role {role!r} + its position ({n}) in the "
                    "course; match it to a known NOS code",
                )
            )
        findings += common.duplicate_findings(nos)
        findings += common.missing_body_findings(nos, has_marks_table=False)
        units.append(nos)
        qp.nos.append(ParsedNosReference(nos.code, nos.title, nos.line))
    found = common.pass_percentage(lines[end:])
    if found is not None:
        qp.pass_percentage = found[0]
    else:
        findings.append(
            Finding(
                lines[end].no,
                "warning",
                "missing-pass-percentage",
                f"{qp.code}: the course gives no recommended pass percentage",
            )
        )
    findings.append(
        Finding(
            lines[end].no, "warning", "missing-weightage", f"{qp.code}: no assessment weightage"
        )
    )
    return ParsedDocument(FAMILY, qp, units, findings)
