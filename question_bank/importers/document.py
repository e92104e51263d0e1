"""The parsed form of a qualification document, independent of the database.

Every importer (one module per document family) turns a text into a ``ParsedDocument``:
QualificationPack -> NOS (via ``ParsedNos``) -> Element -> PerformanceCriterion; knowledge
items and generic skills hang off the NOS. Hong Kong units of competency are ``ParsedNos``
with ``framework="HK-SCS"`` and no QP (``ParsedDocument.qualification_pack`` is ``None``).

Findings are what a curator must look at (sums that do not add up, duplicated PC numbers,
provisional codes); they never stop an import. A document that cannot be understood raises
``DocumentError`` instead, so nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Severity = Literal["info", "warning", "error"]


class DocumentError(ValueError):
    """The document cannot be understood; the message says what and where (line number)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Finding:
    """One validation finding, tied to the 1-based line of the source text it is about."""

    line: int
    severity: Severity
    code: str  # machine-readable: "pc-duplicate", "marks-element-sum", "weightage-sum", ...
    message: str


@dataclass
class Marks:
    """Theory/practical/project/viva marks; ``None`` where the document gives none ("-")."""

    theory: Decimal | None = None
    practical: Decimal | None = None
    project: Decimal | None = None
    viva: Decimal | None = None

    def total(self) -> Decimal:
        return sum(
            (m for m in (self.theory, self.practical, self.project, self.viva) if m is not None),
            Decimal(0),
        )


@dataclass
class ParsedPerformanceCriterion:
    code: str  # exactly as published: "PC6"
    text: str
    line: int
    marks: Marks | None = None  # per-PC marks where the document gives them


@dataclass
class ParsedElement:
    title: str
    line: int
    performance_criteria: list[ParsedPerformanceCriterion] = field(default_factory=list)
    marks: Marks | None = None  # element subtotal row, or marks given per element only


@dataclass
class ParsedKnowledgeItem:
    code: str  # "KU3", "KA3", "KB2"; HK units: "K1", "K2", ...
    text: str
    line: int
    category: str = ""  # "Knowledge and Understanding", "Organisational Context", ...


@dataclass
class ParsedGenericSkill:
    code: str  # "GS4", "SA1", "SB12", "SC3"
    text: str
    line: int
    group: str = ""  # "Writing Skills", "Decision Making", ...
    category: str = ""  # "Core/Generic", "Professional", "Technical"


@dataclass
class ParsedNos:
    code: str  # "ASC/N0004", "DGT/VSQ/N0101", HK "108799L6"; provisional: "CRE/N01?" (see flag)
    title: str
    line: int
    description: str = ""
    scope: str = ""
    level: str = ""  # NSQF level as printed ("4"), HK level ("6")
    credits: str = ""  # as printed: "NA", "TBD", "9 (For Reference Only)"
    version: str = ""
    sector: str = ""
    sub_sector: str = ""
    occupation: str = ""
    framework: str = "NOS"  # "NOS" (India) or "HK-SCS" (Hong Kong unit of competency)
    range_statement: str = ""  # HK units: "Range"
    code_is_provisional: bool = False  # NOS known by title only and not matched to a known code
    elements: list[ParsedElement] = field(default_factory=list)
    knowledge: list[ParsedKnowledgeItem] = field(default_factory=list)
    skills: list[ParsedGenericSkill] = field(default_factory=list)
    marks: Marks | None = None  # "NOS Total" row


@dataclass
class ParsedNosReference:
    """A NOS as the QP lists it: with its weightage and whether it is compulsory."""

    code: str
    title: str
    line: int
    kind: Literal["compulsory", "elective", "option"] = "compulsory"
    weightage: Decimal | None = None  # percent of the QP
    marks: Marks | None = None  # marks for this NOS in the QP's weightage table, if given


@dataclass
class ParsedQualificationPack:
    code: str  # "ASC/Q0202"; provisional for a course with no code (see flag)
    title: str
    line: int
    nsqf_level: str = ""  # as printed: "6"; NVEQF level for older layouts
    sector: str = ""
    sub_sector: str = ""
    occupation: str = ""
    version: str = ""
    pass_percentage: Decimal | None = None
    description: str = ""  # brief job description
    awarding_body: str = ""  # "Automotive Skills Development Council"
    last_reviewed: str = ""  # dates as printed (dd/mm/yyyy or dd/mm/yy)
    next_review: str = ""
    approval_date: str = ""
    code_is_provisional: bool = False
    nos: list[ParsedNosReference] = field(default_factory=list)


@dataclass
class ParsedDocument:
    family: str  # "nsqc-qp", "course-outline", "ssc-os-qp", "hk-scs-unit"
    qualification_pack: ParsedQualificationPack | None
    units: list[ParsedNos]
    findings: list[Finding] = field(default_factory=list)
