"""A QP as a 1EdTech CASE 1.1 CFPackage (Competencies and Academic Standards Exchange).

One package per QP or standalone unit: the CFDocument is the QP, the CFItems are its NOS,
elements, performance criteria, knowledge items and generic skills, and every item has one
``isChildOf`` CFAssociation to its parent (origin = child, destination = parent; a NOS's parent is
the CFDocument). Inside a package CASE 1.1 uses the "Pckg" forms, which have no
``CFPackageURI``/``CFDocumentURI`` and do not allow extra properties, and never null: optional
fields with no value are left out.

Identifiers are uuid5 of a fixed namespace and the node's code path (``ASC/Q0202`` +
``ASC/N0004/PC6-2``), so exporting the same data twice gives the same identifiers, and a new
revision of a QP keeps them while ``lastChangeDateTime`` (the revision's ``created_at``) moves.
URIs are ``KAUSHAL_CASE_BASE_URI`` + ``CFItems/<identifier>`` (and CFDocuments/, ...).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from .common import ExportedNos, ExportedPack, NosIds, json_marks, json_number, nos_ids

DEFAULT_BASE_URI = "https://kaushal.example/case/"
CASE_VERSION = "1.1"
# Fixed for ever: changing it would change every identifier ever published.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://kaushal.example/case/identifiers")
DEFAULT_CREATOR = "Kaushal"

# title -> (typeCode, hierarchyCode, description)
ITEM_TYPES: dict[str, tuple[str, str, str]] = {
    "NOS": ("NOS", "1", "National Occupational Standard"),
    "Unit of Competency": ("UoC", "1", "Unit of competency (Hong Kong SCS)"),
    "Element": ("Element", "1.1", "Element of a NOS: a group of performance criteria"),
    "Performance Criterion": ("PC", "1.1.1", "Performance criterion of a NOS element"),
    "Knowledge Item": ("KU", "1.2", "Knowledge and understanding required by a NOS"),
    "Generic Skill": ("GS", "1.3", "Generic (core, professional or technical) skill of a NOS"),
}


def base_uri() -> str:
    return str(getattr(settings, "KAUSHAL_CASE_BASE_URI", DEFAULT_BASE_URI)).rstrip("/") + "/"


def case_identifier(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def case_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` and whole seconds, the form CASE validators accept."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _link(title: str, identifier: str, uri: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": uri}


def _marks_extension(marks: dict[str, Decimal | None]) -> dict[str, Any]:
    """Marks are not CASE properties; they travel as an extension, with only the given ones."""
    given = {name: value for name, value in json_marks(marks).items() if value is not None}
    return {"extensions": {"marks": given}} if given else {}


class _PackageBuilder:
    def __init__(self, pack: ExportedPack) -> None:
        self.pack = pack
        self.base = base_uri()
        self.changed = case_datetime(pack.created_at)
        self.items: list[dict[str, Any]] = []
        self.associations: list[dict[str, Any]] = []
        self.types_used: list[str] = []
        doc_id = case_identifier("CFDocument", pack.code)
        self.document_link = _link(pack.title, doc_id, f"{self.base}CFDocuments/{doc_id}")

    def _type_link(self, title: str) -> dict[str, str]:
        if title not in self.types_used:
            self.types_used.append(title)
        identifier = case_identifier("CFItemType", title)
        return _link(title, identifier, f"{self.base}CFItemTypes/{identifier}")

    def item(
        self,
        *,
        path: str,
        item_type: str,
        statement: str,
        code: str,
        position: int,
        changed: str,
        parent: dict[str, str],
        extra: dict[str, Any] | None = None,
    ) -> dict[str, str]:
        identifier = case_identifier("CFItem", self.pack.code, path)
        uri = f"{self.base}CFItems/{identifier}"
        item: dict[str, Any] = {
            "identifier": identifier,
            "uri": uri,
            "fullStatement": statement,
        }
        if code:
            item["humanCodingScheme"] = code
        item["listEnumeration"] = str(position)
        item["CFItemType"] = item_type
        item["CFItemTypeURI"] = self._type_link(item_type)
        item["language"] = "en"
        item["lastChangeDateTime"] = changed
        item.update(extra or {})
        self.items.append(item)
        link = _link(statement, identifier, uri)
        association_id = case_identifier("CFAssociation", self.pack.code, path, "isChildOf")
        self.associations.append(
            {
                "identifier": association_id,
                "associationType": "isChildOf",
                "sequenceNumber": position,
                "uri": f"{self.base}CFAssociations/{association_id}",
                "originNodeURI": link,
                "destinationNodeURI": parent,
                "lastChangeDateTime": changed,
            }
        )
        return link

    def nos(self, exported: ExportedNos, ids: NosIds) -> None:
        nos = exported.nos
        changed = case_datetime(nos.created_at)
        extra: dict[str, Any] = {}
        if nos.description:
            extra["notes"] = nos.description
        extra.update(_marks_extension(exported.marks_dict()))
        if exported.weightage is not None:
            extra.setdefault("extensions", {})["weightage"] = json_number(exported.weightage)
        nos_link = self.item(
            path=ids.nos,
            item_type="Unit of Competency" if self.pack.unit is not None else "NOS",
            statement=nos.title,
            code=nos.code,
            position=exported.position,
            changed=changed,
            parent=self.document_link,
            extra=extra,
        )
        for item in exported.elements:
            element = item.element
            element_link = self.item(
                path=ids.elements[element.pk],
                item_type="Element",
                statement=element.title,
                code="",
                position=element.position,
                changed=changed,
                parent=nos_link,
                extra=_marks_extension(element.marks_dict()),
            )
            for pc in item.performance_criteria:
                self.item(
                    path=ids.performance_criteria[pc.pk],
                    item_type="Performance Criterion",
                    statement=pc.text,
                    code=pc.code,
                    position=pc.position,
                    changed=changed,
                    parent=element_link,
                    extra=_marks_extension(pc.marks_dict()),
                )
        for ku in exported.knowledge:
            self.item(
                path=ids.knowledge[ku.pk],
                item_type="Knowledge Item",
                statement=ku.text,
                code=ku.code,
                position=ku.position,
                changed=changed,
                parent=nos_link,
                extra={"notes": ku.category} if ku.category else None,
            )
        for gs in exported.skills:
            self.item(
                path=ids.skills[gs.pk],
                item_type="Generic Skill",
                statement=gs.text,
                code=gs.code,
                position=gs.position,
                changed=changed,
                parent=nos_link,
                extra={"notes": gs.group} if gs.group else None,
            )

    def document(self) -> dict[str, Any]:
        pack = self.pack
        qp = pack.qualification_pack
        document: dict[str, Any] = {
            "identifier": self.document_link["identifier"],
            "uri": self.document_link["uri"],
            "frameworkType": "Unit of Competency"
            if pack.unit is not None
            else "Qualification Pack",
            "caseVersion": CASE_VERSION,
            "creator": pack.creator
            or str(getattr(settings, "KAUSHAL_CASE_CREATOR", DEFAULT_CREATOR)),
            "title": pack.title,
            "lastChangeDateTime": self.changed,
        }
        if pack.creator:
            document["publisher"] = pack.creator
        if pack.description:
            document["description"] = pack.description
        if pack.sector:
            document["subject"] = [pack.sector]
        document["language"] = "en"
        if pack.version:
            document["version"] = pack.version
        if qp is not None and qp.approved_on:
            document["adoptionStatus"] = "Adopted"
            document["statusStartDate"] = qp.approved_on.isoformat()
        facts = [f"Code {pack.code}"]
        if pack.level:
            facts.append(f"level {pack.level}")
        if pack.pass_percentage is not None:
            facts.append(f"pass percentage {json_number(pack.pass_percentage)}")
        document["notes"] = "; ".join(facts)
        return document

    def package(self) -> dict[str, Any]:
        used: set[str] = set()
        for exported in self.pack.nos:
            self.nos(exported, nos_ids(exported, used))
        return {
            "CFDocument": self.document(),
            "CFItems": self.items,
            "CFAssociations": self.associations,
            "CFDefinitions": {
                "CFItemTypes": [self._item_type(title) for title in self.types_used],
            },
        }

    def _item_type(self, title: str) -> dict[str, Any]:
        type_code, hierarchy_code, description = ITEM_TYPES[title]
        link = self._type_link(title)
        return {
            "identifier": link["identifier"],
            "uri": link["uri"],
            "title": title,
            "description": description,
            "hierarchyCode": hierarchy_code,
            "typeCode": type_code,
            "lastChangeDateTime": self.changed,
        }


def package(pack: ExportedPack) -> dict[str, Any]:
    return _PackageBuilder(pack).package()


def render(packs: list[ExportedPack], *, as_list: bool) -> str:
    """One package as an object, or (``as_list``) a JSON list of packages."""
    data: Any = [package(p) for p in packs] if as_list else package(packs[0])
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
