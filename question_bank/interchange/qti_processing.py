"""A QTI response-processing evaluator for the subset other producers write for cloze-like items,
and the check that an item's SCORE is a sum of per-part scores (so that our cloze, which scores
each part on its own, scores it as its source does).

The subset: response conditions (if / else-if / else), setting numeric outcomes with sum,
variable, base values, correct and map-response, and the tests match, isNull, and, or, not, gte,
lte, equal (exact) and stringMatch. Outcomes that are not numbers (FEEDBACK) are not evaluated:
nothing in the subset can read them back into SCORE. Anything else is refused, named, because
what it does to SCORE cannot be vouched for. Elements use the QTI 3.0 names ``qti_foreign``
normalises QTI 2.x to.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal

Value = Decimal | str | bool | None
MAX_COMBINATIONS = 4096
_NUMERIC = ("float", "integer")


class OutsideSubsetError(ValueError):
    """The processing uses something outside the subset (the message names it)."""


def _outside(element: ET.Element) -> OutsideSubsetError:
    name = element.tag.removeprefix("qti-")
    return OutsideSubsetError(f"response processing uses <{name}>, which Kaushal cannot check")


def template_processing(template: str) -> ET.Element:
    """The standard templates Kaushal reads, as the rules they stand for (on RESPONSE only)."""

    def el(tag: str, children: Sequence[ET.Element] = (), **attrib: str) -> ET.Element:
        element = ET.Element(tag, {k.replace("_", "-"): v for k, v in attrib.items()})
        element.extend(children)
        return element

    def score(value: ET.Element) -> ET.Element:
        return el("qti-set-outcome-value", [value], identifier="SCORE")

    def zero() -> ET.Element:
        base = el("qti-base-value", base_type="float")
        base.text = "0"
        return base

    response = el("qti-variable", identifier="RESPONSE")
    if "match_correct" in template:
        one = el("qti-base-value", base_type="float")
        one.text = "1"
        test = el("qti-match", [response, el("qti-correct", identifier="RESPONSE")])
        branches = [el("qti-response-if", [test, score(one)]),
                    el("qti-response-else", [score(zero())])]  # fmt: skip
    elif "map_response" in template:
        test = el("qti-is-null", [response])
        mapped = el("qti-map-response", identifier="RESPONSE")
        branches = [el("qti-response-if", [test, score(zero())]),
                    el("qti-response-else", [score(mapped)])]  # fmt: skip
    else:
        raise OutsideSubsetError(f"response processing template {template.rsplit('/', 1)[-1]}")
    return el("qti-response-processing", [el("qti-response-condition", branches)])


class Processing:
    """One item's response processing, run on a response per response identifier."""

    def __init__(
        self,
        processing: ET.Element,
        responses: dict[str, dict],
        outcomes: dict[str, tuple[str, Decimal | None]],
    ):
        """``responses``: each declaration as ``qti_foreign._declarations`` reads it;
        ``outcomes``: each outcome's base type and default value."""
        self.processing = processing
        self.responses = responses
        self.outcomes = outcomes

    def score(self, given: dict[str, str | None]) -> Decimal:
        """SCORE after the processing (0 when it is left NULL, as players show it)."""
        state: dict[str, Value] = {
            name: (default if default is not None else Decimal(0))
            for name, (base, default) in self.outcomes.items()
            if base in _NUMERIC
        }
        values = {k: (v if v not in ("", None) else None) for k, v in given.items()}
        self._rules(list(self.processing), values, state)
        result = state.get("SCORE")
        return result if isinstance(result, Decimal) else Decimal(0)

    def _rules(self, rules: list[ET.Element], given: dict, state: dict) -> None:
        for rule in rules:
            if rule.tag == "qti-response-condition":
                for branch in rule:
                    if branch.tag == "qti-response-else":
                        self._rules(list(branch), given, state)
                        break
                    if branch.tag not in ("qti-response-if", "qti-response-else-if") or not len(
                        branch
                    ):
                        raise _outside(branch)
                    if self._value(branch[0], given, state) is True:
                        self._rules(list(branch)[1:], given, state)
                        break
            elif rule.tag == "qti-set-outcome-value":
                name = rule.get("identifier", "")
                if name not in self.outcomes:
                    raise OutsideSubsetError(
                        f"response processing sets {name!r}, which is not declared"
                    )
                if self.outcomes[name][0] not in _NUMERIC:
                    continue  # feedback and other non-numbers: nothing reads them into SCORE
                if len(rule) != 1:
                    raise _outside(rule)
                value = self._value(rule[0], given, state)
                if value is not None and not isinstance(value, Decimal):
                    raise OutsideSubsetError(f"response processing sets {name!r} to a non-number")
                state[name] = value
            else:
                raise _outside(rule)

    def _number(self, element: ET.Element, given: dict, state: dict) -> Decimal | None:
        value = self._value(element, given, state)
        if value is not None and not isinstance(value, Decimal):
            raise OutsideSubsetError(f"<{element.tag.removeprefix('qti-')}> is not a number here")
        return value

    def _value(self, e: ET.Element, given: dict, state: dict) -> Value:  # noqa: C901
        tag, kids = e.tag, list(e)
        if tag == "qti-base-value":
            text = (e.text or "").strip()
            base = e.get("base-type", "")
            if base in _NUMERIC:
                return Decimal(text)
            if base == "boolean":
                return text == "true"
            if base in ("identifier", "string"):
                return text
            raise _outside(e)
        if tag in ("qti-variable", "qti-correct", "qti-map-response"):
            name = e.get("identifier", "")
            if name in self.responses:
                declaration = self.responses[name]
                if declaration["cardinality"] != "single":
                    raise OutsideSubsetError(f"response {name!r} is not of single cardinality")
                if tag == "qti-variable":
                    return given.get(name)
                if tag == "qti-correct":
                    return declaration["correct"][0] if declaration["correct"] else None
                return _map_response(declaration, given.get(name))
            if tag == "qti-variable" and name in state:
                return state[name]
            raise OutsideSubsetError(
                f"response processing reads {name!r}, which Kaushal cannot check"
            )
        if tag == "qti-sum":
            numbers = [self._number(k, given, state) for k in kids]
            if any(n is None for n in numbers):
                return None
            return sum((n for n in numbers if n is not None), Decimal(0))
        if tag in ("qti-and", "qti-or"):
            flags = [self._value(k, given, state) for k in kids]
            if any(f is not None and not isinstance(f, bool) for f in flags):
                raise _outside(e)
            decisive = tag == "qti-or"  # or: any true is true; and: any false is false
            if decisive in flags:
                return decisive
            return None if None in flags else not decisive
        if tag in ("qti-not", "qti-is-null"):
            if len(kids) != 1:
                raise _outside(e)
            value = self._value(kids[0], given, state)
            if tag == "qti-is-null":
                return value is None or value == ""
            if value is not None and not isinstance(value, bool):
                raise _outside(e)
            return None if value is None else not value
        if tag in ("qti-match", "qti-gte", "qti-lte", "qti-equal", "qti-string-match"):
            if len(kids) != 2:
                raise _outside(e)
            if tag == "qti-equal" and e.get("tolerance-mode", "exact") != "exact":
                raise OutsideSubsetError("response processing uses <equal> with a tolerance")
            if tag in ("qti-gte", "qti-lte", "qti-equal"):
                a, b = (self._number(k, given, state) for k in kids)
            else:
                a, b = (self._value(k, given, state) for k in kids)
            if a is None or b is None:
                return None
            if tag == "qti-match":
                return a == b
            if tag == "qti-string-match":
                if not (isinstance(a, str) and isinstance(b, str)):
                    raise _outside(e)
                if e.get("case-sensitive", "true").lower() == "false":
                    a, b = a.lower(), b.lower()
                return a in b if e.get("substring", "false").lower() == "true" else a == b
            assert isinstance(a, Decimal) and isinstance(b, Decimal)
            return a >= b if tag == "qti-gte" else a <= b if tag == "qti-lte" else a == b
        raise _outside(e)


def _map_response(declaration: dict, value: str | None) -> Decimal:
    """QTI's mapResponse of a single response: the first entry it matches (else the default),
    within the bounds; a NULL response is an empty container, worth 0 within the bounds."""
    total = Decimal(0)
    if value is not None:
        total = declaration["default"]
        for key, mapped, case_sensitive in declaration["mapping"]:
            if key == value or (not case_sensitive and key.lower() == value.lower()):
                total = mapped
                break
    if declaration["lower"] is not None:
        total = max(total, declaration["lower"])
    if declaration["upper"] is not None:
        total = min(total, declaration["upper"])
    return total


def part_scores(
    processing: Processing, parts: list[tuple[str, list[str | None]]]
) -> list[dict[str | None, Decimal]]:
    """Each part's score for each of its candidate values (None: left empty), when SCORE is
    their sum on every combination of candidates; ValueError naming the parts otherwise.

    A part's score for a value is SCORE with that value in that part and every other part
    empty; the candidates must cover every value the processing tells apart (each choice, each
    key it compares with, one wrong answer, empty)."""
    count = 1
    for _, values in parts:
        count *= len(values)
    if count > MAX_COMBINATIONS:
        raise ValueError(
            f"{len(parts)} parts give {count} combinations of answers, more than the "
            f"{MAX_COMBINATIONS} Kaushal checks to prove the score is a sum of part scores"
        )
    empty: dict[str, str | None] = {name: None for name, _ in parts}
    base = processing.score(empty)
    if base != 0:
        raise ValueError(f"an empty response scores {base}, not 0")
    scores = [{v: processing.score({**empty, name: v}) for v in values} for name, values in parts]
    combos = sorted(
        itertools.product(*(values for _, values in parts)),
        key=lambda combo: sum(v is not None for v in combo),
    )
    for combo in combos:
        total = processing.score({name: v for (name, _), v in zip(parts, combo, strict=True)})
        expected = sum((s[v] for s, v in zip(scores, combo, strict=True)), Decimal(0))
        if total != expected:
            names = [name for (name, _), v in zip(parts, combo, strict=True) if v is not None]
            shown = ", ".join(
                f"{name} = {v!r}" for (name, _), v in zip(parts, combo, strict=True) if v
            )
            raise ValueError(
                f"the score is not a sum of part scores: the answers of {', '.join(names)} "
                f"count together (with {shown} it is {total}, the parts alone give {expected})"
            )
    return scores
