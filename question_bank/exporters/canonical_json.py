"""The canonical JSON form of the framework: what other systems and our own tests compare against.

A list, sorted by code, of QPs ``{code, title, version, nsqf_level, pass_percentage, nos: [...]}``
and standalone units (which add ``framework`` and list themselves as their only NOS). Each NOS
carries its elements with their performance criteria, then its knowledge items and generic skills,
in document order. Marks and weightages are JSON numbers (2, 4.5) or null where the document gives
none; keys keep the order written here, so two exports of the same data are byte-identical.
"""

from __future__ import annotations

import json
from typing import Any

from .common import ExportedNos, ExportedPack, json_marks, json_number


def nos_object(exported: ExportedNos) -> dict[str, Any]:
    nos = exported.nos
    return {
        "code": nos.code,
        "title": nos.title,
        "weightage": json_number(exported.weightage),
        "kind": exported.kind,
        "marks": json_marks(exported.marks_dict()),
        "elements": [
            {
                "title": item.element.title,
                "marks": json_marks(item.element.marks_dict()),
                "performance_criteria": [
                    {"code": pc.code, "text": pc.text, "marks": json_marks(pc.marks_dict())}
                    for pc in item.performance_criteria
                ],
            }
            for item in exported.elements
        ],
        "knowledge": [{"code": ku.code, "text": ku.text} for ku in exported.knowledge],
        "skills": [{"code": gs.code, "text": gs.text} for gs in exported.skills],
    }


def pack_object(pack: ExportedPack) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": pack.code,
        "title": pack.title,
        "version": pack.version,
        "nsqf_level": pack.level,
        "pass_percentage": json_number(pack.pass_percentage),
    }
    if pack.unit is not None:
        data["framework"] = pack.framework
    data["nos"] = [nos_object(exported) for exported in pack.nos]
    return data


def render(packs: list[ExportedPack]) -> str:
    return json.dumps([pack_object(p) for p in packs], indent=2, ensure_ascii=False) + "\n"
