"""The XML helpers our QTI 3.0 items are written with (``qti`` and each type's writer in
``qti_writers``): QTI-namespaced elements, outcome rules and HTML in the schema's terms."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from defusedxml import ElementTree as SafeET

from ..items.html import html_sanitise

QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


_LENGTH = re.compile(r"^([0-9]+)(px)?$|^[0-9]+%$")
IMPLIED_TBODY = "kaushal-implied-tbody"


def _qti_html(fragment: ET.Element) -> None:
    """Our sanitised HTML in the QTI 3.0 schema's terms: ``u`` (not in QTI's HTML) is the
    shared-vocabulary class ``qti-underline``; ``lang`` is ``xml:lang``; an image has its
    (required) ``alt`` and a plain or % length; table rows sit in a ``tbody`` (marked
    ``IMPLIED_TBODY``, so that the import takes it away again)."""
    for node in list(fragment.iter()):
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
                body = ET.Element(_q("tbody"), {"class": IMPLIED_TBODY})
                index = list(node).index(rows[0])
                for row in rows:
                    node.remove(row)
                body.extend(rows)
                node.insert(index, body)


def _html_from_qti(element: ET.Element) -> None:
    """Back from ``_qti_html``'s spellings to our HTML (``qti-underline`` spans, ``xml:lang``,
    the tbody it added, the empty alt it added), so that our own items round-trip unchanged."""
    for node in list(element.iter()):
        if node.tag == _q("span") and node.get("class") == "qti-underline":
            node.tag = _q("u")
            del node.attrib["class"]
        if XML_LANG in node.attrib:
            node.set("lang", node.attrib.pop(XML_LANG))
        if node.tag == _q("img") and node.get("alt") == "":
            del node.attrib["alt"]
        if node.tag == _q("table"):
            for body in [c for c in node if c.get("class") == IMPLIED_TBODY]:
                index = list(node).index(body)
                node.remove(body)
                for offset, row in enumerate(body):
                    node.insert(index + offset, row)


def _html_into(parent: ET.Element, html: str) -> None:
    """Append sanitised (well-formed, XHTML-style) HTML as QTI-namespaced elements."""
    fragment = SafeET.fromstring(f'<div xmlns="{QTI}">{html_sanitise(html)}</div>')
    _qti_html(fragment)
    parent.text = fragment.text
    for child in list(fragment):
        parent.append(child)


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
