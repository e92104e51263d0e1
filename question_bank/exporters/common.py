"""What every export format reads: the current QPs and standalone units, loaded in one go.

An export walks QualificationPack -> (QualificationPackNos: position, kind, weightage, marks) ->
NationalOccupationalStandard -> Element -> PerformanceCriterion, with KnowledgeItem and
GenericSkill hanging off the NOS. A standalone unit (a Hong Kong unit of competency, or any current
NOS that no current QP lists) is exported like a QP of its own whose only NOS is the unit itself,
so every format handles both with the same code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch

from question_bank.models import (
    Element,
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
    QualificationPackNos,
)
from question_bank.selectors import standalone_unit_list


class ExportError(ValueError):
    """The export cannot be made as asked (unknown code, unknown format); nothing was written."""


@dataclass(frozen=True)
class ExportedElement:
    element: Element
    performance_criteria: list[PerformanceCriterion]


@dataclass(frozen=True)
class ExportedNos:
    """A NOS as one QP uses it; ``link`` is ``None`` for a standalone unit."""

    nos: NationalOccupationalStandard
    link: QualificationPackNos | None
    elements: list[ExportedElement]
    knowledge: list[KnowledgeItem]
    skills: list[GenericSkill]

    @property
    def position(self) -> int:
        return self.link.position if self.link is not None else 1

    @property
    def weightage(self) -> Decimal | None:
        return self.link.weightage if self.link is not None else None

    @property
    def kind(self) -> str | None:
        return self.link.kind if self.link is not None else None

    def marks_dict(self) -> dict[str, Decimal | None]:
        """The QP's own marks for this NOS (its weightage table) where it gives them, else the
        NOS Total row: the QP can weigh a shared NOS differently from the NOS document."""
        if self.link is not None:
            link_marks = {
                "theory": self.link.theory_marks,
                "practical": self.link.practical_marks,
                "project": self.link.project_marks,
                "viva": self.link.viva_marks,
            }
            if any(v is not None for v in link_marks.values()):
                return link_marks
        return self.nos.marks_dict()


@dataclass(frozen=True)
class ExportedPack:
    """One top-level export object: a current QP, or a standalone unit (``unit`` set)."""

    code: str
    title: str
    version: str
    level: str
    pass_percentage: Decimal | None
    description: str
    creator: str
    sector: str
    created_at: datetime
    qualification_pack: QualificationPack | None = None
    unit: NationalOccupationalStandard | None = None
    nos: list[ExportedNos] = field(default_factory=list)

    @property
    def framework(self) -> str | None:
        return self.unit.framework if self.unit is not None else None


def _nos_prefetches(prefix: str) -> list[Prefetch]:
    return [
        Prefetch(f"{prefix}elements", queryset=Element.objects.order_by("position")),
        Prefetch(
            f"{prefix}performance_criteria",
            queryset=PerformanceCriterion.objects.order_by("position", "pk"),
        ),
        Prefetch(
            f"{prefix}knowledge_items", queryset=KnowledgeItem.objects.order_by("position", "pk")
        ),
        Prefetch(
            f"{prefix}generic_skills", queryset=GenericSkill.objects.order_by("position", "pk")
        ),
    ]


def _exported_nos(
    nos: NationalOccupationalStandard, link: QualificationPackNos | None
) -> ExportedNos:
    by_element: dict[int, list[PerformanceCriterion]] = defaultdict(list)
    for pc in nos.performance_criteria.all():
        by_element[pc.element_id].append(pc)
    return ExportedNos(
        nos=nos,
        link=link,
        elements=[
            ExportedElement(element=e, performance_criteria=by_element[e.pk])
            for e in nos.elements.all()
        ],
        knowledge=list(nos.knowledge_items.all()),
        skills=list(nos.generic_skills.all()),
    )


def _pack_from_qp(qp: QualificationPack) -> ExportedPack:
    return ExportedPack(
        code=qp.code,
        title=qp.title,
        version=qp.version,
        level=qp.nsqf_level,
        pass_percentage=qp.pass_percentage,
        description=qp.description,
        creator=qp.awarding_body.name if qp.awarding_body else "",
        sector=qp.sector.name if qp.sector else "",
        created_at=qp.created_at,
        qualification_pack=qp,
        nos=[_exported_nos(link.nos, link) for link in qp.nos_links.all()],
    )


def _pack_from_unit(unit: NationalOccupationalStandard) -> ExportedPack:
    return ExportedPack(
        code=unit.code,
        title=unit.title,
        version=unit.version,
        level=unit.level,
        pass_percentage=None,
        description=unit.description,
        creator="",
        sector=unit.sector,
        created_at=unit.created_at,
        unit=unit,
        nos=[_exported_nos(unit, None)],
    )


def exported_packs(*, codes: list[str] | None) -> list[ExportedPack]:
    """Current QPs and standalone units with these codes (all of them for ``None``), by code.

    Only ``is_current`` revisions are exported: an old revision stays in the database for the
    items that point to it but is no longer the published framework. An unknown code raises
    ``ExportError`` naming every code that was not found.
    """
    packs = (
        QualificationPack.objects.filter(is_current=True)
        .select_related("awarding_body", "sector")
        .prefetch_related(
            Prefetch(
                "nos_links",
                queryset=QualificationPackNos.objects.select_related("nos").order_by(
                    "position", "pk"
                ),
            ),
            *_nos_prefetches("nos_links__nos__"),
        )
    )
    units = standalone_unit_list().prefetch_related(*_nos_prefetches(""))
    if codes is not None:
        wanted = list(dict.fromkeys(codes))
        packs = packs.filter(code__in=wanted)
        units = units.filter(code__in=wanted)
    found = [_pack_from_qp(qp) for qp in packs] + [_pack_from_unit(u) for u in units]
    if codes is not None:
        missing = [c for c in wanted if c not in {p.code for p in found}]
        if missing:
            raise ExportError(_unknown_codes_message(missing))
    return sorted(found, key=lambda p: p.code)


def _unknown_codes_message(missing: list[str]) -> str:
    parts = []
    for code in missing:
        listed_in = sorted(
            QualificationPackNos.objects.filter(
                nos__code=code, nos__is_current=True, qualification_pack__is_current=True
            ).values_list("qualification_pack__code", flat=True)
        )
        if listed_in:
            parts.append(f"{code} is a NOS of {', '.join(listed_in)}: export the QP instead")
        else:
            parts.append(f"{code} is not the code of a current QP or standalone unit")
    return "; ".join(parts)


def json_number(value: Decimal | None) -> int | float | None:
    """Marks and weightages as JSON numbers: 2 (not 2.00), 4.5, or null where absent."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def json_marks(marks: dict[str, Decimal | None]) -> dict[str, int | float | None]:
    return {key: json_number(value) for key, value in marks.items()}


def unique_id(wanted: str, used: set[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... if taken: documents repeat PC codes
    (ASC/N0004 lists PC6 twice), and exports need one ID per criterion."""
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}-{n}"
    used.add(candidate)
    return candidate


@dataclass
class NosIds:
    """The ID (code path) of every node under one NOS, unique within the exported pack:
    ``ASC/N0004``, ``ASC/N0004/E1``, ``ASC/N0004/PC6``, ``ASC/N0004/PC6-2``, ``ASC/N0004/KU``,
    ``ASC/N0004/KU3``, ``ASC/N0004/GS``, ``ASC/N0004/GS4``. Moodle ID numbers and the CASE
    identifiers (uuid5 of these paths) both come from here, so the two formats agree."""

    nos: str
    elements: dict[int, str] = field(default_factory=dict)
    performance_criteria: dict[int, str] = field(default_factory=dict)
    knowledge_group: str = ""
    knowledge: dict[int, str] = field(default_factory=dict)
    skills_group: str = ""
    skills: dict[int, str] = field(default_factory=dict)


def nos_ids(exported: ExportedNos, used: set[str]) -> NosIds:
    code = exported.nos.code
    ids = NosIds(nos=unique_id(code, used))
    for item in exported.elements:
        element = item.element
        ids.elements[element.pk] = unique_id(f"{code}/E{element.position}", used)
        for pc in item.performance_criteria:
            ids.performance_criteria[pc.pk] = unique_id(
                f"{code}/{pc.code or f'PC{pc.position}'}", used
            )
    if exported.knowledge:
        ids.knowledge_group = unique_id(f"{code}/KU", used)
        for ku in exported.knowledge:
            ids.knowledge[ku.pk] = unique_id(f"{code}/{ku.code or f'KU{ku.position}'}", used)
    if exported.skills:
        ids.skills_group = unique_id(f"{code}/GS", used)
        for gs in exported.skills:
            ids.skills[gs.pk] = unique_id(f"{code}/{gs.code or f'GS{gs.position}'}", used)
    return ids
