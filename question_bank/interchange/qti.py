"""QTI 3.0 packages: a zip with ``imsmanifest.xml`` and one ``qti-assessment-item`` per item and
language (``items/<uid>/<lang>.xml``; a translation is another file of the same item).

Choice items use ``qti-choice-interaction`` (single or multiple cardinality, ``qti-mapping`` for
fractions, the map_response template); numeric items a ``qti-text-entry-interaction`` with float
base type and ``qti-equal`` with an absolute tolerance. Per-option and general feedback are
``qti-modal-feedback`` bound to the FEEDBACK outcome. The NOS/PC/KU/GS tags, status, difficulty
estimate and enemies, which QTI has no place for, are in the manifest (each item file's
metadata) in the ``kaushal`` namespace. Packages are read with defusedxml and a size cap.
"""

from __future__ import annotations

import base64
import io
import json
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

from defusedxml import ElementTree as SafeET

from ..items.content import ItemContent, OptionText, Translation, decimal_or_none
from ..items.html import html_sanitise
from ..items.types import item_type_spec
from ..models import ItemType
from . import qti_foreign, qti_writers
from .common import ItemImportError, ItemRecord, ParsedFile, Problem, not_exportable
from .qti_xml import (
    _COMBINED_IDS,
    QTI,
    XML_LANG,
    _combined_feedback,
    _el,
    _html_from_qti,
    _html_into,
    _q,
    _sub,
    _var,
)

EXTENSION = "qti.zip"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
KAUSHAL = "https://kaushal.example.org/xsd/item-v1"
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAP_RESPONSE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"

ET.register_namespace("", QTI)
ET.register_namespace("kaushal", KAUSHAL)


def _inline_images(html: str, package: zipfile.ZipFile | None, base: str) -> str:
    """Images packaged next to the item (``<img src="images/a.png">``) become data: URLs."""
    if package is None or "<img" not in html:
        return html

    def replace(match: re.Match) -> str:
        src = match.group(2)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(base), src))
        mime = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                "webp": "image/webp"}.get(src.rsplit(".", 1)[-1].lower())  # fmt: skip
        if mime is None or path not in package.namelist():
            return match.group(0)
        data = base64.b64encode(package.read(path)).decode()
        return f'{match.group(1)}"data:{mime};base64,{data}"'

    return re.sub(r'(<img\b[^>]*?\bsrc=)"(?!data:|https?:|/)([^"]+)"', replace, html)


def _html_from(element: ET.Element | None, package=None, base: str = "") -> str:
    if element is None:
        return ""
    parts = [element.text or ""]
    _html_from_qti(element)
    for child in element:
        for node in child.iter():
            if isinstance(node.tag, str) and node.tag.startswith("{"):
                node.tag = node.tag.split("}", 1)[1]
        parts.append(ET.tostring(child, encoding="unicode"))
    return html_sanitise(_inline_images("".join(parts), package, base))


def _item_xml(record: ItemRecord, language: str) -> bytes:
    """One item in one language as QTI 3.0 that another player can run: the interaction of its
    type, response processing written out (so that SCORE and FEEDBACK are set: the modal
    feedback bound to FEEDBACK fires for the chosen options and the general feedback). The
    type's part is its writer in ``qti_writers``, named by its type spec."""
    content = record.content
    translation = content.translations[language]
    data = content.type_data
    writer = item_type_spec(content.item_type).export_writer("qti")
    if writer is None:
        raise ValueError(not_exportable(content.item_type, "qti"))
    item = ET.Element(
        _q("qti-assessment-item"),
        {
            "identifier": f"i-{record.uid}",
            "title": content.name or f"{record.nos_code} {record.pc_ref}".strip() or record.uid,
            "adaptive": "false",
            "time-dependent": "false",
            XML_LANG: language,
        },
    )
    _sub(
        item,
        "qti-outcome-declaration",
        {"identifier": "SCORE", "cardinality": "single", "base-type": "float"},
    )
    _sub(
        item,
        "qti-outcome-declaration",
        {"identifier": "FEEDBACK", "cardinality": "multiple", "base-type": "identifier"},
    )
    body = _sub(item, "qti-item-body")
    stem = _sub(body, "div", {"class": "stem"})
    _html_into(stem, translation.stem_html)
    w = qti_writers.QtiItem(item, body, ET.Element(_q("qti-response-processing")), content,
                            translation)  # fmt: skip
    writer(w)
    processing, feedbacks = w.processing, w.feedbacks
    # FEEDBACK: the answer's feedback (set above per branch, or the chosen options), the
    # combined feedback for the score reached and the general feedback, in any player.
    feedback_value = _el("qti-multiple", {}, _var("FEEDBACK"))
    if w.response_is_feedback:
        feedback_value.append(_var())
    general = _el("qti-base-value", {"base-type": "identifier"})
    general.text = "GENERAL"
    feedback_value.append(general)
    _sub(processing, "qti-set-outcome-value", {"identifier": "FEEDBACK"}).append(feedback_value)
    combined = data.get("combined_feedback", {})
    if any(combined.values()) and w.responses:  # a cloze item has RESPONSE_1, RESPONSE_2...
        _combined_feedback(processing)
        for tag, identifier in _COMBINED_IDS.items():
            feedbacks.append((identifier, combined.get(tag, "")))
    item.append(processing)
    feedbacks.append(("GENERAL", translation.general_feedback_html))
    for identifier, html in feedbacks:
        if not html:
            continue
        modal = _sub(
            item,
            "qti-modal-feedback",
            {"outcome-identifier": "FEEDBACK", "identifier": identifier, "show-hide": "show"},
        )
        _html_into(_sub(modal, "qti-content-body"), html)
    # No ET.indent here: it would add whitespace inside the item's mixed-content HTML.
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(item, encoding="utf-8")


ORIGINAL_TYPES = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_RESPONSE, ItemType.TRUE_FALSE,
                  ItemType.NUMERIC)  # fmt: skip


def _metadata(parent: ET.Element, record: ItemRecord, language: str) -> None:
    meta = ET.SubElement(
        ET.SubElement(parent, f"{{{CP}}}metadata"),
        f"{{{KAUSHAL}}}item",
        {"uid": record.uid, "nos": record.nos_code, "pc": record.pc_ref, "status": record.status,
         "type": record.content.item_type, "language": language},
    )  # fmt: skip
    content = record.content
    if content.difficulty_estimate is not None:
        meta.set("difficulty", str(content.difficulty_estimate))
    # What QTI has no place for, so that our own packages lose nothing on the way back.
    t = content.translations[language]
    extra = {
        "name": content.name, "default_mark": str(content.default_mark),
        "penalty": None if content.penalty is None else str(content.penalty),
        "shuffle_options": content.shuffle_options, "type_data": content.type_data,
        "source_category": record.source_category, "source_tags": record.source_tags,
        "source_id": record.source_id,
    }  # fmt: skip
    if content.item_type not in ORIGINAL_TYPES:
        extra["options"] = [[k, str(f)] for k, f in content.options]
        extra["translation"] = {
            "stem_html": t.stem_html, "general_feedback_html": t.general_feedback_html,
            "options": {k: [o.html, o.feedback_html] for k, o in t.options.items()},
        }  # fmt: skip
    ET.SubElement(meta, f"{{{KAUSHAL}}}extra").text = json.dumps(extra, ensure_ascii=False)
    for code in record.knowledge_codes:
        ET.SubElement(meta, f"{{{KAUSHAL}}}knowledge-item", {"code": code})
    for code in record.generic_skill_codes:
        ET.SubElement(meta, f"{{{KAUSHAL}}}generic-skill", {"code": code})
    for uid in record.enemies:
        ET.SubElement(meta, f"{{{KAUSHAL}}}enemy", {"uid": uid})


def render(records: list[ItemRecord], *, qualification_pack_code: str) -> bytes:
    manifest = ET.Element(
        f"{{{CP}}}manifest", {"identifier": "kaushal-" + qualification_pack_code.replace("/", "-")}
    )
    package_meta = ET.SubElement(manifest, f"{{{CP}}}metadata")
    ET.SubElement(package_meta, f"{{{CP}}}schema").text = "QTI Package"
    ET.SubElement(package_meta, f"{{{CP}}}schemaversion").text = "3.0.0"
    ET.SubElement(manifest, f"{{{CP}}}organizations")
    resources = ET.SubElement(manifest, f"{{{CP}}}resources")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for record in records:
            for language in sorted(record.content.translations):
                href = f"items/{record.uid}/{language}.xml"
                package.writestr(href, _item_xml(record, language))
                resource = ET.SubElement(
                    resources, f"{{{CP}}}resource",
                    {"identifier": f"r-{record.uid}-{language}", "type": "imsqti_item_xmlv3p0",
                     "href": href},
                )  # fmt: skip
                # The QTI profile of CP allows only QTI, curriculum-standards and LOM metadata
                # on a resource; a file's metadata takes elements of any other namespace.
                _metadata(
                    ET.SubElement(resource, f"{{{CP}}}file", {"href": href}), record, language
                )
        ET.register_namespace("", CP)
        ET.indent(manifest)
        xml = ET.tostring(manifest, encoding="utf-8", xml_declaration=True)
        ET.register_namespace("", QTI)
        package.writestr("imsmanifest.xml", xml)
    return buffer.getvalue()


def _line_of(error: Exception) -> int:
    return getattr(error, "position", (0, 0))[0]


def parse(data: bytes, *, source: str = "") -> list[ItemRecord]:
    return read(data, source=source).strict()


def read(data: bytes, *, source: str = "") -> ParsedFile:
    """A QTI 3.0 or 2.1 package (zip with imsmanifest.xml) or one item file, from any producer.
    Kaushal's own packages carry our metadata; others are read by ``qti_foreign``."""
    if data[:2] != b"PK" and b"<" in data[:200]:
        return qti_foreign.item_file_read(data, source=source)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ItemImportError([Problem(0, "-", "not a zip file (a QTI package is a zip)")]) from exc
    if sum(info.file_size for info in package.infolist()) > MAX_PACKAGE_BYTES:
        raise ItemImportError([Problem(0, "-", "the package is too large when unpacked")])
    names = set(package.namelist())
    if "imsmanifest.xml" not in names:
        raise ItemImportError([Problem(0, "-", "no imsmanifest.xml in the package")])
    try:
        manifest = SafeET.fromstring(package.read("imsmanifest.xml"))
    except Exception as exc:
        raise ItemImportError(
            [Problem(_line_of(exc), "-", f"imsmanifest.xml: {exc}", "imsmanifest.xml")]
        ) from exc
    if not any(True for _ in manifest.iter(f"{{{KAUSHAL}}}item")):
        return qti_foreign.package_read(package, manifest)
    problems: list[Problem] = []
    records: dict[str, ItemRecord] = {}
    for index, resource in enumerate(manifest.iter(f"{{{CP}}}resource"), start=1):
        href = resource.get("href", "")
        # In the file's metadata (and, in packages before that, the resource's).
        meta = resource.find(f".//{{{CP}}}metadata/{{{KAUSHAL}}}item")
        label = meta.get("uid", "") if meta is not None else href
        if meta is None:
            problems.append(Problem(index, label, "resource without kaushal:item metadata", href))
            continue
        if href not in names:
            problems.append(Problem(index, label, f"{href} is missing from the package", href))
            continue
        extra_element = meta.find(f"{{{KAUSHAL}}}extra")
        extra = json.loads(extra_element.text or "{}") if extra_element is not None else {}
        try:
            item = SafeET.fromstring(package.read(href))
            if "translation" in extra:  # a type beyond choice/numeric: our metadata has it all
                t = extra["translation"]
                translation = Translation(
                    t["stem_html"], t["general_feedback_html"],
                    {k: OptionText(h, f) for k, (h, f) in t["options"].items()},
                )  # fmt: skip
                options = [(k, Decimal(f)) for k, f in extra["options"]]
                language = item.get(XML_LANG, "en")
                numeric = (
                    decimal_or_none(
                        item.findtext(
                            f"{_q('qti-response-declaration')}/{_q('qti-correct-response')}/{_q('qti-value')}"
                        )
                    )
                    if meta.get("type") == ItemType.NUMERIC
                    else None
                )
                tolerance = None
            else:
                language, translation, options, numeric, tolerance = _read_item(item, package, href)
        except ValueError as exc:
            problems.append(Problem(0, label, str(exc), href))
            continue
        except Exception as exc:
            problems.append(Problem(_line_of(exc), label, f"not a valid item: {exc}", href))
            continue
        uid = meta.get("uid", "")
        language = meta.get("language") or language
        record = records.get(uid)
        if record is None:
            difficulty = meta.get("difficulty")
            record = ItemRecord(
                uid=uid,
                nos_code=meta.get("nos", ""),
                pc_ref=meta.get("pc", ""),
                status=meta.get("status", "draft"),
                knowledge_codes=[
                    e.get("code", "") for e in meta.findall(f"{{{KAUSHAL}}}knowledge-item")
                ],
                generic_skill_codes=[
                    e.get("code", "") for e in meta.findall(f"{{{KAUSHAL}}}generic-skill")
                ],
                enemies=[e.get("uid", "") for e in meta.findall(f"{{{KAUSHAL}}}enemy")],
                content=ItemContent(
                    item_type=meta.get("type", ""),
                    translations={},
                    options=options,
                    numeric_answer=numeric,
                    numeric_tolerance=tolerance,
                    difficulty_estimate=int(difficulty)
                    if difficulty and difficulty.isdigit()
                    else None,
                ),
                line=index,
                source=href,
            )
            if extra:
                c = record.content
                c.name, c.shuffle_options = (
                    extra.get("name", ""),
                    extra.get("shuffle_options", True),
                )
                c.default_mark = Decimal(extra.get("default_mark") or 1)
                c.penalty = decimal_or_none(extra.get("penalty"))
                c.type_data = extra.get("type_data") or {}
                record.source_category = extra.get("source_category", "")
                record.source_tags = extra.get("source_tags") or []
                record.source_id = extra.get("source_id", "")
            records[uid] = record
        elif [k for k, _ in record.content.options] != [k for k, _ in options]:
            problems.append(Problem(index, label, "translations disagree on the options", href))
        record.content.translations[language] = translation
    return ParsedFile(list(records.values()), problems)


def _read_item(item: ET.Element, package: zipfile.ZipFile | None = None, href: str = ""):
    if item.tag != _q("qti-assessment-item"):
        raise ValueError("the root element is not a QTI 3.0 qti-assessment-item")
    language = item.get(XML_LANG, "en")
    declaration = item.find(_q("qti-response-declaration"))
    if declaration is None:
        raise ValueError("no qti-response-declaration")
    body = item.find(_q("qti-item-body"))
    if body is None:
        raise ValueError("no qti-item-body")
    stem = body.find(f"{_q('div')}[@class='stem']")
    feedback = {
        m.get("identifier"): _html_from(m.find(_q("qti-content-body")), package, href)
        for m in item.findall(_q("qti-modal-feedback"))
    }
    translation = Translation(
        stem_html=_html_from(stem, package, href), general_feedback_html=feedback.get("GENERAL", "")
    )
    options: list[tuple[str, Decimal]] = []
    numeric = tolerance = None
    if declaration.get("base-type") == "float":
        numeric = decimal_or_none(
            declaration.findtext(f"{_q('qti-correct-response')}/{_q('qti-value')}")
        )
        equal = item.find(f".//{_q('qti-equal')}")
        tolerance = decimal_or_none(
            (equal.get("tolerance", "0") if equal is not None else "0").split()[0]
        )
    else:
        mapping = {
            e.get("map-key"): decimal_or_none(e.get("mapped-value")) or Decimal(0)
            for e in declaration.iter(_q("qti-map-entry"))
        }
        correct = [v.text for v in declaration.iter(_q("qti-value"))]
        for choice in body.iter(_q("qti-simple-choice")):
            key = choice.get("identifier", "")
            fraction = mapping.get(key, Decimal(1 if key in correct else 0))
            options.append((key, fraction))
            translation.options[key] = OptionText(
                _html_from(choice, package, href), feedback.get(key, "")
            )
    return language, translation, options, numeric, tolerance
