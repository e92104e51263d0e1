"""Each item type's QTI 3.0 writer, named by its type spec (``ItemTypeSpec.export_writers``):
``qti._item_xml`` writes what every item has (the outcomes, the stem, the general and combined
feedback) and asks the type for its response declarations, interaction and response processing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..items.content import ItemContent, Translation
from ..items.html import html_to_text
from .qti_xml import _chain, _el, _html_into, _num, _set_score, _sub, _var


@dataclass
class QtiItem:
    """One item being written in one language: the writer adds to ``item`` (its response
    declarations, before the outcomes), ``body`` and ``processing``, and lists the modal
    feedback it needs in ``feedbacks`` as (identifier, html)."""

    item: ET.Element
    body: ET.Element
    processing: ET.Element
    content: ItemContent
    translation: Translation
    feedbacks: list[tuple[str, str]] = field(default_factory=list)
    # The candidate's response (choice keys) goes into FEEDBACK, so that each chosen option's
    # feedback shows.
    response_is_feedback: bool = False
    responses: list[str] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        return self.content.type_data

    @property
    def shuffle(self) -> str:
        return "true" if self.content.shuffle_options else "false"

    def declare(self, identifier: str, cardinality: str, base_type: str) -> ET.Element:
        """A response declaration, placed after the earlier ones and before the outcomes."""
        declaration = _el(
            "qti-response-declaration",
            {"identifier": identifier, "cardinality": cardinality, "base-type": base_type},
        )
        self.item.insert(len(self.responses), declaration)
        self.responses.append(identifier)
        return declaration

    def declare_outcome(self, identifier: str, base_type: str = "integer") -> None:
        """A working outcome for the response processing (after SCORE and FEEDBACK)."""
        self.item.insert(
            list(self.item).index(self.body),
            _el(
                "qti-outcome-declaration",
                {"identifier": identifier, "cardinality": "single", "base-type": base_type},
            ),
        )


def _int(value: int) -> ET.Element:
    element = _el("qti-base-value", {"base-type": "integer"})
    element.text = str(value)
    return element


def _set(parent: ET.Element, identifier: str, value: ET.Element) -> None:
    _sub(parent, "qti-set-outcome-value", {"identifier": identifier}).append(value)


def _plus_one(identifier: str) -> ET.Element:
    return _el("qti-sum", {}, _var(identifier), _int(1))


def _when(parent: ET.Element, test: ET.Element) -> ET.Element:
    """``if test:`` (the branch, to put rules in)."""
    branch = _sub(_sub(parent, "qti-response-condition"), "qti-response-if")
    branch.append(test)
    return branch


def _choice(w: QtiItem, cardinality: str, max_choices: str) -> None:
    content, translation = w.content, w.translation
    declaration = w.declare("RESPONSE", cardinality, "identifier")
    correct = _sub(declaration, "qti-correct-response")
    for key in content.correct_keys:
        _sub(correct, "qti-value", text=key)
    mapping = _sub(
        declaration, "qti-mapping", {"default-value": "0", "lower-bound": "0", "upper-bound": "1"}
    )
    for key, fraction in content.options:
        _sub(mapping, "qti-map-entry", {"map-key": key, "mapped-value": _num(fraction)})
    interaction = _sub(
        w.body,
        "qti-choice-interaction",
        {"response-identifier": "RESPONSE", "shuffle": w.shuffle, "max-choices": max_choices},
    )
    for key, _ in content.options:
        _html_into(
            _sub(interaction, "qti-simple-choice", {"identifier": key}),
            translation.options[key].html,
        )
    condition = _sub(w.processing, "qti-response-condition")
    branch = _sub(condition, "qti-response-if")
    branch.append(_el("qti-is-null", {}, _var()))
    _set_score(branch, "0")
    _set_score(
        _sub(condition, "qti-response-else"), _el("qti-map-response", {"identifier": "RESPONSE"})
    )
    w.response_is_feedback = True
    w.feedbacks.extend((key, translation.options[key].feedback_html) for key, _ in content.options)


def single_choice(w: QtiItem) -> None:
    _choice(w, "single", "1")


def multiple_response(w: QtiItem) -> None:
    _choice(w, "multiple", "0")


def numeric(w: QtiItem) -> None:
    content, data = w.content, w.data
    declaration = w.declare("RESPONSE", "single", "float")
    _sub(_sub(declaration, "qti-correct-response"), "qti-value", text=_num(content.numeric_answer))
    # A text entry is inline content: the item body takes blocks, so it sits in a <p>.
    _sub(
        _sub(w.body, "p"),
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
            w.feedbacks.append((f"A{n}", html))
    other = data.get("other_answer_feedback_html", "")
    if other:
        w.feedbacks.append(("OTHER", other))
    _chain(w.processing, branches, "OTHER" if other else "")


def short_answer(w: QtiItem) -> None:
    content, translation = w.content, w.translation
    declaration = w.declare("RESPONSE", "single", "string")
    _sub(
        _sub(w.body, "p"),
        "qti-text-entry-interaction",
        {"response-identifier": "RESPONSE", "expected-length": "20"},
    )
    case = "true" if w.data.get("case_sensitive") else "false"
    answers = [(html_to_text(translation.options[k].html), f) for k, f in content.options]
    right = next((a for a, f in answers if f == 1), "")
    _sub(_sub(declaration, "qti-correct-response"), "qti-value", text=right.replace("*", ""))
    branches = []
    for (key, _), (answer, fraction) in zip(content.options, answers, strict=True):
        html = translation.options[key].feedback_html
        if html:
            w.feedbacks.append((key, html))
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
    _chain(w.processing, branches)


def essay(w: QtiItem) -> None:
    w.declare("RESPONSE", "single", "string")
    _sub(
        w.body,
        "qti-extended-text-interaction",
        {"response-identifier": "RESPONSE", "expected-lines": str(w.data.get("lines", 15))},
    )


def matching(w: QtiItem) -> None:
    declaration = w.declare("RESPONSE", "multiple", "directedPair")
    pairs = w.data.get("pairs", [])
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
        w.body,
        "qti-match-interaction",
        {"response-identifier": "RESPONSE", "shuffle": w.shuffle,
         "max-associations": str(len(sources))},
    )  # fmt: skip
    left = _sub(interaction, "qti-simple-match-set")
    right = _sub(interaction, "qti-simple-match-set")
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
    _set_score(w.processing, _el("qti-map-response", {"identifier": "RESPONSE"}))


def ordering(w: QtiItem) -> None:
    """All or nothing as QTI's match_correct; every other grading of ours written out as
    response processing that computes the same credit (``ordering_credit``) in any player: each
    position's RANK_p (where its item belongs, 1 first), then the grading's points over what is
    possible."""
    declaration = w.declare("RESPONSE", "ordered", "identifier")
    correct = _sub(declaration, "qti-correct-response")
    for key in w.data.get("order", []):
        _sub(correct, "qti-value", text=key)
    interaction = _sub(
        w.body, "qti-order-interaction", {"response-identifier": "RESPONSE", "shuffle": w.shuffle}
    )
    for key, _ in w.content.options:
        _html_into(
            _sub(interaction, "qti-simple-choice", {"identifier": key}),
            w.translation.options[key].html,
        )
    grading = w.data.get("grading", "all_or_nothing")
    if grading == "all_or_nothing":
        match = _el("qti-match", {}, _var(), _el("qti-correct", {"identifier": "RESPONSE"}))
        _chain(w.processing, [(match, "1", "")])
        return
    _ordering_credit(w, w.data.get("order", []), grading)


def _ordering_credit(w: QtiItem, order: list[str], grading: str) -> None:
    n, rp = len(order), w.processing
    ranks = [f"RANK_{p}" for p in range(1, n + 1)]
    for name in [*ranks, "POINTS"]:
        w.declare_outcome(name)
    for p, rank in enumerate(ranks, start=1):
        condition = _sub(rp, "qti-response-condition")
        for j, key in enumerate(order, start=1):
            branch = _sub(condition, "qti-response-if" if j == 1 else "qti-response-else-if")
            item = _el("qti-base-value", {"base-type": "identifier"})
            item.text = key
            branch.append(_el("qti-match", {}, _el("qti-index", {"n": str(p)}, _var()), item))
            _set(branch, rank, _int(j))

    def follows(p: int) -> ET.Element:  # position p+1 holds the item that comes after p's
        return _el("qti-match", {}, _var(ranks[p]), _plus_one(ranks[p - 1]))

    if grading == "absolute_position":
        for p, rank in enumerate(ranks, start=1):
            _set(
                _when(rp, _el("qti-match", {}, _var(rank), _int(p))), "POINTS", _plus_one("POINTS")
            )
    elif grading in ("relative_next_exclude_last", "relative_next_include_last"):
        for p in range(1, n):
            _set(_when(rp, follows(p)), "POINTS", _plus_one("POINTS"))
        if grading == "relative_next_include_last":
            last = _el("qti-match", {}, _var(ranks[-1]), _int(n))
            _set(_when(rp, last), "POINTS", _plus_one("POINTS"))
    else:  # the longest run: contiguous (Moodle's LONGEST_CONTIGUOUS_SUBSET) or not
        w.declare_outcome("BEST")
        _set(rp, "BEST", _int(1))
        if grading == "longest_contiguous_subset":
            w.declare_outcome("RUN")
            _set(rp, "RUN", _int(1))
            for p in range(1, n):
                condition = _sub(rp, "qti-response-condition")
                branch = _sub(condition, "qti-response-if")
                branch.append(follows(p))
                _set(branch, "RUN", _plus_one("RUN"))
                _set(_sub(condition, "qti-response-else"), "RUN", _int(1))
                _set(_when(rp, _el("qti-gt", {}, _var("RUN"), _var("BEST"))), "BEST", _var("RUN"))
        else:  # longest increasing subsequence of the ranks, O(n^2) as ordering_credit
            lengths = [f"LENGTH_{p}" for p in range(1, n + 1)]
            for p, length in enumerate(lengths):
                w.declare_outcome(length)
                _set(rp, length, _int(1))
                for q in range(p):
                    test = _el(
                        "qti-and", {},
                        _el("qti-lt", {}, _var(ranks[q]), _var(ranks[p])),
                        _el("qti-gt", {}, _plus_one(lengths[q]), _var(length)),
                    )  # fmt: skip
                    _set(_when(rp, test), length, _plus_one(lengths[q]))
                _set(_when(rp, _el("qti-gt", {}, _var(length), _var("BEST"))), "BEST", _var(length))
        # A run of one item scores nothing.
        _set(_when(rp, _el("qti-gt", {}, _var("BEST"), _int(1))), "POINTS", _var("BEST"))
    possible = n - 1 if grading == "relative_next_exclude_last" else n
    _set_score(rp, _el("qti-divide", {}, _var("POINTS"), _int(possible)))


def cloze(w: QtiItem) -> None:
    """Each part its own response (RESPONSE_n), worth its weight: a choice part by a mapping of
    every choice to its fraction of that weight (partial and negative marks too), a text part by
    its right answer. SCORE is the sum over the total weight (whole numbers until that division,
    so full marks are exactly 1) and never below 0, as ours."""
    parts = w.data.get("parts", [])
    total = sum(Decimal(p.get("weight", 1)) for p in parts) or Decimal(1)
    for i, part in enumerate(parts, start=1):
        base = "float" if part["kind"] == "numerical" else "string"
        choice = part["kind"] == "multichoice"
        declaration = w.declare(f"RESPONSE_{i}", "single", "identifier" if choice else base)
        right = next(a for a in part["answers"] if Decimal(str(a["fraction"])) == 1)
        value = f"C{part['answers'].index(right) + 1}" if choice else right["text"]
        _sub(_sub(declaration, "qti-correct-response"), "qti-value", text=value)
        share = Decimal(part.get("weight", 1))
        if choice:
            mapping = _sub(declaration, "qti-mapping", {"default-value": "0"})
            for j, a in enumerate(part["answers"], start=1):
                worth = _num(Decimal(str(a["fraction"])) * share)
                _sub(mapping, "qti-map-entry", {"map-key": f"C{j}", "mapped-value": worth})
    interactions: dict[int, ET.Element] = {}
    for i, part in enumerate(parts, start=1):
        if part["kind"] == "multichoice":
            inline = _el(
                "qti-inline-choice-interaction",
                {"response-identifier": f"RESPONSE_{i}", "shuffle": "false"},
            )
            for j, a in enumerate(part["answers"], start=1):
                _sub(inline, "qti-inline-choice", {"identifier": f"C{j}"}, a["text"])
        else:
            inline = _el("qti-text-entry-interaction", {"response-identifier": f"RESPONSE_{i}"})
        interactions[i] = inline
    # Each interaction where its {#n} stands in the stem; one the stem lacks, after it.
    placed = _place_inline(w.body[0], interactions)
    for i, inline in interactions.items():
        if i not in placed:
            _sub(w.body, "p").append(inline)
    for i, part in enumerate(parts, start=1):
        share = Decimal(part.get("weight", 1))
        if part["kind"] == "multichoice":
            _set_score(
                w.processing,
                _el("qti-sum", {}, _var("SCORE"),
                    _el("qti-map-response", {"identifier": f"RESPONSE_{i}"})),
            )  # fmt: skip
            continue
        condition = _sub(w.processing, "qti-response-condition")
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
        add[1].text = _num(share)
        _set_score(branch, add)
    total_value = _el("qti-base-value", {"base-type": "float"})
    total_value.text = _num(total)
    _set_score(w.processing, _el("qti-divide", {}, _var("SCORE"), total_value))
    if any(Decimal(str(a["fraction"])) < 0 for p in parts for a in p["answers"]):
        zero = _el("qti-base-value", {"base-type": "float"})
        zero.text = "0"
        below = _sub(_sub(w.processing, "qti-response-condition"), "qti-response-if")
        below.append(_el("qti-lt", {}, _var("SCORE"), zero))
        _set_score(below, "0")


_PLACEHOLDER = re.compile(r"\{#(\d+)\}")


def _place_inline(stem: ET.Element, interactions: dict[int, ET.Element]) -> set[int]:
    """Put each interaction where its ``{#n}`` is in the stem's text (ElementTree keeps text in
    ``.text`` and ``.tail``); returns the n placed."""
    placed: set[int] = set()

    def split(text: str) -> tuple[str, list[ET.Element]]:
        pieces = _PLACEHOLDER.split(text)  # text, n, text, n, ..., text
        head, elements = pieces[0], []
        for k in range(1, len(pieces), 2):
            n, after = int(pieces[k]), pieces[k + 1]
            if n in interactions and n not in placed:
                element = interactions[n]
                element.tail = after
                placed.add(n)
                elements.append(element)
            elif elements:  # no such part: the text stays as it is
                elements[-1].tail = (elements[-1].tail or "") + f"{{#{n}}}" + after
            else:
                head += f"{{#{n}}}" + after
        return head, elements

    for node in list(stem.iter()):
        children = list(node)
        if node.text and _PLACEHOLDER.search(node.text):
            node.text, elements = split(node.text)
            for offset, element in enumerate(elements):
                node.insert(offset, element)
        for child in children:
            if child.tail and _PLACEHOLDER.search(child.tail):
                child.tail, elements = split(child.tail)
                index = list(node).index(child)
                for offset, element in enumerate(elements, start=1):
                    node.insert(index + offset, element)
    return placed


def description(w: QtiItem) -> None:
    """A shared stimulus: its stem only, no response."""
