"""Ordering items keep their partial credit in other systems: the Moodle XML export names the
qtype_ordering grading type that scores as ours does, and the QTI 3.0 export writes response
processing that computes the same credit in any player (``qti_player`` reads only the XML).

Each exported rule is compared with our scorer on every order of 2 to 5 items, under every
grading. The Moodle side is checked against qtype_ordering's gradings as its documentation
defines them, written here by brute force (no code shared with ``ordering_credit``)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from question_bank.interchange import moodle_xml, qti
from question_bank.interchange.common import ItemRecord
from question_bank.items.content import ItemContent, OptionText, Translation
from question_bank.items.types import item_type_spec
from question_bank.items.types.ordering import GRADINGS

from .qti30_structure import item_problems
from .qti_player import Player


def _ordering(n: int, grading: str) -> ItemRecord:
    keys = [f"k{i}" for i in range(1, n + 1)]
    translation = Translation(
        "<p>Put the steps in order.</p>", "", {k: OptionText(f"Step {k}") for k in keys}
    )
    content = ItemContent(
        item_type="ordering",
        translations={"en": translation},
        options=[(k, Decimal(0)) for k in keys],
        type_data={"order": keys, "grading": grading},
    )
    return ItemRecord(content=content, uid=f"ordering-{n}-{grading}".replace("_", "-"))


def _ours(record: ItemRecord, response: list[str]) -> float:
    return float(item_type_spec("ordering").score(record.content, response))


# ---------------------------------------------------------------- qtype_ordering, by definition


def _longest(ranks: list[int], contiguous: bool) -> int:
    """The longest set of items, in the candidate's order, whose right positions increase (by
    exactly one each step and side by side in the answer, for the contiguous grading)."""
    best = 0
    n = len(ranks)
    for size in range(n, 0, -1):
        for chosen in itertools.combinations(range(n), size):
            values = [ranks[i] for i in chosen]
            if contiguous:
                ok = all(b == a + 1 for a, b in itertools.pairwise(chosen)) and all(
                    b == a + 1 for a, b in itertools.pairwise(values)
                )
            else:
                ok = all(b > a for a, b in itertools.pairwise(values))
            if ok:
                best = size
                break
        if best:
            break
    return best


def _moodle(gradingtype: str, order: list[str], response: list[str]) -> float:
    """qtype_ordering's fraction for ``gradingtype`` (its documentation's definitions)."""
    n = len(order)
    ranks = [order.index(k) for k in response]
    if gradingtype == "ALL_OR_NOTHING":
        return 1.0 if response == order else 0.0
    if gradingtype == "ABSOLUTE_POSITION":
        return sum(r == i for i, r in enumerate(ranks)) / n
    if gradingtype in ("RELATIVE_NEXT_EXCLUDE_LAST", "RELATIVE_NEXT_INCLUDE_LAST"):
        # Each item (but the last, unless included) scores when the item after it in the
        # answer is the one after it in the right order; the last "is followed by" nothing.
        following = {order[i]: order[i + 1] if i + 1 < n else None for i in range(n)}
        given = {response[i]: response[i + 1] if i + 1 < n else None for i in range(n)}
        counted = order if gradingtype.endswith("INCLUDE_LAST") else order[:-1]
        return sum(given[k] == following[k] for k in counted) / len(counted)
    if gradingtype in ("LONGEST_ORDERED_SUBSET", "LONGEST_CONTIGUOUS_SUBSET"):
        run = _longest(ranks, contiguous=gradingtype.endswith("CONTIGUOUS_SUBSET"))
        return run / n if run > 1 else 0.0  # a subset of one item scores nothing
    raise AssertionError(f"gradingtype {gradingtype} is not one our export may write")


@pytest.mark.parametrize("grading", GRADINGS)
def test_moodle_export_names_the_grading_that_scores_as_ours(grading):
    for n in range(2, 6):
        record = _ordering(n, grading)
        quiz = ET.fromstring(moodle_xml.render([record], qualification_pack_code="ASC/Q0202"))
        question = quiz.find("question[@type='ordering']")
        assert question is not None
        gradingtype = question.findtext("gradingtype")
        # Every item shown, so that Moodle grades the same set of items we do.
        assert question.findtext("selecttype") == "ALL"
        order = record.content.type_data["order"]
        for response in itertools.permutations(order):
            assert _moodle(gradingtype, order, list(response)) == pytest.approx(
                _ours(record, list(response))
            ), (grading, response)
        # And back: the same grading.
        [back] = moodle_xml.parse(ET.tostring(quiz))
        assert back.content.type_data["grading"] == grading


@pytest.mark.parametrize("grading", GRADINGS)
def test_qti_export_scores_every_order_as_ours_in_another_player(grading):
    for n in range(2, 6):
        record = _ordering(n, grading)
        xml = qti._item_xml(record, "en")
        assert item_problems(xml) == []
        player = Player(xml)
        order = record.content.type_data["order"]
        for response in itertools.permutations(order):
            got = player.run({"RESPONSE": list(response)}).score
            assert got == pytest.approx(_ours(record, list(response))), (grading, response)
        assert player.run({}).score == 0  # no answer, no credit


def test_partial_credit_sample_in_both_formats():
    """A worked sample: 1 3 2 4 earns 2 of 4 positions, 1 of 3 successors (1 is not followed
    by 2), and a longest ordered run of 3 (1 2 4 or 1 3 4) but a contiguous one of only 1."""
    response = ["k1", "k3", "k2", "k4"]
    expected = {
        "all_or_nothing": 0,
        "absolute_position": 2 / 4,
        "relative_next_exclude_last": 0 / 3,
        "relative_next_include_last": 1 / 4,
        "longest_ordered_subset": 3 / 4,
        "longest_contiguous_subset": 0,
    }
    for grading, fraction in expected.items():
        record = _ordering(4, grading)
        assert _ours(record, response) == pytest.approx(fraction), grading
        assert Player(qti._item_xml(record, "en")).run({"RESPONSE": response}).score == (
            pytest.approx(fraction)
        ), grading
