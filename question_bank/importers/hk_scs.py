"""Hong Kong Specification of Competency Standards units (e.g. 108799L6) -> ``ParsedDocument``.

Layout: running heads ("Specification of Competency Standards for the ... Industry Unit of
Competency", "Functional Area - ..."), then a two-column table: Title, Code, Range, Level,
Credit, Competency ("1. Knowledge (<category>)" and "2. Performance (<element title>)" followed
by bullet points, either "•" text or HTML lists), Assessment Criteria, Remark.

Result: no QP; one ``ParsedNos`` with ``framework="HK-SCS"``, the code, level and credits as
printed, the range statement, the assessment criteria as description and the sector taken from
the running head. Knowledge requirements become ``K1, K2...`` (category = the knowledge
heading), performance requirements one element (title = the performance heading) with PCs
``P1, P2...``, numbered in document order (``codes-generated`` finding).

Nesting of bullets:

* HTML lists: nesting is explicit; every list item directly under a heading (or in a list that
  continues after a page break) is one requirement, and its nested items are appended to its
  text, joined with "; " ("Master the theory..., such as: A; B; C").
* "•" bullets (flat in the extracted text): a bullet ending with ":" opens a group; following
  bullets that do not end with "." or ":" are its sub-bullets and are appended to it with "; ";
  a bullet ending with "." or ":" starts a new requirement. A new line in the cell starts a new
  bullet.

A performance heading whose parenthesis is not closed (garbled extraction) gets the unit title
as element title and a ``heading-garbled`` finding quoting the printed heading.

Errors: no Title/Code row; no knowledge and no performance requirements; no "Assessment
Criteria"/"Remark" row after the competency (truncated).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .document import (
    DocumentError,
    Finding,
    ParsedDocument,
    ParsedElement,
    ParsedKnowledgeItem,
    ParsedNos,
    ParsedPerformanceCriterion,
)
from .text import clean_fragment, split_lines

FAMILY = "hk-scs-unit"
HEAD_RE = re.compile(r"^\s*(#+\s*)?(Specification of Competency Standards|Functional Area\b)", re.I)
ROW_RE = re.compile(
    r"^(Title|Code|Range|Level|Credits?|Competency|Assessment Criteria|Remarks?)[ ]*(?:\t(.*))?$",
    re.I,
)
INLINE_TAG_RE = re.compile(r"</?(?!(?:li|ul|ol)\b)[A-Za-z][A-Za-z0-9]*\b[^<>]*>")
SECTION_RE = re.compile(r"(?:\b\d+\s*\.\s*)?(Knowledge|Performance)\s*\(", re.I)


class _Tree(HTMLParser):
    """List items with their own text, nesting and line; text outside <li> goes to the root."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict = {"text": "", "children": [], "line": 0}
        self.stack: list[dict] = [self.root]
        self.depth_stack: list[int] = [0]
        self.lists = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("ul", "ol"):
            self.lists += 1
        elif tag == "li":
            while len(self.stack) > 1 and self.depth_stack[-1] >= self.lists:
                self.stack.pop()
                self.depth_stack.pop()
            node = {"text": "", "children": [], "line": self.getpos()[0]}
            self.stack[-1]["children"].append(node)
            self.stack.append(node)
            self.depth_stack.append(self.lists)

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and len(self.stack) > 1:
            self.stack.pop()
            self.depth_stack.pop()
        elif tag in ("ul", "ol"):
            self.lists = max(0, self.lists - 1)
            while len(self.stack) > 1 and self.depth_stack[-1] > self.lists:
                self.stack.pop()
                self.depth_stack.pop()

    def handle_data(self, data: str) -> None:
        node = self.stack[-1]
        if not node["line"]:
            node["line"] = self.getpos()[0]
        node["text"] = f"{node['text']} {data}"


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", clean_fragment(text.replace("\t", " "))).strip()


def _descendants(node: dict) -> list[str]:
    out = []
    for child in node["children"]:
        t = _clean(child["text"])
        if t:
            out.append(t)
        out += _descendants(child)
    return out


def _with_children(text: str, children: list[str]) -> str:
    if not children:
        return text
    parts = [c.rstrip(" .;") for c in children[:-1]] + [children[-1]]
    return f"{text} {'; '.join(parts)}".strip()


def _tokens_html(chunk: list[tuple[int, str]]) -> list[tuple[str, str, int]]:
    """(kind, text, line) with kind in {"know", "perf", "item"} from HTML lists."""
    parser = _Tree()
    parser.feed("\n".join(t for _, t in chunk))
    parser.close()
    line_of = [no for no, _ in chunk]

    def orig(n: int) -> int:
        return line_of[min(max(n, 1), len(line_of)) - 1]

    tokens: list[tuple[str, str, int]] = []

    def walk(node: dict) -> None:
        for child in node["children"]:
            text = _clean(child["text"])
            sec = SECTION_RE.search(text) if text else None
            if sec and sec.start() <= 4:
                tokens.append(
                    (
                        "know" if sec.group(1).lower() == "knowledge" else "perf",
                        text,
                        orig(child["line"]),
                    )
                )
                walk(child)
            elif not text or re.match(r"^Performance Requirements?$", text, re.I):
                walk(child)
            else:
                tokens.append(
                    ("item", _with_children(text, _descendants(child)), orig(child["line"]))
                )

    walk(parser.root)
    return tokens


def _tokens_bullets(chunk: list[tuple[int, str]]) -> list[tuple[str, str, int]]:
    pieces: list[tuple[str, int]] = []
    for no, raw in chunk:
        text = _clean(re.sub(r"<[^>]+>", " ", raw))
        # split off section headings, then bullets
        parts = re.split(r"(\b\d+\s*\.\s*(?:Knowledge|Performance)\s*\([^)]*\)?)", text)
        for part in parts:
            for bullet in part.split("•"):
                if bullet.strip():
                    pieces.append((bullet.strip(), no))
    tokens: list[tuple[str, str, int]] = []
    group_open = False
    for text, no in pieces:
        sec = SECTION_RE.match(text)
        if sec:
            tokens.append(("know" if sec.group(1).lower() == "knowledge" else "perf", text, no))
            group_open = False
            continue
        if re.match(r"^(Performance Requirements?|Competency)$", text, re.I):
            continue
        text = re.sub(r"^Performance Requirements?\s+", "", text)
        ends = text.rstrip()[-1:]
        if group_open and ends not in (".", ":") and tokens and tokens[-1][0] == "item":
            kind, prev, pno = tokens[-1]
            sep = " " if prev.endswith(":") else "; "
            tokens[-1] = (kind, f"{prev}{sep}{text}", pno)
            continue
        tokens.append(("item", text, no))
        group_open = ends == ":"
    return tokens


def parse(text: str) -> ParsedDocument:
    raw_lines = split_lines(text)
    rows: dict[str, tuple[int, str]] = {}
    current = None
    sector = ""
    content: dict[str, list[tuple[int, str]]] = {}
    for no, raw in enumerate(raw_lines, start=1):
        line = INLINE_TAG_RE.sub("", raw.replace("\x00", "").replace("**", ""))
        line = re.sub(r"^\s*#{1,6}\s+", "", line).rstrip()
        if HEAD_RE.match(line):
            m = re.search(r"for the (.+?) Industry", line)
            if m and not sector:
                sector = m.group(1).strip()
            continue
        m = ROW_RE.match(line.strip(" "))
        key = m.group(1).lower() if m else ""
        key = {"remarks": "remark", "credits": "credit"}.get(key, key)
        if m and key not in rows:
            rows[key] = (no, m.group(2) or "")
            current = key
            content[key] = [(no, m.group(2) or "")]
            continue
        if current is not None and line.strip():
            content[current].append((no, line))
    for needed in ("title", "code"):
        if needed not in rows:
            raise DocumentError(f"HK unit of competency without a '{needed.title()}' row")
    if "competency" not in rows:
        raise DocumentError("HK unit of competency without a 'Competency' row")
    if "assessment criteria" not in rows and "remark" not in rows:
        raise DocumentError(
            "HK unit ends before its 'Assessment Criteria'/'Remark' rows; the document looks "
            "truncated",
            line=len(raw_lines),
        )

    def value(key: str) -> str:
        return _clean(" ".join(re.sub(r"<[^>]+>", " ", t) for _, t in content.get(key, [])))

    title = value("title")
    code = re.sub(r"\s+", "", value("code"))
    if not re.fullmatch(r"[0-9A-Z]{4,12}", code):
        raise DocumentError(f"unreadable unit code {code!r}", line=rows["code"][0])
    nos = ParsedNos(
        code=code,
        title=title,
        line=rows["title"][0],
        framework="HK-SCS",
        level=value("level"),
        credits=value("credit"),
        range_statement=value("range"),
        description=value("assessment criteria"),
        sector=sector,
    )
    chunk = [
        (no, clean_fragment(t) if "<" not in t else t.replace("**", ""))
        for no, t in content["competency"]
    ]
    if any("<li" in t.lower() for _, t in chunk):
        tokens = _tokens_html(chunk)
    else:
        tokens = _tokens_bullets(chunk)

    findings: list[Finding] = []
    section = ""
    category = ""
    element: ParsedElement | None = None
    for kind, text, no in tokens:
        if kind == "know":
            section = "know"
            m = re.search(r"Knowledge\s*\(([^)]*)\)?", text, re.I)
            category = (m.group(1) if m else "").strip()
            continue
        if kind == "perf":
            section = "perf"
            m = re.search(r"Performance\s*\(([^)]*)(\))?", text, re.I)
            heading = (m.group(1) if m else "").strip()
            if m is None or m.group(2) is None:
                findings.append(
                    Finding(
                        no,
                        "warning",
                        "heading-garbled",
                        f"{code}: the performance heading is garbled ({text!r}); the unit title is "
                        "used as element title",
                    )
                )
                heading = title
            element = ParsedElement(title=heading, line=no)
            nos.elements.append(element)
            continue
        if section == "know":
            nos.knowledge.append(
                ParsedKnowledgeItem(f"K{len(nos.knowledge) + 1}", text, no, category)
            )
        elif section == "perf" and element is not None:
            n = len(element.performance_criteria) + 1
            element.performance_criteria.append(ParsedPerformanceCriterion(f"P{n}", text, no))
    if not nos.knowledge and not any(e.performance_criteria for e in nos.elements):
        raise DocumentError(
            f"unit {code}: no knowledge or performance requirements could be read",
            line=rows["competency"][0],
        )
    if not any(e.performance_criteria for e in nos.elements):
        raise DocumentError(
            f"unit {code}: no performance requirements; the document looks truncated or garbled",
            line=rows["competency"][0],
        )
    nos.elements = [e for e in nos.elements if e.performance_criteria]
    if not nos.knowledge:
        findings.append(
            Finding(
                rows["competency"][0],
                "warning",
                "missing-knowledge",
                f"{code}: no knowledge requirements",
            )
        )
    findings.append(
        Finding(
            rows["competency"][0],
            "info",
            "codes-generated",
            f"{code}: requirements carry no codes; K1..K{len(nos.knowledge)} and "
            f"P1..P{sum(len(e.performance_criteria) for e in nos.elements)} were assigned in "
            "document order",
        )
    )
    return ParsedDocument(FAMILY, None, [nos], findings)
