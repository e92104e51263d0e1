"""Writes to the qualification framework: importing documents.

``document_import`` parses a document (``question_bank.importers``), then stores it in one
transaction. Nothing is overwritten: a NOS or QP whose content changed gets a new revision and the
old row stays for the items, lessons and papers that point to it; an unchanged document writes
nothing at all. NOS known only by title (course outlines) are matched to a known NOS by title, or
kept under a provisional code, and the report says which.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from .importers import DocumentError, parse_document
from .importers.document import (
    Finding,
    Marks,
    ParsedDocument,
    ParsedNos,
    ParsedQualificationPack,
)
from .models import (
    AwardingBody,
    DocumentImport,
    Element,
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
    QualificationPackNos,
    Sector,
)

__all__ = ["DocumentError", "ImportReport", "document_import", "documents_import"]

# Course outlines refer to NOS the other documents define, so they are imported last.
_FAMILY_ORDER = {"course-outline": 1}


@dataclass
class ImportReport:
    """What one document import did, with the validation findings a curator should read."""

    source_name: str
    family: str
    outcome: str  # "created", "new_revision" or "unchanged"
    qualification_pack: QualificationPack | None
    units: list[NationalOccupationalStandard] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def as_text(self) -> str:
        what = self.qualification_pack or ", ".join(u.code for u in self.units)
        head = f"{self.source_name}: {self.family} - {what} - {self.outcome.replace('_', ' ')}"
        lines = [head]
        if self.qualification_pack is not None:
            lines.append(
                f"  {len(self.units)} NOS, "
                f"{sum(u.performance_criteria.count() for u in self.units)} performance criteria"
            )
        for f in sorted(self.findings, key=lambda f: f.line):
            lines.append(f"  line {f.line}: {f.severity}: {f.message} [{f.code}]")
        if not self.findings:
            lines.append("  no findings")
        return "\n".join(lines)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _marks_json(marks: Marks | None) -> dict | None:
    if marks is None:
        return None
    return {k: _dec(getattr(marks, k)) for k in ("theory", "practical", "project", "viva")}


def _nos_canonical(unit: ParsedNos) -> dict:
    """The content of a NOS that decides whether it changed (no line numbers)."""
    return {
        "code": unit.code,
        "title": unit.title,
        "description": unit.description,
        "scope": unit.scope,
        "range": unit.range_statement,
        "level": unit.level,
        "credits": unit.credits,
        "version": unit.version,
        "sector": [unit.sector, unit.sub_sector, unit.occupation],
        "framework": unit.framework,
        "marks": _marks_json(unit.marks),
        "elements": [
            {
                "title": e.title,
                "marks": _marks_json(e.marks),
                "pcs": [[pc.code, pc.text, _marks_json(pc.marks)] for pc in e.performance_criteria],
            }
            for e in unit.elements
        ],
        "knowledge": [[k.code, k.text, k.category] for k in unit.knowledge],
        "skills": [[s.code, s.text, s.group, s.category] for s in unit.skills],
    }


def _checksum(data: object) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def _parse_date(value: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _set_marks(obj, marks: Marks | None) -> None:
    marks = marks or Marks()
    obj.theory_marks = marks.theory
    obj.practical_marks = marks.practical
    obj.project_marks = marks.project
    obj.viva_marks = marks.viva


def _resolve_provisional_codes(parsed: ParsedDocument) -> None:
    """Match NOS known only by title to a current NOS with the same title."""
    if not any(u.code_is_provisional for u in parsed.units):
        return
    known: dict[str, NationalOccupationalStandard] = {}
    for nos in NationalOccupationalStandard.objects.filter(
        is_current=True, code_is_provisional=False
    ):
        known.setdefault(_title_key(nos.title), nos)
    for unit in parsed.units:
        if not unit.code_is_provisional:
            continue
        match = known.get(_title_key(unit.title))
        old_code = unit.code
        if match is None:
            parsed.findings.append(
                Finding(
                    unit.line,
                    "warning",
                    "nos-provisional-code",
                    f"NOS '{unit.title}' matches no known NOS by title; "
                    f"stored under the provisional code {old_code}",
                )
            )
            continue
        unit.code = match.code
        unit.code_is_provisional = False
        parsed.findings.append(
            Finding(
                unit.line,
                "info",
                "nos-matched-by-title",
                f"NOS '{unit.title}' matched {match.code} by title",
            )
        )
        if parsed.qualification_pack is not None:
            for ref in parsed.qualification_pack.nos:
                if ref.code == old_code:
                    ref.code = match.code


def _hindi_of(nos: NationalOccupationalStandard | None) -> dict[tuple[str, str], str]:
    """{(kind, English): Hindi} of a NOS revision: the next revision keeps the Hindi of every
    text whose English it repeats word for word (a changed English needs a new translation)."""
    if nos is None:
        return {}
    hindi: dict[tuple[str, str], str] = {}
    if nos.title_hi:
        hindi[("nos", nos.title)] = nos.title_hi
    for kind, rows, english in (
        ("element", nos.elements.exclude(title_hi=""), "title"),
        ("pc", nos.performance_criteria.exclude(text_hi=""), "text"),
        ("ku", nos.knowledge_items.exclude(text_hi=""), "text"),
        ("gs", nos.generic_skills.exclude(text_hi=""), "text"),
    ):
        for row in rows:
            hindi.setdefault((kind, getattr(row, english)), getattr(row, english + "_hi"))
    return hindi


def _nos_store(
    unit: ParsedNos, matched_by_title: bool, findings: list[Finding]
) -> tuple[NationalOccupationalStandard, bool]:
    """Return the NOS row for this content, creating a new revision only if it changed."""
    checksum = _checksum(_nos_canonical(unit))
    current = NationalOccupationalStandard.objects.filter(code=unit.code, is_current=True).first()
    if current is not None and current.content_checksum == checksum:
        return current, False
    if current is not None and matched_by_title:
        # A course outline repeats a NOS by title with less detail (no marks, no description):
        # link to the published NOS rather than replacing it with the outline's copy.
        ours = sum(len(e.performance_criteria) for e in unit.elements)
        theirs = current.performance_criteria.count()
        if ours != theirs:
            findings.append(
                Finding(
                    unit.line,
                    "warning",
                    "nos-differs-from-known",
                    f"{unit.code}: the document lists {ours} performance criteria, "
                    f"the known NOS has {theirs}; the known NOS is used",
                )
            )
        return current, False
    revision = 1
    hindi = _hindi_of(current)
    if current is not None:
        revision = current.revision + 1
        current.is_current = False
        current.save(update_fields=["is_current"])
    else:
        last = (
            NationalOccupationalStandard.objects.filter(code=unit.code)
            .order_by("-revision")
            .first()
        )
        if last is not None:
            revision = last.revision + 1
    nos = NationalOccupationalStandard(
        code=unit.code,
        revision=revision,
        is_current=True,
        framework=unit.framework,
        title=unit.title,
        title_hi=hindi.get(("nos", unit.title), ""),
        description=unit.description,
        scope=unit.scope,
        range_statement=unit.range_statement,
        level=unit.level,
        credits=unit.credits,
        version=unit.version,
        sector=unit.sector,
        sub_sector=unit.sub_sector,
        occupation=unit.occupation,
        code_is_provisional=unit.code_is_provisional,
        content_checksum=checksum,
    )
    _set_marks(nos, unit.marks)
    nos.save()
    pc_position = 0
    for e_position, parsed_element in enumerate(unit.elements, start=1):
        element = Element(
            nos=nos,
            position=e_position,
            title=parsed_element.title,
            title_hi=hindi.get(("element", parsed_element.title), ""),
        )
        _set_marks(element, parsed_element.marks)
        element.save()
        pcs = []
        for parsed_pc in parsed_element.performance_criteria:
            pc_position += 1
            pc = PerformanceCriterion(
                nos=nos,
                element=element,
                position=pc_position,
                code=parsed_pc.code,
                text=parsed_pc.text,
                text_hi=hindi.get(("pc", parsed_pc.text), ""),
            )
            _set_marks(pc, parsed_pc.marks)
            pcs.append(pc)
        PerformanceCriterion.objects.bulk_create(pcs)
    KnowledgeItem.objects.bulk_create(
        KnowledgeItem(
            nos=nos,
            position=i,
            code=k.code,
            text=k.text,
            text_hi=hindi.get(("ku", k.text), ""),
            category=k.category,
        )
        for i, k in enumerate(unit.knowledge, start=1)
    )
    GenericSkill.objects.bulk_create(
        GenericSkill(
            nos=nos,
            position=i,
            code=s.code,
            text=s.text,
            text_hi=hindi.get(("gs", s.text), ""),
            group=s.group,
            category=s.category,
        )
        for i, s in enumerate(unit.skills, start=1)
    )
    return nos, True


def _qp_canonical(qp: ParsedQualificationPack, units: dict[str, NationalOccupationalStandard]):
    return {
        "code": qp.code,
        "title": qp.title,
        "version": qp.version,
        "level": qp.nsqf_level,
        "sector": [qp.sector, qp.sub_sector, qp.occupation, qp.awarding_body],
        "pass": _dec(qp.pass_percentage),
        "description": qp.description,
        "dates": [qp.last_reviewed, qp.next_review, qp.approval_date],
        "nos": [
            [
                ref.code,
                units[ref.code].pk if ref.code in units else None,
                ref.kind,
                _dec(ref.weightage),
                _marks_json(ref.marks),
            ]
            for ref in qp.nos
        ],
    }


def _qp_store(
    parsed: ParsedDocument,
    units: dict[str, NationalOccupationalStandard],
    *,
    source_name: str,
) -> tuple[QualificationPack, bool]:
    qp_parsed = parsed.qualification_pack
    assert qp_parsed is not None
    checksum = _checksum(_qp_canonical(qp_parsed, units))
    current = QualificationPack.objects.filter(code=qp_parsed.code, is_current=True).first()
    if current is not None and current.source_checksum == checksum:
        return current, False
    revision = 1
    previous = QualificationPack.objects.filter(code=qp_parsed.code).order_by("-revision").first()
    if previous is not None:
        revision = previous.revision + 1
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    awarding_body = None
    if qp_parsed.awarding_body:
        awarding_body, _ = AwardingBody.objects.get_or_create(name=qp_parsed.awarding_body)
    sector = None
    if qp_parsed.sector:
        sector, _ = Sector.objects.get_or_create(name=qp_parsed.sector)
    level_framework = (
        QualificationPack.LevelFramework.NVEQF
        if parsed.family == "ssc-os-qp"
        else QualificationPack.LevelFramework.NSQF
    )
    qp = QualificationPack.objects.create(
        code=qp_parsed.code,
        revision=revision,
        is_current=True,
        title=qp_parsed.title,
        title_hi=previous.title_hi if previous and previous.title == qp_parsed.title else "",
        version=qp_parsed.version,
        nsqf_level=qp_parsed.nsqf_level,
        level_framework=level_framework,
        awarding_body=awarding_body,
        sector=sector,
        sub_sector=qp_parsed.sub_sector,
        occupation=qp_parsed.occupation,
        description=qp_parsed.description,
        pass_percentage=qp_parsed.pass_percentage,
        last_reviewed_on=_parse_date(qp_parsed.last_reviewed),
        next_review_on=_parse_date(qp_parsed.next_review),
        approved_on=_parse_date(qp_parsed.approval_date),
        code_is_provisional=qp_parsed.code_is_provisional,
        source_name=source_name,
        source_checksum=checksum,
        document_family=parsed.family,
    )
    links = []
    listed_at: dict[int, int] = {}  # NOS id -> line where the QP first lists it
    for position, ref in enumerate(qp_parsed.nos, start=1):
        nos = units.get(ref.code)
        if nos is None:
            nos = NationalOccupationalStandard.objects.filter(
                code=ref.code, is_current=True
            ).first()
        if nos is None:
            raise DocumentError(
                f"the QP lists {ref.code} ({ref.title}) but the document does not define it "
                "and no NOS with that code is known",
                line=ref.line,
            )
        if nos.pk in listed_at:
            # Two sections that are the same NOS (a repeated section, or two titles that
            # match one known NOS): a QP lists each NOS once.
            raise DocumentError(
                f"the QP lists {nos.code} ({ref.title}) twice, first at line {listed_at[nos.pk]}",
                line=ref.line,
            )
        listed_at[nos.pk] = ref.line
        link = QualificationPackNos(
            qualification_pack=qp,
            nos=nos,
            position=position,
            kind=ref.kind,
            weightage=ref.weightage,
        )
        _set_marks(link, ref.marks)
        links.append(link)
    QualificationPackNos.objects.bulk_create(links)
    return qp, True


def _store(parsed: ParsedDocument, *, source_name: str, source_checksum: str, user) -> ImportReport:
    provisional_before = {id(u): u.code_is_provisional for u in parsed.units}
    _resolve_provisional_codes(parsed)
    stored: dict[str, NationalOccupationalStandard] = {}
    changed = False
    for unit in parsed.units:
        matched = provisional_before[id(unit)] and not unit.code_is_provisional
        nos, nos_changed = _nos_store(unit, matched, parsed.findings)
        stored[unit.code] = nos
        changed |= nos_changed
    qp = None
    qp_changed = False
    if parsed.qualification_pack is not None:
        previous_exists = QualificationPack.objects.filter(
            code=parsed.qualification_pack.code
        ).exists()
        qp, qp_changed = _qp_store(parsed, stored, source_name=source_name)
        changed |= qp_changed
        outcome = (
            "unchanged" if not qp_changed else ("new_revision" if previous_exists else "created")
        )
    else:
        revisions = [n.revision for n in stored.values()]
        outcome = (
            "unchanged"
            if not changed
            else ("new_revision" if any(r > 1 for r in revisions) else "created")
        )
    units = list(stored.values())
    if qp is not None:
        units = [link.nos for link in qp.nos_links.select_related("nos")]
    report = ImportReport(
        source_name=source_name,
        family=parsed.family,
        outcome=outcome,
        qualification_pack=qp,
        units=units,
        findings=list(parsed.findings),
    )
    if changed:
        record = DocumentImport.objects.create(
            source_name=source_name,
            source_checksum=source_checksum,
            family=parsed.family,
            outcome=outcome,
            findings=[
                {"line": f.line, "severity": f.severity, "code": f.code, "message": f.message}
                for f in report.findings
            ],
            qualification_pack=qp,
            imported_by=user if getattr(user, "pk", None) else None,
        )
        record.units.set(units)
    return report


def _text_checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def documents_import(*, documents: Iterable[tuple[str, str]], user=None) -> list[ImportReport]:
    """Import several documents ``(source_name, text)`` in one transaction: all or nothing.

    Every document is parsed before anything is written, so a document that cannot be
    understood stops the whole import with a ``DocumentError`` naming the file.
    """
    parsed_documents: list[tuple[str, str, ParsedDocument]] = []
    for source_name, text in documents:
        try:
            parsed = parse_document(text)
        except DocumentError as exc:
            raise DocumentError(f"{source_name}: {exc}") from exc
        parsed_documents.append((source_name, text, parsed))
    parsed_documents.sort(key=lambda d: _FAMILY_ORDER.get(d[2].family, 0))
    reports = []
    for source_name, text, parsed in parsed_documents:
        try:
            reports.append(
                _store(
                    parsed,
                    source_name=source_name,
                    source_checksum=_text_checksum(text),
                    user=user,
                )
            )
        except DocumentError as exc:
            raise DocumentError(f"{source_name}: {exc}") from exc
    return reports


def document_import(*, text: str, source_name: str, user=None) -> ImportReport:
    """Import one document; see ``documents_import``."""
    return documents_import(documents=[(source_name, text)], user=user)[0]
