"""A small QTI 3.0 response-processing engine, written from the specification, to run our
exported items the way another player would: it knows nothing of Kaushal, reads only the item
XML, and reports the outcomes (SCORE, FEEDBACK) and which modal feedback a candidate sees.

It covers the expressions our exporter writes and fails loudly on any other one, so that a new
construct in the export cannot pass unchecked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

QTI = "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}"


def _local(element: ET.Element) -> str:
    return element.tag.removeprefix(QTI)


@dataclass
class Declaration:
    cardinality: str
    base_type: str
    correct: list[str] = field(default_factory=list)
    mapping: dict[str, float] = field(default_factory=dict)
    default: float = 0.0
    lower: float | None = None
    upper: float | None = None


@dataclass
class Outcome:
    score: float
    feedback: set[str]
    shown: list[str]  # identifiers of the modal feedback shown, in document order


def _value(base_type: str, text: str) -> Any:
    if base_type == "integer":
        return int(text)
    return float(text) if base_type == "float" else text


class Player:
    def __init__(self, item_xml: bytes):
        self.item = ET.fromstring(item_xml)
        self.declarations: dict[str, Declaration] = {}
        for d in self.item.findall(f"{QTI}qti-response-declaration"):
            mapping = d.find(f"{QTI}qti-mapping")
            declaration = Declaration(
                d.get("cardinality", "single"),
                d.get("base-type", ""),
                [v.text or "" for v in d.iterfind(f"{QTI}qti-correct-response/{QTI}qti-value")],
            )
            if mapping is not None:
                declaration.mapping = {
                    e.get("map-key", ""): float(e.get("mapped-value", "0"))
                    for e in mapping.findall(f"{QTI}qti-map-entry")
                }
                declaration.default = float(mapping.get("default-value", "0"))
                lower, upper = mapping.get("lower-bound"), mapping.get("upper-bound")
                declaration.lower = float(lower) if lower is not None else None
                declaration.upper = float(upper) if upper is not None else None
            self.declarations[d.get("identifier", "")] = declaration
        self.outcomes = {
            o.get("identifier", ""): o.get("cardinality", "single")
            for o in self.item.findall(f"{QTI}qti-outcome-declaration")
        }

    def run(self, responses: dict[str, Any]) -> Outcome:
        variables: dict[str, Any] = {name: None for name in self.outcomes}
        for name, cardinality in self.outcomes.items():
            if cardinality == "single":
                variables[name] = 0.0  # numeric outcomes start at 0
        for name, declaration in self.declarations.items():
            value = responses.get(name)
            if value is not None and declaration.base_type == "float":
                try:
                    value = float(value)
                except ValueError:
                    value = None
            variables[name] = value
        processing = self.item.find(f"{QTI}qti-response-processing")
        assert processing is not None, "no response processing: no player can score it"
        assert not processing.get("template"), "templates are not written out"
        for rule in processing:
            self._rule(rule, variables)
        feedback = variables.get("FEEDBACK") or []
        feedback = set(feedback if isinstance(feedback, list) else [feedback])
        shown = []
        for modal in self.item.findall(f"{QTI}qti-modal-feedback"):
            assert modal.get("outcome-identifier") == "FEEDBACK"
            hit = modal.get("identifier") in feedback
            if hit == (modal.get("show-hide", "show") == "show"):
                shown.append(modal.get("identifier", ""))
        return Outcome(float(variables.get("SCORE") or 0), feedback, shown)

    # ------------------------------------------------------------------ rules

    def _rule(self, rule: ET.Element, variables: dict[str, Any]) -> None:
        name = _local(rule)
        if name == "qti-set-outcome-value":
            [expression] = list(rule)
            variables[rule.get("identifier", "")] = self._eval(expression, variables)
        elif name == "qti-response-condition":
            for branch in rule:
                kind = _local(branch)
                children = list(branch)
                if kind == "qti-response-else" or self._eval(children[0], variables):
                    for inner in children if kind == "qti-response-else" else children[1:]:
                        self._rule(inner, variables)
                    return
        else:
            raise AssertionError(f"response rule <{name}> is not known to the test player")

    # ------------------------------------------------------------ expressions

    def _eval(self, e: ET.Element, v: dict[str, Any]) -> Any:  # noqa: C901 - one table
        name = _local(e)
        args = list(e)
        if name == "qti-variable":
            return v.get(e.get("identifier", ""))
        if name == "qti-base-value":
            return _value(e.get("base-type", ""), (e.text or "").strip())
        if name == "qti-multiple":
            values: list = []
            for a in args:
                value = self._eval(a, v)
                if value is None:
                    continue
                values.extend(value if isinstance(value, list) else [value])
            return values or None
        if name == "qti-is-null":
            value = self._eval(args[0], v)
            return value is None or value == [] or value == ""
        if name == "qti-correct":
            d = self.declarations[e.get("identifier", "")]
            values = [_value(d.base_type, c) for c in d.correct]
            return values if d.cardinality != "single" else values[0]
        if name == "qti-match":
            a, b = (self._eval(x, v) for x in args)
            if a is None or b is None:
                return False
            if isinstance(a, list) and isinstance(b, list):
                d = next(iter(self.declarations.values()))
                return a == b if d.cardinality == "ordered" else sorted(a) == sorted(b)
            return a == b
        if name == "qti-map-response":
            d = self.declarations[e.get("identifier", "")]
            given = v.get(e.get("identifier", ""))
            given = [] if given is None else given if isinstance(given, list) else [given]
            total = sum(d.mapping.get(k, d.default) for k in dict.fromkeys(given))
            if d.lower is not None:
                total = max(d.lower, total)
            if d.upper is not None:
                total = min(d.upper, total)
            return float(total)
        if name == "qti-equal":
            a, b = (self._eval(x, v) for x in args)
            if a is None or b is None:
                return False
            assert e.get("tolerance-mode") == "absolute"
            low, high = (float(t) for t in e.get("tolerance", "0 0").split())
            return b - low <= a <= b + high
        if name == "qti-string-match":
            a, b = (self._eval(x, v) for x in args)
            if a is None:
                return False
            if e.get("case-sensitive") == "true":
                return a == b
            return a.lower() == b.lower()
        if name == "qti-pattern-match":
            a = self._eval(args[0], v)
            return a is not None and re.fullmatch(e.get("pattern", ""), a) is not None
        if name == "qti-sum":
            values = [self._eval(a, v) for a in args]
            if any(value is None for value in values):
                return None  # QTI: NULL if any sub-expression is NULL
            return sum(values)
        if name in ("qti-gte", "qti-gt", "qti-lt"):
            a, b = (self._eval(x, v) for x in args)
            if a is None or b is None:
                return False
            return {"qti-gte": a >= b, "qti-gt": a > b, "qti-lt": a < b}[name]
        if name == "qti-and":
            return all(bool(self._eval(a, v)) for a in args)
        if name == "qti-divide":
            a, b = (self._eval(x, v) for x in args)
            if a is None or b is None or b == 0:
                return None  # QTI: NULL on a NULL operand or division by 0
            return a / b
        if name == "qti-index":
            container = self._eval(args[0], v)
            n = int(e.get("n", "0"))
            if not isinstance(container, list) or not 1 <= n <= len(container):
                return None  # QTI: NULL past the end of the container
            return container[n - 1]
        raise AssertionError(f"expression <{name}> is not known to the test player")
