"""Marks tables: reading cells into ``Marks`` and checking sums (NSQC layout)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .document import Finding, Marks, ParsedElement, ParsedNos, ParsedPerformanceCriterion
from .text import Line, squash

COMPONENTS = ("theory", "practical", "project", "viva")
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")
_NONE_VALUES = {"", "-", "–", "—", "na", "n/a", "nil"}
PC_IN_LABEL_RE = re.compile(r"\bPC\s?\d{1,3}\b(?=\s*\.)")


def column_names(cells: list[str]) -> list[str | None]:
    names: list[str | None] = []
    for cell in cells:
        c = cell.lower()
        name = next((n for n in COMPONENTS if n in c), None)
        if name is None and "weight" in c:
            name = "weightage"
        elif name is None and "total" in c:
            name = "total"
        names.append(name)
    return names


def is_header(cells: list[str]) -> bool:
    return sum(1 for n in column_names(cells[1:]) if n is not None) >= 2


def number(cell: str) -> Decimal | None:
    """'4.5' -> Decimal('4.5'); '-' or '' -> None; anything else raises ValueError."""
    c = cell.strip().rstrip("%").strip()
    if c.lower() in _NONE_VALUES:
        return None
    if not _NUMBER_RE.match(c):
        raise ValueError(cell)
    try:
        return Decimal(c)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise ValueError(cell) from exc


def marks_from_cells(values: list[str], names: list[str | None]) -> tuple[Marks | None, dict]:
    """Map value cells to components; returns (marks or None if all empty, extra columns)."""
    marks = Marks()
    extra: dict[str, Decimal | None] = {}
    any_value = False
    for i, cell in enumerate(values):
        name = names[i] if i < len(names) else None
        if name is None:
            continue
        value = number(cell)
        if value is not None:
            any_value = True
        if name in COMPONENTS:
            setattr(marks, name, value)
        else:
            extra[name] = value
    has_component = any(getattr(marks, n) is not None for n in COMPONENTS)
    return (marks if has_component else None), (extra if any_value else {})


def add(a: Marks | None, b: Marks | None) -> Marks | None:
    if a is None:
        return b
    if b is None:
        return a
    out = Marks()
    for n in COMPONENTS:
        x, y = getattr(a, n), getattr(b, n)
        setattr(out, n, None if x is None and y is None else (x or Decimal(0)) + (y or Decimal(0)))
    return out


def same(a: Marks | None, b: Marks | None) -> bool:
    a, b = a or Marks(), b or Marks()
    return all((getattr(a, n) or Decimal(0)) == (getattr(b, n) or Decimal(0)) for n in COMPONENTS)


def show(m: Marks | None) -> str:
    if m is None:
        return "none"
    return "/".join("-" if getattr(m, n) is None else str(getattr(m, n)) for n in COMPONENTS)


def apply_marks_table(nos: ParsedNos, lines: list[Line]) -> list[Finding]:
    """Read the "Assessment Criteria" table of one NOS into its PCs, elements and total.

    Rows: a header (repeated after page breaks, skipped), element subtotal rows (any label that
    is not a PC and not a total; marks may be empty), PC rows ("PC3. text"), the "NOS Total" row.
    A row carrying several PC codes is a merged row: its marks go to the first PC and a
    ``marks-merged-row`` finding is made. Rows are matched to PCs by code, in order, so a PC
    listed twice gets the second row with that code.
    """
    findings: list[Finding] = []
    names: list[str | None] = list(COMPONENTS)
    element_rows: list[tuple[str, Marks | None, int]] = []
    pc_rows: list[tuple[list[str], Marks | None, int]] = []
    total: tuple[Marks | None, int] | None = None
    for line in lines:
        cells = line.cells
        if is_header(cells):
            names = column_names(cells[1:])
            continue
        label, values = cells[0], cells[1:]
        try:
            marks, _ = marks_from_cells(values, names)
        except ValueError as exc:
            findings.append(
                Finding(
                    line.no,
                    "warning",
                    "marks-unreadable",
                    f"{nos.code}: cannot read marks {str(exc)!r} in row {label[:60]!r}",
                )
            )
            marks = None
        if re.match(r"^(NOS\s+)?Total\b", label, re.IGNORECASE):
            total = (marks, line.no)
            continue
        codes = [re.sub(r"\s+", "", c) for c in PC_IN_LABEL_RE.findall(label)]
        if codes and re.match(r"^PC\s?\d", label):
            pc_rows.append((codes, marks, line.no))
        elif not values and not label:
            continue
        else:
            element_rows.append((label, marks, line.no))

    pcs: list[tuple[ParsedElement, ParsedPerformanceCriterion]] = [
        (el, pc) for el in nos.elements for pc in el.performance_criteria
    ]
    given: set[int] = set()
    for codes, marks, no in pc_rows:
        if len(codes) > 1:
            findings.append(
                Finding(
                    no,
                    "warning",
                    "marks-merged-row",
                    f"{nos.code}: one marks row carries {' and '.join(codes)} (rows merged); "
                    f"its marks {show(marks)} are given to {codes[0]}",
                )
            )
        target = next((pc for _, pc in pcs if pc.code == codes[0] and id(pc) not in given), None)
        earlier = next((pc for _, pc in pcs if pc.code == codes[0]), None)
        if target is None and earlier is not None:
            # A PC printed twice with the same text is one PC (``common.duplicate_findings``);
            # the table may repeat its row too. The first row is the PC's.
            findings.append(
                Finding(
                    no,
                    "warning",
                    "marks-duplicate-row",
                    f"{nos.code}: another marks row for {codes[0]} ({show(marks)}); "
                    f"{codes[0]} keeps its first row's marks {show(earlier.marks)}",
                )
            )
            continue
        if target is None:
            findings.append(
                Finding(
                    no,
                    "warning",
                    "marks-unknown-pc",
                    f"{nos.code}: marks row for {codes[0]}, which is not (or no longer) listed "
                    "among the performance criteria",
                )
            )
            continue
        given.add(id(target))
        target.marks = marks
    if pc_rows:
        for _, pc in pcs:
            if id(pc) not in given:
                findings.append(
                    Finding(
                        pc.line,
                        "warning",
                        "marks-pc-missing",
                        f"{nos.code}: {pc.code} has no row of its own in the marks table",
                    )
                )

    element_line: dict[int, int] = {}
    unmatched = list(nos.elements)
    for label, marks, no in element_rows:
        el = next((e for e in unmatched if squash(e.title) == squash(label)), None)
        if el is None and unmatched:
            el = unmatched[0]
        if el is None:
            findings.append(
                Finding(
                    no,
                    "warning",
                    "marks-unknown-element",
                    f"{nos.code}: marks row {label[:60]!r} matches no element",
                )
            )
            continue
        unmatched.remove(el)
        el.marks = marks
        element_line[id(el)] = no

    for el in nos.elements:
        pc_sum = None
        for pc in el.performance_criteria:
            pc_sum = add(pc_sum, pc.marks)
        if el.marks is not None and pc_sum is not None and not same(el.marks, pc_sum):
            findings.append(
                Finding(
                    element_line.get(id(el), el.line),
                    "warning",
                    "marks-element-sum",
                    f"{nos.code}: PC marks of element {el.title[:60]!r} add up to {show(pc_sum)} "
                    f"but its subtotal is {show(el.marks)} (theory/practical/project/viva)",
                )
            )

    if total is None:
        findings.append(
            Finding(
                lines[0].no if lines else nos.line,
                "warning",
                "marks-total-missing",
                f"{nos.code}: the marks table has no NOS Total row",
            )
        )
        return findings
    nos.marks, total_line = total
    if all(el.marks is not None for el in nos.elements):
        parts, what = [el.marks for el in nos.elements], "element subtotals"
    else:
        parts, what = [pc.marks for _, pc in pcs], "PC marks"
    acc = None
    for m in parts:
        acc = add(acc, m)
    if acc is not None and not same(acc, nos.marks):
        findings.append(
            Finding(
                total_line,
                "warning",
                "marks-nos-sum",
                f"{nos.code}: {what} add up to {show(acc)} but the NOS Total is "
                f"{show(nos.marks)} (theory/practical/project/viva)",
            )
        )
    return findings
