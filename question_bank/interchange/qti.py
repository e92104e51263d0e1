"""QTI 3.0 packages: a zip with ``imsmanifest.xml`` and one ``qti-assessment-item`` per item and
language (``items/<uid>/<lang>.xml``; a translation is another file of the same item).

Choice items use ``qti-choice-interaction`` (single or multiple cardinality, ``qti-mapping`` for
fractions, the map_response template); numeric items a ``qti-text-entry-interaction`` with float
base type and ``qti-equal`` with an absolute tolerance. Per-option and general feedback are
``qti-modal-feedback`` bound to the FEEDBACK outcome. The NOS/PC/KU/GS tags, status, difficulty
estimate and enemies, which QTI has no place for, are in the manifest's resource metadata in the
``kaushal`` namespace. Packages are read with defusedxml and a size cap.
"""

from __future__ import annotations

import base64
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

from defusedxml import ElementTree as SafeET

from ..items.content import ItemContent, OptionText, Translation, decimal_or_none
from ..items.html import html_sanitise
from ..models import ItemType
from . import qti_foreign
from .common import ItemImportError, ItemRecord, ParsedFile, Problem

EXTENSION = "qti.zip"
QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
KAUSHAL = "https://kaushal.example.org/xsd/item-v1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAP_RESPONSE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"

ET.register_namespace("", QTI)
ET.register_namespace("kaushal", KAUSHAL)


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def _html_into(parent: ET.Element, html: str) -> None:
    """Append sanitised (well-formed, XHTML-style) HTML as QTI-namespaced elements."""
    fragment = SafeET.fromstring(f'<div xmlns="{QTI}">{html_sanitise(html)}</div>')
    parent.text = fragment.text
    for child in list(fragment):
        parent.append(child)


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
    for child in element:
        for node in child.iter():
            if isinstance(node.tag, str) and node.tag.startswith("{"):
                node.tag = node.tag.split("}", 1)[1]
        parts.append(ET.tostring(child, encoding="unicode"))
    return html_sanitise(_inline_images("".join(parts), package, base))


def _item_xml(record: ItemRecord, language: str) -> bytes:
    content = record.content
    translation = content.translations[language]
    multiple = content.item_type == ItemType.MULTIPLE_RESPONSE
    item = ET.Element(
        _q("qti-assessment-item"),
        {"identifier": f"i-{record.uid}", "title": f"{record.nos_code} {record.pc_ref}",
         "adaptive": "false", "time-dependent": "false", XML_LANG: language},
    )  # fmt: skip
    numeric = content.item_type == ItemType.NUMERIC
    declaration = ET.SubElement(
        item,
        _q("qti-response-declaration"),
        {"identifier": "RESPONSE", "cardinality": "multiple" if multiple else "single",
         "base-type": "float" if numeric else "identifier"},
    )  # fmt: skip
    correct = ET.SubElement(declaration, _q("qti-correct-response"))
    if numeric:
        ET.SubElement(correct, _q("qti-value")).text = format(content.numeric_answer, "f")
    else:
        for key in content.correct_keys:
            ET.SubElement(correct, _q("qti-value")).text = key
        mapping = ET.SubElement(
            declaration, _q("qti-mapping"), {"default-value": "0", "lower-bound": "0"}
        )
        for key, fraction in content.options:
            ET.SubElement(
                mapping, _q("qti-map-entry"),
                {"map-key": key, "mapped-value": format(Decimal(fraction).normalize(), "f")},
            )  # fmt: skip
    ET.SubElement(
        item, _q("qti-outcome-declaration"),
        {"identifier": "SCORE", "cardinality": "single", "base-type": "float"},
    )  # fmt: skip
    ET.SubElement(
        item, _q("qti-outcome-declaration"),
        {"identifier": "FEEDBACK", "cardinality": "multiple", "base-type": "identifier"},
    )  # fmt: skip
    body = ET.SubElement(item, _q("qti-item-body"))
    stem = ET.SubElement(body, _q("div"), {"class": "stem"})
    _html_into(stem, translation.stem_html)
    if numeric:
        ET.SubElement(
            body, _q("qti-text-entry-interaction"),
            {"response-identifier": "RESPONSE", "expected-length": "12"},
        )  # fmt: skip
        processing = ET.SubElement(item, _q("qti-response-processing"))
        condition = ET.SubElement(processing, _q("qti-response-condition"))
        branch = ET.SubElement(condition, _q("qti-response-if"))
        tolerance = format(content.numeric_tolerance or 0, "f")
        equal = ET.SubElement(
            branch, _q("qti-equal"),
            {"tolerance-mode": "absolute", "tolerance": f"{tolerance} {tolerance}"},
        )  # fmt: skip
        ET.SubElement(equal, _q("qti-variable"), {"identifier": "RESPONSE"})
        ET.SubElement(equal, _q("qti-correct"), {"identifier": "RESPONSE"})
        outcome = ET.SubElement(branch, _q("qti-set-outcome-value"), {"identifier": "SCORE"})
        ET.SubElement(outcome, _q("qti-base-value"), {"base-type": "float"}).text = "1"
    else:
        interaction = ET.SubElement(
            body, _q("qti-choice-interaction"),
            {"response-identifier": "RESPONSE", "shuffle": "true",
             "max-choices": "0" if multiple else "1"},
        )  # fmt: skip
        for key, _ in content.options:
            choice = ET.SubElement(interaction, _q("qti-simple-choice"), {"identifier": key})
            _html_into(choice, translation.options[key].html)
        ET.SubElement(item, _q("qti-response-processing"), {"template": MAP_RESPONSE})
    feedbacks = [(key, translation.options[key].feedback_html) for key, _ in content.options]
    feedbacks.append(("GENERAL", translation.general_feedback_html))
    for identifier, html in feedbacks:
        if not html:
            continue
        modal = ET.SubElement(
            item, _q("qti-modal-feedback"),
            {"outcome-identifier": "FEEDBACK", "identifier": identifier, "show-hide": "show"},
        )  # fmt: skip
        _html_into(ET.SubElement(modal, _q("qti-content-body")), html)
    # No ET.indent here: it would add whitespace inside the item's mixed-content HTML.
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(item, encoding="utf-8")


def _metadata(parent: ET.Element, record: ItemRecord, language: str) -> None:
    meta = ET.SubElement(
        ET.SubElement(parent, f"{{{CP}}}metadata"),
        f"{{{KAUSHAL}}}item",
        {"uid": record.uid, "nos": record.nos_code, "pc": record.pc_ref, "status": record.status,
         "type": record.content.item_type, "language": language},
    )  # fmt: skip
    if record.content.difficulty_estimate is not None:
        meta.set("difficulty", str(record.content.difficulty_estimate))
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
                _metadata(resource, record, language)
                ET.SubElement(resource, f"{{{CP}}}file", {"href": href})
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
        meta = resource.find(f"{{{CP}}}metadata/{{{KAUSHAL}}}item")
        label = meta.get("uid", "") if meta is not None else href
        if meta is None:
            problems.append(Problem(index, label, "resource without kaushal:item metadata", href))
            continue
        if href not in names:
            problems.append(Problem(index, label, f"{href} is missing from the package", href))
            continue
        try:
            item = SafeET.fromstring(package.read(href))
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
