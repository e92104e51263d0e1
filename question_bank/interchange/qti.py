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
import json
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


_LENGTH = re.compile(r"^([0-9]+)(px)?$|^[0-9]+%$")


def _qti_html(fragment: ET.Element) -> None:
    """Our sanitised HTML in the QTI 3.0 schema's terms: ``u`` (not in QTI's HTML) is the
    shared-vocabulary class ``qti-underline``; ``lang`` is ``xml:lang``; an image has its
    (required) ``alt`` and a plain or % length; table rows sit in a ``tbody``."""
    for node in fragment.iter():
        tag = node.tag.removeprefix(f"{{{QTI}}}")
        if tag == "u":
            node.tag, node.attrib["class"] = _q("span"), "qti-underline"
        if "lang" in node.attrib:
            node.set(XML_LANG, node.attrib.pop("lang"))
        if tag == "img":
            node.attrib.setdefault("alt", "")
            for name in ("width", "height"):
                match = _LENGTH.match(node.get(name, "0"))
                if match is None:
                    del node.attrib[name]
                elif match.group(2):
                    node.set(name, match.group(1))
        if tag == "table":
            rows = [child for child in node if child.tag == _q("tr")]
            if rows:
                body = ET.Element(_q("tbody"))
                index = list(node).index(rows[0])
                for row in rows:
                    node.remove(row)
                body.extend(rows)
                node.insert(index, body)


def _html_from_qti(element: ET.Element) -> None:
    """Back from ``_qti_html``'s spellings to our HTML (``qti-underline`` spans, ``xml:lang``)."""
    for node in element.iter():
        if node.tag == _q("span") and node.get("class") == "qti-underline":
            node.tag = _q("u")
            del node.attrib["class"]
        if XML_LANG in node.attrib:
            node.set("lang", node.attrib.pop(XML_LANG))


def _html_into(parent: ET.Element, html: str) -> None:
    """Append sanitised (well-formed, XHTML-style) HTML as QTI-namespaced elements."""
    fragment = SafeET.fromstring(f'<div xmlns="{QTI}">{html_sanitise(html)}</div>')
    _qti_html(fragment)
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
    _html_from_qti(element)
    for child in element:
        for node in child.iter():
            if isinstance(node.tag, str) and node.tag.startswith("{"):
                node.tag = node.tag.split("}", 1)[1]
        parts.append(ET.tostring(child, encoding="unicode"))
    return html_sanitise(_inline_images("".join(parts), package, base))


def _sub(parent: ET.Element, tag: str, attrib: dict | None = None, text: str | None = None):
    element = ET.SubElement(parent, _q(tag), attrib or {})
    if text is not None:
        element.text = text
    return element


def _set_score(parent: ET.Element, value: ET.Element | str) -> None:
    outcome = _sub(parent, "qti-set-outcome-value", {"identifier": "SCORE"})
    if isinstance(value, str):
        _sub(outcome, "qti-base-value", {"base-type": "float"}, value)
    else:
        outcome.append(value)


def _set_feedback(parent: ET.Element, identifier: str) -> None:
    value = _el("qti-base-value", {"base-type": "identifier"})
    value.text = identifier
    _sub(parent, "qti-set-outcome-value", {"identifier": "FEEDBACK"}).append(
        _el("qti-multiple", {}, value)
    )


def _chain(
    processing: ET.Element,
    branches: list[tuple[ET.Element, str, str]],
    otherwise: str = "",
) -> None:
    """if / else-if ... / else SCORE = 0: the first matching branch gives its score and, when it
    has one, sets FEEDBACK to its answer's feedback identifier (``otherwise``: the else's)."""
    condition = _sub(processing, "qti-response-condition")
    for i, (test, score, feedback) in enumerate(branches):
        branch = _sub(condition, "qti-response-if" if i == 0 else "qti-response-else-if")
        branch.append(test)
        _set_score(branch, score)
        if feedback:
            _set_feedback(branch, feedback)
    last = _sub(condition, "qti-response-else")
    _set_score(last, "0")
    if otherwise:
        _set_feedback(last, otherwise)


def _el(tag: str, attrib: dict | None = None, *children: ET.Element) -> ET.Element:
    element = ET.Element(_q(tag), attrib or {})
    element.extend(children)
    return element


def _var(identifier: str = "RESPONSE") -> ET.Element:
    return _el("qti-variable", {"identifier": identifier})


def _num(value) -> str:
    return format(Decimal(value).normalize() + Decimal(0), "f")


_COMBINED_IDS = {"correctfeedback": "CORRECT", "partiallycorrectfeedback": "PARTIALLY_CORRECT",
                 "incorrectfeedback": "INCORRECT"}  # fmt: skip


def _combined_feedback(processing: ET.Element) -> None:
    """Moodle's combined feedback: CORRECT (full marks), PARTIALLY_CORRECT or INCORRECT added to
    FEEDBACK from the SCORE reached."""
    condition = _sub(processing, "qti-response-condition")
    tests = [("qti-gte", "1", "CORRECT"), ("qti-gt", "0", "PARTIALLY_CORRECT")]
    for i, (operator, bound, identifier) in enumerate(tests):
        branch = _sub(condition, "qti-response-if" if i == 0 else "qti-response-else-if")
        limit = _el("qti-base-value", {"base-type": "float"})
        limit.text = bound
        branch.append(_el(operator, {}, _var("SCORE"), limit))
        _add_feedback(branch, identifier)
    _add_feedback(_sub(condition, "qti-response-else"), "INCORRECT")


def _add_feedback(parent: ET.Element, identifier: str) -> None:
    value = _el("qti-base-value", {"base-type": "identifier"})
    value.text = identifier
    _sub(parent, "qti-set-outcome-value", {"identifier": "FEEDBACK"}).append(
        _el("qti-multiple", {}, _var("FEEDBACK"), value)
    )


def _item_xml(record: ItemRecord, language: str) -> bytes:
    """One item in one language as QTI 3.0 that another player can run: the interaction of its
    type, response processing written out (so that SCORE and FEEDBACK are set: the modal
    feedback bound to FEEDBACK fires for the chosen options and the general feedback)."""
    content = record.content
    translation = content.translations[language]
    kind, data = content.item_type, content.type_data
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
    choice_like = kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_RESPONSE, ItemType.TRUE_FALSE)
    declaration = None
    if kind != ItemType.DESCRIPTION and kind != ItemType.CLOZE:
        cardinality, base = "single", "identifier"
        if kind == ItemType.MULTIPLE_RESPONSE:
            cardinality = "multiple"
        elif kind == ItemType.NUMERIC:
            base = "float"
        elif kind in (ItemType.SHORT_ANSWER, ItemType.ESSAY):
            base = "string"
        elif kind == ItemType.MATCHING:
            cardinality, base = "multiple", "directedPair"
        elif kind == ItemType.ORDERING:
            cardinality = "ordered"
        declaration = _sub(
            item,
            "qti-response-declaration",
            {"identifier": "RESPONSE", "cardinality": cardinality, "base-type": base},
        )
    parts = data.get("parts", []) if kind == ItemType.CLOZE else []
    for i, part in enumerate(parts, start=1):
        base = "float" if part["kind"] == "numerical" else "string"
        d = _sub(
            item,
            "qti-response-declaration",
            {
                "identifier": f"RESPONSE_{i}",
                "cardinality": "single",
                "base-type": "identifier" if part["kind"] == "multichoice" else base,
            },
        )
        right = next(a for a in part["answers"] if Decimal(str(a["fraction"])) == 1)
        value = (
            f"C{part['answers'].index(right) + 1}"
            if part["kind"] == "multichoice"
            else right["text"]
        )
        _sub(_sub(d, "qti-correct-response"), "qti-value", text=value)
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
    processing = ET.Element(_q("qti-response-processing"))
    # (identifier, html) of each modal feedback; response processing puts the identifiers of
    # those that apply into FEEDBACK, so that any player shows them.
    feedbacks: list[tuple[str, str]] = []
    shuffle = "true" if content.shuffle_options else "false"
    if choice_like and declaration is not None:
        correct = _sub(declaration, "qti-correct-response")
        for key in content.correct_keys:
            _sub(correct, "qti-value", text=key)
        mapping = _sub(
            declaration,
            "qti-mapping",
            {"default-value": "0", "lower-bound": "0", "upper-bound": "1"},
        )
        for key, fraction in content.options:
            _sub(mapping, "qti-map-entry", {"map-key": key, "mapped-value": _num(fraction)})
        interaction = _sub(
            body,
            "qti-choice-interaction",
            {
                "response-identifier": "RESPONSE",
                "shuffle": shuffle,
                "max-choices": "0" if kind == ItemType.MULTIPLE_RESPONSE else "1",
            },
        )
        for key, _ in content.options:
            _html_into(
                _sub(interaction, "qti-simple-choice", {"identifier": key}),
                translation.options[key].html,
            )
        condition = _sub(processing, "qti-response-condition")
        branch = _sub(condition, "qti-response-if")
        branch.append(_el("qti-is-null", {}, _var()))
        _set_score(branch, "0")
        _set_score(
            _sub(condition, "qti-response-else"),
            _el("qti-map-response", {"identifier": "RESPONSE"}),
        )
    elif kind == ItemType.NUMERIC and declaration is not None:
        _sub(
            _sub(declaration, "qti-correct-response"),
            "qti-value",
            text=_num(content.numeric_answer),
        )
        # A text entry is inline content: the item body takes blocks, so it sits in a <p>.
        _sub(
            _sub(body, "p"),
            "qti-text-entry-interaction",
            {"response-identifier": "RESPONSE", "expected-length": "12"},
        )
        answers = [
            (content.numeric_answer, content.numeric_tolerance or 0, 1,
             data.get("answer_feedback_html", "")),
            *((a["value"], a.get("tolerance") or 0, a["fraction"], a.get("feedback_html", ""))
              for a in data.get("answers", [])),
        ]  # fmt: skip
        branches = []
        for n, (value, tolerance, fraction, html) in enumerate(answers, start=1):
            t = _num(tolerance)
            test = _el(
                "qti-equal",
                {"tolerance-mode": "absolute", "tolerance": f"{t} {t}"},
                _var(),
                _el("qti-base-value", {"base-type": "float"}),
            )
            test[1].text = _num(value)
            branches.append((test, _num(fraction), f"A{n}" if html else ""))
            if html:
                feedbacks.append((f"A{n}", html))
        other = data.get("other_answer_feedback_html", "")
        if other:
            feedbacks.append(("OTHER", other))
        _chain(processing, branches, "OTHER" if other else "")
    elif kind == ItemType.SHORT_ANSWER and declaration is not None:
        _sub(
            _sub(body, "p"),
            "qti-text-entry-interaction",
            {"response-identifier": "RESPONSE", "expected-length": "20"},
        )
        from ..items.html import html_to_text

        case = "true" if data.get("case_sensitive") else "false"
        answers = [(html_to_text(translation.options[k].html), f) for k, f in content.options]
        right = next((a for a, f in answers if f == 1), "")
        _sub(_sub(declaration, "qti-correct-response"), "qti-value", text=right.replace("*", ""))
        branches = []
        for key_fraction, (answer, fraction) in zip(content.options, answers, strict=True):
            key = key_fraction[0]
            html = translation.options[key].feedback_html
            if html:
                feedbacks.append((key, html))
            if "*" in answer:
                pattern = ".*".join(re.escape(p) for p in answer.split("*"))
                test = _el("qti-pattern-match", {"pattern": pattern}, _var())
            else:
                test = _el(
                    "qti-string-match",
                    {"case-sensitive": case},
                    _var(),
                    _el("qti-base-value", {"base-type": "string"}),
                )
                test[1].text = answer
            branches.append((test, _num(fraction), key if html else ""))
        _chain(processing, branches)
    elif kind == ItemType.ESSAY:
        _sub(
            body,
            "qti-extended-text-interaction",
            {"response-identifier": "RESPONSE", "expected-lines": str(data.get("lines", 15))},
        )
    elif kind == ItemType.MATCHING and declaration is not None:
        pairs = data.get("pairs", [])
        targets = list(dict.fromkeys(p["answer"] for p in pairs))
        sources = [(f"S{i}", p) for i, p in enumerate(pairs, start=1) if p.get("question_html")]
        correct = _sub(declaration, "qti-correct-response")
        mapping = _sub(declaration, "qti-mapping", {"default-value": "0", "lower-bound": "0"})
        share = _num(Decimal(1) / len(sources)) if sources else "0"
        for key, p in sources:
            pair = f"{key} T{targets.index(p['answer']) + 1}"
            _sub(correct, "qti-value", text=pair)
            _sub(mapping, "qti-map-entry", {"map-key": pair, "mapped-value": share})
        interaction = _sub(
            body,
            "qti-match-interaction",
            {
                "response-identifier": "RESPONSE",
                "shuffle": shuffle,
                "max-associations": str(len(sources)),
            },
        )
        left, right = (
            _sub(interaction, "qti-simple-match-set"),
            _sub(interaction, "qti-simple-match-set"),
        )
        for key, p in sources:
            _html_into(
                _sub(left, "qti-simple-associable-choice", {"identifier": key, "match-max": "1"}),
                p["question_html"],
            )
        for i, answer in enumerate(targets, start=1):
            _sub(
                right,
                "qti-simple-associable-choice",
                {"identifier": f"T{i}", "match-max": str(len(sources))},
                answer,
            )
        _set_score(processing, _el("qti-map-response", {"identifier": "RESPONSE"}))
    elif kind == ItemType.ORDERING and declaration is not None:
        correct = _sub(declaration, "qti-correct-response")
        for key in data.get("order", []):
            _sub(correct, "qti-value", text=key)
        interaction = _sub(
            body, "qti-order-interaction", {"response-identifier": "RESPONSE", "shuffle": shuffle}
        )
        for key, _ in content.options:
            _html_into(
                _sub(interaction, "qti-simple-choice", {"identifier": key}),
                translation.options[key].html,
            )
        _chain(
            processing,
            [
                (
                    _el("qti-match", {}, _var(), _el("qti-correct", {"identifier": "RESPONSE"})),
                    "1",
                    "",
                )
            ],  # fmt: skip
        )
    elif kind == ItemType.CLOZE:
        total = sum(Decimal(p.get("weight", 1)) for p in parts) or Decimal(1)
        for i, part in enumerate(parts, start=1):
            holder = _sub(body, "p")
            if part["kind"] == "multichoice":
                inline = _sub(
                    holder,
                    "qti-inline-choice-interaction",
                    {"response-identifier": f"RESPONSE_{i}", "shuffle": "false"},
                )
                for j, a in enumerate(part["answers"], start=1):
                    _sub(inline, "qti-inline-choice", {"identifier": f"C{j}"}, a["text"])
            else:
                _sub(holder, "qti-text-entry-interaction", {"response-identifier": f"RESPONSE_{i}"})
            condition = _sub(processing, "qti-response-condition")
            branch = _sub(condition, "qti-response-if")
            branch.append(
                _el(
                    "qti-match",
                    {},
                    _var(f"RESPONSE_{i}"),
                    _el("qti-correct", {"identifier": f"RESPONSE_{i}"}),
                )
            )
            add = _el("qti-sum", {}, _var("SCORE"), _el("qti-base-value", {"base-type": "float"}))
            add[1].text = _num(Decimal(part.get("weight", 1)) / total)
            _set_score(branch, add)
    # FEEDBACK: the answer's feedback (set above per branch, or the chosen options), the
    # combined feedback for the score reached and the general feedback, in any player.
    feedback_value = _el("qti-multiple", {}, _var("FEEDBACK"))
    if choice_like:
        feedback_value.append(_var())
        feedbacks.extend(
            (key, translation.options[key].feedback_html) for key, _ in content.options
        )
    general = _el("qti-base-value", {"base-type": "identifier"})
    general.text = "GENERAL"
    feedback_value.append(general)
    _sub(processing, "qti-set-outcome-value", {"identifier": "FEEDBACK"}).append(feedback_value)
    combined = data.get("combined_feedback", {})
    if any(combined.values()) and declaration is not None:
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
                _metadata(ET.SubElement(resource, f"{{{CP}}}file", {"href": href}), record, language)
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
