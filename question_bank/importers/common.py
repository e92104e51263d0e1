"""Pieces shared by the NSQC and course-outline importers (same NOS body layout)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from .document import (
    DocumentError,
    Finding,
    ParsedElement,
    ParsedGenericSkill,
    ParsedKnowledgeItem,
    ParsedNos,
    ParsedNosReference,
    ParsedPerformanceCriterion,
    ParsedQualificationPack,
)
from .text import Line, squash

BULLET = r"(?:[-•*–]\s*)?"
PC_LINE_RE = re.compile(rf"^{BULLET}(PC\s?\d{{1,3}})\s*\.?\s+(.*)$")
INTRO_RE = re.compile(
    r"(to be competent|must be able to|needs? to know|need to know|covers the following)",
    re.IGNORECASE,
)

HEAD_ELEMENTS = re.compile(r"^Elements and Performance Criteria\b", re.IGNORECASE)
HEAD_KU = re.compile(r"^Knowledge and Understanding\b", re.IGNORECASE)
HEAD_GS = re.compile(r"^(Generic Skills|Core Skills)\b", re.IGNORECASE)
HEAD_ASSESSMENT = re.compile(r"^Assessment Criteria\s*$", re.IGNORECASE)
HEAD_PARAMS = re.compile(
    r"^(National Occupational Standards? \(NOS\) Parameters|NOS Parameters)\b", re.IGNORECASE
)
HEAD_DESCRIPTION = re.compile(r"^Description\s*:?\s*$", re.IGNORECASE)
HEAD_SCOPE = re.compile(r"^Scope\s*:?\s*$", re.IGNORECASE)


def item_re(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{BULLET}({prefix}\s?\d{{1,3}})\s*\.?\s+(.*)$")


def code_of(raw: str) -> str:
    return re.sub(r"\s+", "", raw)


def split_sections(lines: Sequence[Line], heads: dict[str, re.Pattern[str]]) -> dict[str, list]:
    """Split a NOS body into named sections; each value is [heading_line, [content lines]]."""
    sections: dict[str, list] = {}
    current: list[Line] | None = None
    for line in lines:
        name = next(
            (n for n, rx in heads.items() if "\t" not in line.text and rx.match(line.text)), None
        )
        if name is not None and name not in sections:
            current = []
            sections[name] = [line, current]
            continue
        if current is not None:
            current.append(line)
    return sections


def parse_elements(
    lines: Sequence[Line], nos_code: str, nos_title: str, heading_line: int
) -> list[ParsedElement]:
    """Element titles followed by "PC1. text" lines.

    A line that is neither a PC nor an intro ("To be competent...") is an element title when
    the next line is an intro or a PC line and it does not read as the continuation of the
    previous PC (lower-case start right after a PC); otherwise it continues the previous PC.
    PCs before any title get an element titled like the NOS.
    """
    elements: list[ParsedElement] = []
    last_pc: ParsedPerformanceCriterion | None = None
    for i, line in enumerate(lines):
        text = line.text.replace("\t", " ").strip()
        m = PC_LINE_RE.match(text)
        if m:
            if not elements:
                elements.append(ParsedElement(title=nos_title, line=line.no))
            last_pc = ParsedPerformanceCriterion(
                code=code_of(m.group(1)), text=m.group(2).strip(), line=line.no
            )
            elements[-1].performance_criteria.append(last_pc)
            continue
        if INTRO_RE.search(text) and text.endswith(":"):
            continue
        nxt = lines[i + 1].text.replace("\t", " ").strip() if i + 1 < len(lines) else ""
        next_is_intro = bool(INTRO_RE.search(nxt)) and nxt.endswith(":")
        next_is_pc = bool(PC_LINE_RE.match(nxt))
        is_title = last_pc is None or next_is_intro or (next_is_pc and not text[:1].islower())
        if not is_title and last_pc is not None:
            last_pc.text = f"{last_pc.text} {text}".strip()
            continue
        title = text.rstrip(":").strip()
        if elements and not elements[-1].performance_criteria and elements[-1].line != 0:
            elements[-1].title = f"{elements[-1].title} {title}".strip()  # wrapped title
        else:
            elements.append(ParsedElement(title=title, line=line.no))
        last_pc = None
    return elements


def parse_items(lines: Sequence[Line], prefix: str) -> list[tuple[str, str, int]]:
    """Coded items ("KU1. text") with continuation lines joined; intro lines skipped."""
    rx = item_re(prefix)
    items: list[list] = []
    for line in lines:
        text = line.text.replace("\t", " ").strip()
        m = rx.match(text)
        if m:
            items.append([code_of(m.group(1)), m.group(2).strip(), line.no])
            continue
        if INTRO_RE.search(text) and text.endswith(":"):
            continue
        if items:
            items[-1][1] = f"{items[-1][1]} {text}".strip()
    return [(c, t, n) for c, t, n in items]


def knowledge_items(lines: Sequence[Line], category: str) -> list[ParsedKnowledgeItem]:
    return [
        ParsedKnowledgeItem(code=c, text=t, line=n, category=category)
        for c, t, n in parse_items(lines, "KU")
    ]


def skill_items(lines: Sequence[Line], category: str) -> list[ParsedGenericSkill]:
    return [
        ParsedGenericSkill(code=c, text=t, line=n, category=category)
        for c, t, n in parse_items(lines, "GS")
    ]


def duplicate_findings(nos: ParsedNos) -> list[Finding]:
    """Repeated codes in one NOS, each reported at the repeated line.

    A PC number listed again with the same text (up to case, spacing and punctuation: layout
    noise such as "PC6." and "PC6..") is the same PC printed twice: the repeat is dropped, so
    the NOS keeps one PC, which the marks table then gives its row (``pc-duplicate``). A PC
    number listed again with a different text is kept as published, two PCs
    (``pc-number-repeated``). Repeated knowledge items and skills are reported
    (``ku-duplicate``, ``gs-duplicate``) and kept.
    """
    findings: list[Finding] = []
    first: dict[str, ParsedPerformanceCriterion] = {}
    for el in nos.elements:
        kept = []
        for pc in el.performance_criteria:
            earlier = first.get(pc.code)
            if earlier is None:
                first[pc.code] = pc
                kept.append(pc)
            elif squash(earlier.text) == squash(pc.text):
                findings.append(
                    Finding(
                        pc.line,
                        "warning",
                        "pc-duplicate",
                        f"{nos.code}: {pc.code} is listed more than once with the same text; "
                        "it is one PC and is kept once",
                    )
                )
            else:
                findings.append(
                    Finding(
                        pc.line,
                        "warning",
                        "pc-number-repeated",
                        f"{nos.code}: {pc.code} is listed more than once with different texts; "
                        "both are kept as published",
                    )
                )
                kept.append(pc)
        el.performance_criteria[:] = kept
    for items, code in ((nos.knowledge, "ku-duplicate"), (nos.skills, "gs-duplicate")):
        seen: Counter[str] = Counter()
        for item in items:
            seen[item.code] += 1
            if seen[item.code] > 1:
                findings.append(
                    Finding(
                        item.line,
                        "warning",
                        code,
                        f"{nos.code}: {item.code} is listed more than once",
                    )
                )
    return findings


# The QP's pass percentage, in the wordings NSQC documents use: "Recommended Pass % aggregate for
# QP : 75" (older NSQC layout), "Minimum Aggregate Passing % at QP Level: 70" (NCVET layout),
# "Pass percentage: 70%", "Pass Marks (%)<TAB>70", "Pass percentage (QP)<TAB>70", words the PDF's
# extraction ran together ("Pass %aggregate for QP : 75"), a label cell with the value in the
# next cell or on the next line, and sentences ("every trainee should score a minimum of 70% in
# aggregate", "should score at least 70% to pass the QP", "The passing percentage for the QP is
# 70"). A NOS-level minimum ("Minimum Passing % at NOS Level") is not the QP's and is skipped.
_PASS_LABEL = (
    r"(?:recommended\s+|minimum\s+|overall\s+|qp\s+)?(?:aggregate\s+)?"
    r"pass(?:ing)?\s*(?:%|percent(?:age)?|marks?|mark\s*%|marks?\s*\(\s*%\s*\)|criteria|threshold)"
    r"(?:\s*\(\s*%\s*\))?"
    r"(?:\s*\(\s*(?:QP|qualifications?\s+pack)\s*\))?"
    r"(?:\s*(?:in\s+)?aggregate)?"
    r"(?:\s+(?:for|of|at)\s+(?:the\s+)?(?:QP|qualifications?\s+pack|qualification)(?:\s+level)?)?"
)
_PASS_VALUE = r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b)?"
PASS_LABEL_VALUE_RE = re.compile(
    rf"{_PASS_LABEL}(?:\s|[:=\-–]|\bis\b|\bof\b)+(?:(?:is|of|at\s+least|minimum)\s+)*"
    rf"{_PASS_VALUE}",
    re.IGNORECASE,
)
PASS_LABEL_ONLY_RE = re.compile(rf"^\W*{_PASS_LABEL}\s*[:\-–]?\s*$", re.IGNORECASE)
PASS_SENTENCE_RE = re.compile(
    r"\bscore\s+(?:a\s+)?(?:minimum|at\s+least|an?\s+aggregate|minimum\s+aggregate)?"
    r"(?:\s+(?:passing\s+percentage|pass\s+percentage|aggregate))?\s*(?:of\s+)?"
    rf"{_PASS_VALUE}",
    re.IGNORECASE,
)
PASS_VALUE_ONLY_RE = re.compile(rf"^\s*{_PASS_VALUE}\s*$")
NOS_LEVEL_RE = re.compile(r"\b(?:at|for|per|each)\s+(?:the\s+)?NOS\b", re.IGNORECASE)


def pass_percentage(lines: Sequence[Line]) -> tuple[Decimal, int] | None:
    """The QP's pass percentage and its line, from the first line that states it (see the
    wordings above); None when no line does. Values outside 1..100 are not percentages."""

    def valid(raw: str) -> Decimal | None:
        value = Decimal(raw)
        return value if 0 < value <= 100 else None

    for i, line in enumerate(lines):
        text = line.text.replace("**", "")
        if NOS_LEVEL_RE.search(text) and not re.search(r"\bQP\b", text):
            continue
        for rx in (PASS_LABEL_VALUE_RE, PASS_SENTENCE_RE):
            m = rx.search(text)
            if m and (rx is PASS_LABEL_VALUE_RE or re.search(r"pass|qualif", text, re.I)):
                value = valid(m.group(1))
                if value is not None:
                    return value, line.no
        cells = [c for c in line.cells if c]
        if cells and PASS_LABEL_ONLY_RE.match(cells[-1]) and i + 1 < len(lines):
            nxt = lines[i + 1].cells[0] if lines[i + 1].cells else ""
            m = PASS_VALUE_ONLY_RE.match(nxt)
            if m and (value := valid(m.group(1))) is not None:
                return value, lines[i + 1].no
    return None


def missing_body_findings(nos: ParsedNos, has_marks_table: bool) -> list[Finding]:
    findings: list[Finding] = []
    if not nos.knowledge:
        findings.append(
            Finding(nos.line, "warning", "missing-knowledge", f"{nos.code}: no knowledge items")
        )
    if not nos.skills:
        findings.append(
            Finding(nos.line, "warning", "missing-skills", f"{nos.code}: no generic skills")
        )
    if not has_marks_table:
        findings.append(
            Finding(nos.line, "warning", "missing-marks", f"{nos.code}: no assessment marks table")
        )
    return findings


def require_pcs(nos: ParsedNos) -> None:
    if not any(el.performance_criteria for el in nos.elements):
        raise DocumentError(
            f"NOS {nos.code} ({nos.title}) has no performance criteria; the document looks "
            "truncated or garbled",
            line=nos.line,
        )


def listed_nos_check(
    qp: ParsedQualificationPack,
    refs: list[ParsedNosReference],
    units: Sequence[ParsedNos],
    findings: list[Finding],
) -> list[ParsedNosReference]:
    """Compare the QP's list of NOS with the NOS bodies found; return the list to keep.

    A listed NOS without a body means the document was cut: an error. A body the QP does not
    list is only a finding; with no list at all, the bodies make the list.
    """
    by_code = {u.code: u for u in units}
    if not refs:
        findings.append(
            Finding(
                qp.line, "warning", "missing-nos-list", "the QP lists no NOS; taken from the bodies"
            )
        )
        refs = [ParsedNosReference(u.code, u.title, u.line) for u in units]
    for ref in refs:
        if ref.code not in by_code:
            raise DocumentError(
                f"NOS {ref.code} ({ref.title}) is listed in the QP but has no body in the "
                "document; the document looks truncated",
                line=ref.line,
            )
    listed = {r.code for r in refs}
    for u in units:
        if u.code not in listed:
            findings.append(
                Finding(
                    u.line,
                    "warning",
                    "nos-unlisted",
                    f"NOS {u.code} has a body but the QP does not list it",
                )
            )
    return refs
