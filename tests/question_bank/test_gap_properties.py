"""Property tests of Moodle's gap questions as cloze items (``moodle_xml.gaps_parse``): for any
choices in any groups and any places naming them, each place offers its group's choices with the
named one right, scoring is right places / places (never outside 0..1), single-use choices are
held to one place, and ``gap_choices`` gives Moodle's choices and places back. No database."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from question_bank.interchange import FORMATS
from question_bank.interchange.common import ItemRecord
from question_bank.interchange.moodle_xml import gap_choices, gaps_parse
from question_bank.items.content import ItemContent, Translation
from question_bank.items.types import item_type_spec

CLOZE = item_type_spec("cloze")
WORD = st.text(alphabet="abcdefgxyz कौनसही&'\"", min_size=1, max_size=8).map(str.strip).filter(bool)


@st.composite
def gap_questions(draw):
    """(choices [(text, group, reusable)], places [choice numbers]) that Moodle accepts."""
    groups = draw(st.integers(1, 3))
    choices = []
    for group in range(1, groups + 1):
        texts = draw(st.lists(WORD, min_size=1, max_size=4, unique=True))
        choices += [(t, str(group), draw(st.booleans())) for t in texts]
    order = draw(st.permutations(range(len(choices))))
    choices = [choices[i] for i in order]  # Moodle lists the groups' choices in any order
    places = draw(st.lists(st.integers(1, len(choices)), min_size=1, max_size=4))
    assume(all(places.count(n) == 1 or choices[n - 1][2] for n in places))
    return choices, places


def _content(choices, places) -> ItemContent:
    stem = " ".join(f"<p>gap [[{n}]]</p>" for n in places)
    stems, parts, _notes = gaps_parse({"en": stem}, choices)
    return ItemContent(
        item_type="cloze",
        translations={"en": Translation(stems["en"])},
        type_data={"parts": parts},
    )


@settings(max_examples=150, deadline=None)
@given(gap_questions())
def test_every_place_offers_its_group_and_scores_on_its_own(question):
    choices, places = question
    content = _content(choices, places)
    assert CLOZE.validate(content) == []
    parts = content.type_data["parts"]
    assert len(parts) == len(places)
    rights = []
    for part, number in zip(parts, places, strict=True):
        text, group, _ = choices[number - 1]
        offered = [c[0] for c in choices if c[1] == group]
        assert [a["text"] for a in part["answers"]] == offered
        assert [a["text"] for a in part["answers"] if Decimal(a["fraction"]) == 1] == [text]
        rights.append(text)
    right = {str(i): t for i, t in enumerate(rights, start=1)}
    assert CLOZE.score(content, right) == 1
    # Every response that uses each single-use choice once at most: right places / places.
    for combo in itertools.islice(
        itertools.product(*([[""] + [a["text"] for a in p["answers"]]] for p in parts)), 200
    ):
        response = {str(i): t for i, t in enumerate(combo, start=1)}
        used = [(p["group"], t) for p, t in zip(parts, combo, strict=True) if t]
        single = {
            (p["group"], a["text"]) for p in parts for a in p["answers"] if a.get("max_uses") == 1
        }
        if any(used.count(u) > 1 for u in single):
            with pytest.raises(ValueError):
                CLOZE.score(content, response)
            continue
        expected = Decimal(sum(g == r for g, r in zip(combo, rights, strict=True))) / len(parts)
        assert CLOZE.score(content, response) == expected


@settings(max_examples=150, deadline=None)
@given(gap_questions())
def test_gap_choices_gives_moodles_choices_and_places_back(question):
    choices, places = question
    content = _content(choices, places)
    back = gap_choices(content.type_data["parts"])
    assert back is not None
    new_choices, numbers = back
    for number, new_number in zip(places, numbers, strict=True):
        text, group, reusable = choices[number - 1]
        assert new_choices[new_number - 1] == (text, int(group), reusable)
    # And through Moodle XML and back: the same parts.
    record = ItemRecord(content=content, uid="0b3f5f0e-5f9d-4a7c-9a70-1f6d2f0c1a11")
    xml = FORMATS["moodle"].render([record], qualification_pack_code="ASC/Q0202")
    [again] = FORMATS["moodle"].read(xml, source="gap.xml").records
    assert again.content.type_data["parts"] == content.type_data["parts"]


@settings(max_examples=60, deadline=None)
@given(gap_questions())
def test_a_single_use_choice_named_by_two_places_is_refused(question):
    choices, places = question
    single = [n for n, c in enumerate(choices, start=1) if not c[2]]
    assume(single)
    with pytest.raises(ValueError, match="may fill one only"):
        gaps_parse({"en": f"[[{single[0]}]] and [[{single[0]}]]"}, choices)
