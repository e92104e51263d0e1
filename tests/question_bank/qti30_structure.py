"""A strict structural check of QTI 3.0 items and their IMS CP manifest, written from the 1EdTech
XSDs (``imsqti_asiv3p0p1_v1p0.xsd``, ``imsqtiv3p0_imscpv1p2_v1p0.xsd``) because the XSD files
themselves could not be put on this machine (see tests/data/README.md, "QTI 3.0 schemas").

It knows the elements our export may write (and the common ones other producers write), with
each one's permitted attributes, required attributes, attribute value types and permitted
children in the XSD's order, and reports anything else as a problem: an unknown element or
attribute, a missing required one, a value that is not of its type (NCName, double, boolean,
enumeration, length), a child out of place, an interaction in the wrong context (an inline
interaction needs an inline container, a block one may not sit in a paragraph) and references to
undeclared variables. It is stricter than the XSD in one way only: elements it does not know
are refused rather than looked up, so that a new construct in the export is looked at first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"

# ------------------------------------------------------------------ value types (XSD simple types)

_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_DOUBLE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^(INF|-INF|NaN)$")
_INT = re.compile(r"^[+-]?\d+$")
_LENGTH = re.compile(r"^[0-9]+%?$")  # LengthDType


def ncname(value: str) -> bool:
    return bool(_NCNAME.match(value))


def double(value: str) -> bool:
    return bool(_DOUBLE.match(value.strip()))


def integer(value: str) -> bool:
    return bool(_INT.match(value.strip()))


def boolean(value: str) -> bool:
    return value in ("true", "false", "1", "0")


def text(value: str) -> bool:
    return True


def nonempty(value: str) -> bool:
    return bool(value.strip())


def one_of(*values: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return value in values

    check.__name__ = "one of " + "|".join(values)
    return check


def double_list(value: str) -> bool:
    return all(double(v) for v in value.split()) and bool(value.split())


def length(value: str) -> bool:
    return bool(_LENGTH.match(value))


CARDINALITY = one_of("single", "multiple", "ordered", "record")
BASE_TYPE = one_of(
    "boolean", "directedPair", "duration", "file", "float", "identifier", "integer", "pair",
    "point", "string", "uri",
)  # fmt: skip

# ------------------------------------------------------------------ content models


@dataclass(frozen=True)
class Model:
    """One element: attributes (name -> type check), the required ones, and its children as an
    ordered list of (names, min, max) particles (``None`` max: unbounded). ``mixed``: text
    allowed. ``content``: 'flow', 'inline' or 'block' HTML content instead of particles."""

    attributes: dict[str, Callable[[str], bool]] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    particles: tuple[tuple[frozenset[str], int, int | None], ...] = ()
    mixed: bool = False
    content: str = ""
    # Children checked elsewhere (the manifest's three kinds of metadata).
    opaque: bool = False


def _p(names: str, low: int = 0, high: int | None = 1) -> tuple[frozenset[str], int, int | None]:
    return frozenset(names.split()), low, high


# BodyElement attributes shared by every HTML and interaction element (id, class, xml:lang, label,
# dir) plus the ARIA/data ones we never write.
_BODY = {"id": ncname, "class": text, XML_LANG: nonempty, "label": text,
         "dir": one_of("ltr", "rtl", "auto")}  # fmt: skip

INLINE_HTML = {"a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "dfn", "em", "i",
               "img", "kbd", "q", "samp", "small", "span", "strong", "sub", "sup", "tt",
               "var"}  # fmt: skip
INLINE_INTERACTIONS = {"qti-text-entry-interaction", "qti-inline-choice-interaction",
                       "qti-end-attempt-interaction"}  # fmt: skip
INLINE = INLINE_HTML | INLINE_INTERACTIONS
BLOCK_INTERACTIONS = {"qti-choice-interaction", "qti-order-interaction", "qti-match-interaction",
                      "qti-extended-text-interaction", "qti-associate-interaction",
                      "qti-gap-match-interaction", "qti-hottext-interaction",
                      "qti-slider-interaction", "qti-upload-interaction"}  # fmt: skip
BLOCK_HTML = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "pre",
              "blockquote", "hr", "table", "address", "figure", "section", "article", "aside",
              "header", "footer", "nav"}  # fmt: skip
BLOCK = BLOCK_HTML | BLOCK_INTERACTIONS | {"qti-feedback-block", "qti-rubric-block"}
FLOW = BLOCK | INLINE

_HTML: dict[str, Model] = {
    **{name: Model(dict(_BODY), mixed=True, content="inline") for name in INLINE_HTML},
    **{name: Model(dict(_BODY), mixed=True, content="inline")
       for name in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address")},
    **{name: Model(dict(_BODY), mixed=True, content="flow")
       for name in ("div", "blockquote", "li", "section", "article", "aside", "header", "footer",
                    "nav", "figure")},
    "br": Model(dict(_BODY)),
    "hr": Model(dict(_BODY)),
    "img": Model({**_BODY, "src": nonempty, "alt": text, "width": length, "height": length,
                  "longdesc": text}, frozenset({"src", "alt"})),
    "a": Model({**_BODY, "href": nonempty, "type": text}, frozenset({"href"}), mixed=True,
               content="inline"),
    "ul": Model(dict(_BODY), particles=(_p("li", 0, None),)),
    "ol": Model(dict(_BODY), particles=(_p("li", 0, None),)),
    # TableDType: caption?, (col* | colgroup*), thead?, tfoot?, tbody+ (no tr directly).
    "table": Model({**_BODY, "summary": text}, particles=(
        _p("caption"), _p("col colgroup", 0, None), _p("thead"), _p("tfoot"),
        _p("tbody", 1, None))),
    "caption": Model(dict(_BODY), mixed=True, content="inline"),
    "thead": Model(dict(_BODY), particles=(_p("tr", 1, None),)),
    "tfoot": Model(dict(_BODY), particles=(_p("tr", 1, None),)),
    "tbody": Model(dict(_BODY), particles=(_p("tr", 1, None),)),
    "tr": Model(dict(_BODY), particles=(_p("td th", 1, None),)),
    **{name: Model({**_BODY, "colspan": integer, "rowspan": integer, "headers": text,
                    "scope": one_of("row", "col", "rowgroup", "colgroup"), "abbr": text},
                   mixed=True, content="flow") for name in ("td", "th")},
}  # fmt: skip

_PROMPT = _p("qti-prompt")
_INTERACTION = {**_BODY, "response-identifier": ncname}
_REQ_RESPONSE = frozenset({"response-identifier"})
_EXPRESSION = {
    "qti-base-value", "qti-variable", "qti-correct", "qti-map-response", "qti-is-null",
    "qti-match", "qti-equal", "qti-string-match", "qti-pattern-match", "qti-multiple",
    "qti-ordered", "qti-sum", "qti-gte", "qti-gt", "qti-lt", "qti-lte", "qti-and", "qti-or",
    "qti-not", "qti-member", "qti-contains", "qti-null", "qti-default", "qti-product",
    "qti-subtract", "qti-divide", "qti-index",
}  # fmt: skip
_RULES = {"qti-response-condition", "qti-set-outcome-value", "qti-exit-response",
          "qti-lookup-outcome-value", "qti-response-processing-fragment"}  # fmt: skip
_NO_ATTRS: dict[str, Callable[[str], bool]] = {}


def _expr(low: int, high: int | None, attrs=None, required: Iterable[str] = ()) -> Model:
    return Model(dict(attrs or {}), frozenset(required),
                 particles=(( frozenset(_EXPRESSION), low, high),))  # fmt: skip


_QTI: dict[str, Model] = {
    "qti-assessment-item": Model(
        {"identifier": ncname, "title": nonempty, "label": text, XML_LANG: nonempty,
         "tool-name": text, "tool-version": text, "adaptive": boolean,
         "time-dependent": boolean},
        frozenset({"identifier", "title", "time-dependent"}),
        particles=(
            _p("qti-context-declaration", 0, None), _p("qti-response-declaration", 0, None),
            _p("qti-outcome-declaration", 0, None), _p("qti-template-declaration", 0, None),
            _p("qti-template-processing"), _p("qti-assessment-stimulus-ref", 0, None),
            _p("qti-companion-materials-info"), _p("qti-stylesheet", 0, None),
            _p("qti-item-body"), _p("qti-catalog-info"), _p("qti-response-processing"),
            _p("qti-modal-feedback", 0, None),
        ),
    ),
    "qti-response-declaration": Model(
        {"identifier": ncname, "cardinality": CARDINALITY, "base-type": BASE_TYPE},
        frozenset({"identifier", "cardinality"}),
        particles=(_p("qti-default-value"), _p("qti-correct-response"), _p("qti-mapping"),
                   _p("qti-area-mapping")),
    ),
    "qti-outcome-declaration": Model(
        {"identifier": ncname, "cardinality": CARDINALITY, "base-type": BASE_TYPE,
         "view": text, "interpretation": text, "long-interpretation": text,
         "normal-maximum": double, "normal-minimum": double, "mastery-value": double,
         "external-scored": one_of("externalMachine", "human"),
         "variable-identifier-ref": text},
        frozenset({"identifier", "cardinality"}),
        particles=(_p("qti-default-value"), _p("qti-match-table qti-interpolation-table")),
    ),
    "qti-default-value": Model({"interpretation": text}, particles=(_p("qti-value", 1, None),)),
    "qti-correct-response": Model({"interpretation": text},
                                  particles=(_p("qti-value", 1, None),)),
    "qti-value": Model({"field-identifier": ncname, "base-type": BASE_TYPE}, mixed=True),
    "qti-mapping": Model(
        {"lower-bound": double, "upper-bound": double, "default-value": double},
        particles=(_p("qti-map-entry", 1, None),),
    ),
    "qti-map-entry": Model(
        {"map-key": text, "mapped-value": double, "case-sensitive": boolean},
        frozenset({"map-key", "mapped-value"}),
    ),
    "qti-item-body": Model(dict(_BODY), particles=((frozenset(BLOCK), 0, None),)),
    "qti-prompt": Model(dict(_BODY), mixed=True, content="flow"),
    "qti-choice-interaction": Model(
        {**_INTERACTION, "shuffle": boolean, "max-choices": integer, "min-choices": integer,
         "orientation": one_of("horizontal", "vertical"), "data-min-selections-message": text,
         "data-max-selections-message": text},
        _REQ_RESPONSE, particles=(_PROMPT, _p("qti-simple-choice", 1, None)),
    ),
    "qti-order-interaction": Model(
        {**_INTERACTION, "shuffle": boolean, "max-choices": integer, "min-choices": integer,
         "orientation": one_of("horizontal", "vertical")},
        _REQ_RESPONSE, particles=(_PROMPT, _p("qti-simple-choice", 1, None)),
    ),
    "qti-simple-choice": Model(
        {**_BODY, "identifier": ncname, "fixed": boolean, "template-identifier": ncname,
         "show-hide": one_of("show", "hide")},
        frozenset({"identifier"}), mixed=True, content="flow",
    ),
    "qti-match-interaction": Model(
        {**_INTERACTION, "shuffle": boolean, "max-associations": integer,
         "min-associations": integer},
        _REQ_RESPONSE, particles=(_PROMPT, _p("qti-simple-match-set", 2, 2)),
    ),
    "qti-simple-match-set": Model(dict(_BODY),
                                  particles=(_p("qti-simple-associable-choice", 0, None),)),
    "qti-simple-associable-choice": Model(
        {**_BODY, "identifier": ncname, "match-max": integer, "match-min": integer,
         "fixed": boolean, "template-identifier": ncname, "show-hide": one_of("show", "hide")},
        frozenset({"identifier", "match-max"}), mixed=True, content="flow",
    ),
    "qti-extended-text-interaction": Model(
        {**_INTERACTION, "base": integer, "string-identifier": ncname, "expected-length": integer,
         "pattern-mask": text, "placeholder-text": text, "max-strings": integer,
         "min-strings": integer, "expected-lines": integer,
         "format": one_of("plain", "preformatted", "xhtml")},
        _REQ_RESPONSE, particles=(_PROMPT,),
    ),
    "qti-text-entry-interaction": Model(
        {**_INTERACTION, "base": integer, "string-identifier": ncname, "expected-length": integer,
         "pattern-mask": text, "placeholder-text": text,
         "format": one_of("plain", "preformatted", "xhtml")},
        _REQ_RESPONSE,
    ),
    "qti-inline-choice-interaction": Model(
        {**_INTERACTION, "shuffle": boolean, "required": boolean, "min-choices": integer,
         "data-prompt": text},
        _REQ_RESPONSE, particles=(_p("qti-label"), _p("qti-inline-choice", 1, None)),
    ),
    "qti-inline-choice": Model(
        {**_BODY, "identifier": ncname, "fixed": boolean, "template-identifier": ncname,
         "show-hide": one_of("show", "hide")},
        frozenset({"identifier"}), mixed=True, content="inline",
    ),
    "qti-response-processing": Model(
        {"template": text, "template-location": text},
        particles=((frozenset(_RULES), 0, None),),
    ),
    "qti-response-condition": Model(particles=(
        _p("qti-response-if", 1, 1), _p("qti-response-else-if", 0, None),
        _p("qti-response-else"))),
    "qti-response-if": Model(particles=((frozenset(_EXPRESSION), 1, 1),
                                        (frozenset(_RULES), 0, None))),
    "qti-response-else-if": Model(particles=((frozenset(_EXPRESSION), 1, 1),
                                             (frozenset(_RULES), 0, None))),
    "qti-response-else": Model(particles=((frozenset(_RULES), 0, None),)),
    "qti-set-outcome-value": _expr(1, 1, {"identifier": ncname}, ["identifier"]),
    "qti-exit-response": Model(),
    "qti-base-value": Model({"base-type": BASE_TYPE}, frozenset({"base-type"}), mixed=True),
    "qti-variable": Model({"identifier": nonempty, "weight-identifier": ncname},
                          frozenset({"identifier"})),
    "qti-correct": Model({"identifier": ncname}, frozenset({"identifier"})),
    "qti-map-response": Model({"identifier": ncname}, frozenset({"identifier"})),
    "qti-default": Model({"identifier": ncname}, frozenset({"identifier"})),
    "qti-null": Model(),
    "qti-is-null": _expr(1, 1),
    "qti-not": _expr(1, 1),
    "qti-match": _expr(2, 2),
    "qti-member": _expr(2, 2),
    "qti-contains": _expr(2, 2),
    "qti-subtract": _expr(2, 2),
    "qti-divide": _expr(2, 2),
    # IndexDType: n is an integer or a variable reference (IntOrVariableRefDType).
    "qti-index": _expr(1, 1, {"n": lambda v: integer(v) or ncname(v)}, ["n"]),
    "qti-gte": _expr(2, 2),
    "qti-gt": _expr(2, 2),
    "qti-lte": _expr(2, 2),
    "qti-lt": _expr(2, 2),
    "qti-equal": _expr(2, 2, {"tolerance-mode": one_of("exact", "absolute", "relative"),
                              "tolerance": double_list, "include-lower-bound": boolean,
                              "include-upper-bound": boolean}),
    "qti-string-match": _expr(2, 2, {"case-sensitive": boolean, "substring": boolean},
                              ["case-sensitive"]),
    "qti-pattern-match": _expr(1, 1, {"pattern": nonempty}, ["pattern"]),
    "qti-multiple": _expr(0, None),
    "qti-ordered": _expr(0, None),
    "qti-sum": _expr(1, None),
    "qti-product": _expr(1, None),
    "qti-and": _expr(1, None),
    "qti-or": _expr(1, None),
    "qti-modal-feedback": Model(
        {"outcome-identifier": ncname, "identifier": ncname, "show-hide": one_of("show", "hide"),
         "title": text},
        frozenset({"outcome-identifier", "identifier", "show-hide"}),
        particles=(_p("qti-content-body", 1, 1),),
    ),
    "qti-content-body": Model(dict(_BODY), mixed=True, content="flow"),
    "qti-stylesheet": Model({"href": nonempty, "type": nonempty, "media": text, "title": text},
                            frozenset({"href", "type"})),
}  # fmt: skip

ITEM_MODELS: dict[str, Model] = {**_HTML, **_QTI}


@dataclass
class _Checker:
    models: dict[str, Model]
    namespace: str
    problems: list[str] = field(default_factory=list)

    def local(self, element: ET.Element) -> str | None:
        prefix = f"{{{self.namespace}}}"
        tag = element.tag if isinstance(element.tag, str) else ""
        return tag[len(prefix) :] if tag.startswith(prefix) else None

    def check(self, element: ET.Element, path: str) -> None:
        name = self.local(element)
        if name is None or name not in self.models:
            self.problems.append(f"{path}: element {element.tag!r} is not permitted")
            return
        model = self.models[name]
        here = f"{path}/{name}"
        for attr, value in element.attrib.items():
            check = model.attributes.get(attr)
            if check is None:
                if attr.startswith("data-"):
                    continue
                self.problems.append(f"{here}: attribute {attr!r} is not permitted")
            elif not check(value):
                kind = getattr(check, "__name__", "")
                self.problems.append(f"{here}: {attr}={value!r} is not a valid {kind}")
        for attr in model.required - set(element.attrib):
            self.problems.append(f"{here}: required attribute {attr!r} is missing")
        if not model.mixed and (
            (element.text or "").strip() or any((c.tail or "").strip() for c in element)
        ):
            self.problems.append(f"{here}: text is not permitted here")
        children = list(element)
        if model.opaque:
            return
        if model.content:
            allowed = {"flow": FLOW, "inline": INLINE, "block": BLOCK}[model.content]
            for child in children:
                child_name = self.local(child)
                if child_name is not None and child_name not in allowed:
                    self.problems.append(
                        f"{here}: {child_name} is not permitted in {model.content} content"
                    )
        else:
            self._sequence(model, children, here)
        for child in children:
            self.check(child, here)

    def _sequence(self, model: Model, children: list[ET.Element], here: str) -> None:
        index = 0
        for names, low, high in model.particles:
            count = 0
            while index < len(children) and self.local(children[index]) in names:
                index += 1
                count += 1
            if count < low:
                self.problems.append(
                    f"{here}: needs at least {low} of {'|'.join(sorted(names))}, has {count}"
                )
            if high is not None and count > high:
                self.problems.append(
                    f"{here}: at most {high} of {'|'.join(sorted(names))}, has {count}"
                )
        for child in children[index:]:
            self.problems.append(
                f"{here}: {self.local(child) or child.tag} is not permitted here (or out of order)"
            )


def _value_fits(value: str, base_type: str) -> bool:
    value = value.strip()
    if base_type == "identifier":
        return ncname(value)
    if base_type == "float":
        return double(value)
    if base_type == "integer":
        return integer(value)
    if base_type == "boolean":
        return boolean(value)
    if base_type in ("pair", "directedPair"):
        parts = value.split()
        return len(parts) == 2 and all(ncname(p) for p in parts)
    return True


def item_problems(xml: bytes) -> list[str]:
    """Everything in one item document that the QTI 3.0 ASI schema does not allow (empty: valid),
    and references to variables the item does not declare."""
    root = ET.fromstring(xml)
    checker = _Checker(ITEM_MODELS, QTI)
    if root.tag != f"{{{QTI}}}qti-assessment-item":
        return [f"root element is {root.tag!r}, not qti-assessment-item"]
    checker.check(root, "")
    q = f"{{{QTI}}}"
    responses = {d.get("identifier"): d for d in root.findall(f"{q}qti-response-declaration")}
    outcomes = {d.get("identifier"): d for d in root.findall(f"{q}qti-outcome-declaration")}
    declared = {**responses, **outcomes}
    problems = checker.problems
    if len(declared) != len(responses) + len(outcomes):
        problems.append("a variable is declared twice")
    # Choice identifiers are unique within their interaction, feedback identifiers among the
    # item's feedback (a feedback is named after the choice it answers, by design).
    groups = [[m.get("identifier") for m in root.findall(f"{q}qti-modal-feedback")]]
    for interaction in root.iter():
        if interaction.get("response-identifier") is not None:
            groups.append([e.get("identifier") for e in interaction.iter()
                           if e is not interaction and e.get("identifier")])  # fmt: skip
    for element in root.iter():
        name = element.tag.removeprefix(q)
        ref = element.get("response-identifier")
        if ref is not None and ref not in responses:
            problems.append(f"{name}: response-identifier {ref!r} is not declared")
        if name in ("qti-variable", "qti-set-outcome-value", "qti-map-response", "qti-correct",
                    "qti-default"):  # fmt: skip
            ident = element.get("identifier", "")
            if ident not in declared:
                problems.append(f"{name}: variable {ident!r} is not declared")
        if name == "qti-modal-feedback" and element.get("outcome-identifier") not in outcomes:
            problems.append(f"modal feedback: outcome {element.get('outcome-identifier')!r}")
    for ident, declaration in responses.items():
        base = declaration.get("base-type", "")
        values = declaration.findall(f"{q}qti-correct-response/{q}qti-value")
        if declaration.get("cardinality") == "single" and len(values) > 1:
            problems.append(f"{ident}: a single response has {len(values)} correct values")
        for value in values:
            if not _value_fits(value.text or "", base):
                problems.append(f"{ident}: correct value {value.text!r} is not a {base}")
        for entry in declaration.iter(f"{q}qti-map-entry"):
            if not _value_fits(entry.get("map-key", ""), base):
                problems.append(f"{ident}: map-key {entry.get('map-key')!r} is not a {base}")
    for element in root.iter(f"{q}qti-base-value"):
        if not _value_fits(element.text or "", element.get("base-type", "")):
            problems.append(f"base value {element.text!r} is not a {element.get('base-type')}")
    if any(len(group) != len(set(group)) for group in groups):
        problems.append("choice or feedback identifiers repeat")
    return problems


# ------------------------------------------------------------------ the manifest (IMS CP 1.2)

RESOURCE_TYPES = one_of(
    "imsqti_test_xmlv3p0", "imsqti_section_xmlv3p0", "imsqti_item_xmlv3p0",
    "imsqti_resprocessing_xmlv3p0", "imsqti_outcomes_xmlv3p0", "imsqti_stimulus_xmlv3p0",
    "imsqti_fragment_xmlv3p0", "imsqti_rptemplate_xmlv3p0",
    "associatedcontent/learning-application-resource", "webcontent", "imsbasiclti_xmlv1p3",
    "controlfile", "resourcemetadata/xml", "resourceextmetadata/xml", "qtiusagedata/xml", "pls",
    "css2", "css3", "extension",
)  # fmt: skip
_XML_BASE = f"{{{XML_NS}}}base"
MANIFEST_MODELS: dict[str, Model] = {
    "manifest": Model({"identifier": ncname, _XML_BASE: text}, frozenset({"identifier"}),
                      particles=(_p("metadata", 1, 1), _p("organizations", 1, 1),
                                 _p("resources", 1, 1))),
    "metadata": Model(opaque=True),
    "schema": Model(mixed=True),
    "schemaversion": Model(mixed=True),
    "organizations": Model(),
    "resources": Model({_XML_BASE: text}, particles=(_p("resource", 0, None),)),
    "resource": Model({"identifier": ncname, "type": RESOURCE_TYPES, "href": nonempty,
                       _XML_BASE: text}, frozenset({"identifier", "type"}),
                      particles=(_p("metadata"), _p("file", 1, None),
                                 _p("dependency", 0, None))),
    "file": Model({"href": nonempty}, frozenset({"href"}), particles=(_p("metadata"),)),
    "dependency": Model({"identifierref": ncname}, frozenset({"identifierref"})),
}  # fmt: skip
_SCHEMAS = ("QTI Package", "QTI Test Bank", "QTI Item Bank", "QTI Object Bank", "QTI Test",
            "QTI Section", "QTI Item")  # fmt: skip


def manifest_problems(
    xml: bytes, names: set[str], foreign: Callable[[ET.Element], list[str]] | None = None
) -> list[str]:
    """What the QTI 3.0 profile of IMS CP 1.2 does not allow in ``imsmanifest.xml``: the order
    manifest > metadata (schema, schemaversion 3.0.0) > organizations (empty) > resources; a
    resource's metadata holds only qtiMetadata, curriculum standards or LOM (no other
    namespace); a file's metadata holds only elements of another namespace, each of which
    ``foreign`` must accept (the strict wildcard: its schema must be known). Also: identifiers
    unique, every file and href in ``names`` (the package's files), dependencies resolved."""
    root = ET.fromstring(xml)
    checker = _Checker(MANIFEST_MODELS, CP)
    if root.tag != f"{{{CP}}}manifest":
        return [f"root element is {root.tag!r}, not the QTI 3.0 CP manifest"]
    c = f"{{{CP}}}"
    checker.check(root, "")
    problems = checker.problems
    top = root.find(f"{c}metadata")
    if top is not None:
        names_in_order = [child.tag for child in top]
        extra = {
            "{http://www.imsglobal.org/xsd/qti/qtiv3p0/imscsmd_v1p1}curriculumStandardsMetadataSet",
            "{http://ltsc.ieee.org/xsd/LOM}lom",
        }
        if names_in_order[:2] != [f"{c}schema", f"{c}schemaversion"] or any(
            tag not in extra for tag in names_in_order[2:]
        ):
            problems.append("manifest metadata: schema, then schemaversion, then LOM at most")
        if top.findtext(f"{c}schema") not in _SCHEMAS:
            problems.append(f"manifest metadata: schema {top.findtext(f'{c}schema')!r}")
        if top.findtext(f"{c}schemaversion") != "3.0.0":
            problems.append("manifest metadata: schemaversion must be 3.0.0")
    identifiers = [r.get("identifier") for r in root.iter(f"{c}resource")]
    if len(identifiers) != len(set(identifiers)) or root.get("identifier") in identifiers:
        problems.append("identifiers (xs:ID) repeat")
    allowed_resource_meta = {
        "{http://www.imsglobal.org/xsd/imsqti_metadata_v3p0}qtiMetadata",
        "{http://www.imsglobal.org/xsd/qti/qtiv3p0/imscsmd_v1p1}curriculumStandardsMetadataSet",
        "{http://ltsc.ieee.org/xsd/LOM}lom",
    }
    for resource in root.iter(f"{c}resource"):
        label = resource.get("identifier")
        meta = resource.find(f"{c}metadata")
        if meta is not None:
            for child in meta:
                if child.tag not in allowed_resource_meta:
                    problems.append(
                        f"resource {label}: {child.tag} is not permitted in its "
                        "metadata (only qtiMetadata, curriculum standards, LOM)"
                    )
        href = resource.get("href")
        if href is not None and href not in names:
            problems.append(f"resource {label}: href {href!r} is not in the package")
        for file in resource.findall(f"{c}file"):
            if file.get("href") not in names:
                problems.append(
                    f"resource {label}: file {file.get('href')!r} is not in the package"
                )
            file_meta = file.find(f"{c}metadata")
            for child in file_meta if file_meta is not None else []:
                if child.tag.startswith(c):
                    problems.append(f"resource {label}: file metadata in the CP namespace")
                elif foreign is None:
                    problems.append(f"resource {label}: no schema for {child.tag}")
                else:
                    problems.extend(f"resource {label}: {p}" for p in foreign(child))
        for dependency in resource.findall(f"{c}dependency"):
            if dependency.get("identifierref") not in identifiers:
                problems.append(f"resource {label}: dependency on an unknown resource")
    return problems
