"""Gap items from other systems: Moodle's select missing words (gapselect) and drag and drop into
text (ddwtos) and QTI's gap match become cloze items whose gaps are selects of a choice group.
Each real file (tests/data/interchange, sources in tests/data/README.md) imports, scores as its
source defines on every possible response, keeps its shuffle and single-use settings, and comes
back unchanged from every format that can hold it. QTI's hottext is refused with its reason."""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from question_bank.interchange import FORMATS, qti
from question_bank.items.types import item_type_spec

from .moodle_format_checker import problems as moodle_problems
from .qti30_structure import item_problems
from .qti_player import Player

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
CLOZE = item_type_spec("cloze")


def _one(fmt: str, path: str):
    parsed = FORMATS[fmt].read((DATA / path).read_bytes(), source=path)
    assert parsed.skipped == []
    [record] = parsed.records
    assert record.content.item_type == "cloze"
    assert CLOZE.validate(record.content) == []
    return record


def _responses(choices: list[str], gaps: int):
    """Every response: each gap left blank or given any choice."""
    for combo in itertools.product(["", *choices], repeat=gaps):
        yield {str(i): text for i, text in enumerate(combo, start=1)}


def _view(record, rng=None):
    view = CLOZE.learner_view(record.content, "en")
    return CLOZE.shuffle_view(view, rng) if rng else view


# ---------------------------------------------------------------- Moodle gapselect


def test_moodle_gapselect_is_a_cloze_item_scored_place_by_place():
    record = _one("moodle", "moodle_xml/qtype_gapselect_testquestion.xml")
    content = record.content
    assert content.translations["en"].stem_html == "The {#1} {#2} on the {#3}."
    choices = ["cat", "sat", "mat", "dog", "table"]
    parts = content.type_data["parts"]
    assert [[a["text"] for a in p["answers"]] for p in parts] == [choices] * 3
    assert [next(a["text"] for a in p["answers"] if a["fraction"] == "1") for p in parts] == [
        "cat", "sat", "mat",
    ]  # fmt: skip
    # A select's choice may be chosen in several places (gapselect has no single-use choices).
    assert not any("max_uses" in a for p in parts for a in p["answers"])
    # Moodle's grade_response: the right places over the places.
    right = ["cat", "sat", "mat"]
    for response in _responses(choices, 3):
        if not any(response.values()):
            continue
        expected = sum(response[str(i)] == r for i, r in enumerate(right, start=1)) / 3
        assert float(CLOZE.score(content, response)) == pytest.approx(expected), response
    # Kept: "shuffle" unticked (the choices in the author's order, every showing), the penalty,
    # combined feedback and hints.
    assert content.shuffle_options is False
    for seed in range(5):
        view = _view(record, random.Random(seed))
        assert [p["choices"] for p in view["parts"]] == [choices] * 3
    assert content.penalty == Decimal("0.3333333")
    assert content.type_data["hints"] == ["First hint", "Second hint"]
    assert content.type_data["combined_feedback"]["correctfeedback"] == "Your answer is correct."
    # What the learner sees names no right answer.
    assert "fraction" not in str(_view(record))


def test_a_gapselect_whose_choices_the_select_cannot_tell_apart_is_refused():
    question = (DATA / "moodle_xml/qtype_gapselect_testquestion.xml").read_text()
    twice = question.replace("<text>dog</text>", "<text>cat</text>")
    parsed = FORMATS["moodle"].read(twice.encode(), source="twice.xml")
    assert parsed.records == []
    assert "both read 'cat'" in parsed.skipped[0].message
    formatted = question.replace("<text>dog</text>", "<text>&lt;b&gt;dog&lt;/b&gt;</text>")
    parsed = FORMATS["moodle"].read(formatted.encode(), source="formatted.xml")
    assert "formatted (HTML)" in parsed.skipped[0].message
    missing = question.replace("[[3]]", "[[9]]")
    parsed = FORMATS["moodle"].read(missing.encode(), source="missing.xml")
    assert "[[9]] names no choice" in parsed.skipped[0].message


def test_gapselect_choice_groups_give_each_place_its_own_group():
    """Moodle's groups: a place offers only the choices of its right choice's group."""
    question = (DATA / "moodle_xml/qtype_gapselect_testquestion.xml").read_text()
    grouped = re.sub(
        r"<text>(mat|table)</text>\s*<group>1</group>",
        lambda m: f"<text>{m.group(1)}</text><group>2</group>",
        question,
    )
    record = FORMATS["moodle"].read(grouped.encode(), source="grouped.xml").records[0]
    parts = record.content.type_data["parts"]
    assert [p["group"] for p in parts] == [1, 1, 2]
    assert [[a["text"] for a in p["answers"]] for p in parts] == [
        ["cat", "sat", "dog"], ["cat", "sat", "dog"], ["mat", "table"],
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown choice 'mat' for blank 1"):
        CLOZE.answer_from_form(record.content, {"blank_1": ["mat"], "blank_3": ["mat"]}, [])
    # And back to Moodle as the same groups.
    xml = FORMATS["moodle"].render([record], qualification_pack_code="ASC/Q0202")
    assert moodle_problems(xml) == []
    back = FORMATS["moodle"].read(xml, source="back.xml").records[0]
    assert back.content.type_data["parts"] == parts


# ---------------------------------------------------------------- Moodle ddwtos


def test_moodle_ddwtos_keeps_single_use_and_unlimited_choices():
    record = _one("moodle", "moodle_xml/qtype_ddwtos_question_type_test_export.xml")
    content = record.content
    assert content.translations["en"].stem_html == "Put these in order: {#1}, {#2}, {#3}."
    assert content.default_mark == 3
    parts = content.type_data["parts"]
    uses = {a["text"]: a.get("max_uses") for a in parts[0]["answers"]}
    assert uses == {"Alpha": 1, "Beta": 1, "Gamma": None}  # Gamma is <infinite/>
    assert "dragging the words" in " ".join(content.type_data["not_modelled"])
    # Alpha may fill one gap only, as Moodle's drag box that is not unlimited.
    with pytest.raises(ValueError, match="can fill one gap only"):
        CLOZE.answer_from_form(content, {"blank_1": ["Alpha"], "blank_2": ["Alpha"]}, [])
    with pytest.raises(ValueError, match="fills more gaps than it may"):
        CLOZE.score(content, {"1": "Alpha", "2": "Alpha", "3": ""})
    # Gamma may fill them all: one right of three.
    answer = CLOZE.answer_from_form(
        content, {"blank_1": ["Gamma"], "blank_2": ["Gamma"], "blank_3": ["Gamma"]}, []
    )
    assert CLOZE.score(content, answer) == Decimal(1) / 3
    # Every response Moodle lets a candidate give scores right places / places.
    for response in _responses(["Alpha", "Beta", "Gamma"], 3):
        given = [t for t in response.values() if t]
        if not given or given.count("Alpha") > 1 or given.count("Beta") > 1:
            continue
        expected = sum(response[str(i)] == r for i, r in enumerate(["Alpha", "Beta", "Gamma"], 1))
        assert float(CLOZE.score(content, response)) == pytest.approx(expected / 3)
    # Shuffled (Moodle's shuffle ticked): one order per showing, the same for every gap.
    orders = set()
    for seed in range(20):
        view = _view(record, random.Random(seed))
        shown = [tuple(p["choices"]) for p in view["parts"]]
        assert len(set(shown)) == 1 and sorted(shown[0]) == ["Alpha", "Beta", "Gamma"]
        orders.add(shown[0])
    assert len(orders) > 1


# ---------------------------------------------------------------- QTI gap match


def _local(element: ET.Element) -> str:
    """QTI 2.1's ``gapText`` and QTI 3.0's ``qti-gap-text`` alike: ``gap-text``."""
    name = re.sub(r"(?<!^)([A-Z])", r"-\1", element.tag.split("}")[-1]).lower()
    return name.removeprefix("qti-")


def _map_response(path: str):
    """QTI's map_response for this file, read from its own XML: the mapped values of the
    (gap text, gap) pairs given, the default for the others, bounded below; the maximum is the
    sum over the correct pairs. Returns (score function, gap text by id, gap ids)."""
    root = ET.parse(DATA / path).getroot()
    nodes = {e: _local(e) for e in root.iter()}

    def attr(e, name):
        return e.get(name) or e.get(re.sub(r"-(\w)", lambda m: m.group(1).upper(), name))

    mapping = next(e for e, n in nodes.items() if n == "mapping")
    values = {attr(e, "map-key"): float(attr(e, "mapped-value")) for e in mapping}
    default = float(attr(mapping, "default-value") or 0)
    lower = attr(mapping, "lower-bound")
    correct = [(v.text or "").strip() for e, n in nodes.items() if n == "correct-response"
               for v in e]  # fmt: skip
    texts = {attr(e, "identifier"): (e.text or "").strip() for e, n in nodes.items()
             if n == "gap-text"}  # fmt: skip
    gaps = [attr(e, "identifier") for e, n in nodes.items() if n == "gap"]
    best = sum(values.get(pair, default) for pair in correct)

    def score(pairs: list[str]) -> float:
        total = sum(values.get(pair, default) for pair in pairs)
        if lower is not None:
            total = max(float(lower), total)
        return total / best

    return score, texts, gaps


@pytest.mark.parametrize("path", ["qti21/gap_match.xml", "qti30/citolab_gap_match.xml"])
def test_qti_gap_match_scores_every_response_as_its_map_response(path):
    record = _one("qti", path)
    content = record.content
    assert "Now is the {#1} of our discontent" in content.translations["en"].stem_html
    assert "Identify the missing words" in content.translations["en"].stem_html
    score, texts, gaps = _map_response(path)
    by_text = {t: k for k, t in texts.items()}
    parts = content.type_data["parts"]
    assert [[a["text"] for a in p["answers"]] for p in parts] == [list(texts.values())] * 2
    assert content.shuffle_options is False  # shuffle="false"
    exported = Player(qti._item_xml(record, "en"))
    checked = 0
    for response in _responses(list(texts.values()), len(gaps)):
        given = [t for t in response.values() if t]
        if not given or len(set(given)) < len(given):  # match-max="1": a text fills one gap
            continue
        pairs = [f"{by_text[t]} {gaps[int(i) - 1]}" for i, t in response.items() if t]
        expected = score(pairs)
        assert float(CLOZE.score(content, response)) == pytest.approx(expected), response
        # Our export scores it so in another player too.
        keys = {
            f"RESPONSE_{i}": f"C{list(texts.values()).index(t) + 1}"
            for i, t in response.items()
            if t
        }
        assert exported.run(keys).score == pytest.approx(expected), response
        checked += 1
    assert checked == 2 * 4 + 4 * 3  # one gap filled, or both with different texts
    with pytest.raises(ValueError, match="can fill one gap only"):
        CLOZE.answer_from_form(content, {"blank_1": ["winter"], "blank_2": ["winter"]}, [])


def test_a_gap_match_scored_all_or_nothing_is_refused_with_the_reason():
    xml = (DATA / "qti21/gap_match.xml").read_text().replace("map_response", "match_correct")
    parsed = FORMATS["qti"].read(xml.encode(), source="all_or_nothing.xml")
    assert parsed.records == []
    assert "all or nothing (match_correct)" in parsed.skipped[0].message


def test_qti_hottext_is_refused_because_its_words_would_leave_the_passage():
    parsed = FORMATS["qti"].read((DATA / "qti21/hottext.xml").read_bytes(), source="hottext.xml")
    assert parsed.records == []
    [problem] = parsed.skipped
    assert problem.item == "Identifying Sentence Errors"
    assert "picks words inside the passage" in problem.message


# ---------------------------------------------------------------- export and back

GAP_FILES = [
    ("moodle", "moodle_xml/qtype_gapselect_testquestion.xml", "gapselect"),
    ("moodle", "moodle_xml/qtype_ddwtos_question_type_test_export.xml", "ddwtos"),
    ("qti", "qti21/gap_match.xml", "cloze"),
    ("qti", "qti30/citolab_gap_match.xml", "cloze"),
]


@pytest.mark.parametrize(("fmt", "path", "moodle_type"), GAP_FILES)
def test_gap_items_come_back_unchanged_from_moodle_qti_and_csv(fmt, path, moodle_type):
    record = _one(fmt, path)
    # Moodle: its own question type where it has one (gapselect, ddwtos); a gap match whose gaps
    # weigh differently and whose wrong words cost marks is Moodle's cloze, scored the same.
    xml = FORMATS["moodle"].render([record], qualification_pack_code="ASC/Q0202")
    assert moodle_problems(xml) == []
    assert ET.fromstring(xml).findall("question")[1].get("type") == moodle_type
    [back] = FORMATS["moodle"].read(xml, source="back.xml").records
    if back.source_category == "Imported":  # what our Moodle XML export calls no category
        back.source_category = ""
    if moodle_type != "cloze":
        assert back.comparable() == record.comparable()
    else:
        texts = [a["text"] for a in record.content.type_data["parts"][0]["answers"]]
        for response in _responses(texts, 2):
            if any(response.values()) and len(set(response.values()) - {""}) == len(
                [t for t in response.values() if t]
            ):
                assert CLOZE.score(back.content, response) == CLOZE.score(record.content, response)
    # QTI 3.0 (our package) and CSV: everything.
    for name in ("qti", "csv"):
        data = FORMATS[name].render([record], qualification_pack_code="ASC/Q0202")
        [back] = FORMATS[name].read(data, source=f"back.{name}").records
        assert back.comparable() == record.comparable(), name
    package_item = qti._item_xml(record, "en")
    assert item_problems(package_item) == []
    # GIFT has no such question: the export says so rather than write another type.
    gift = FORMATS["gift"].render([record], qualification_pack_code="ASC/Q0202")
    assert b"[not exportable to GIFT: cloze; use Moodle XML or QTI]" in gift
    assert FORMATS["gift"].read(gift, source="back.gift").records == []


def test_qti_export_puts_each_gap_where_it_stands_and_full_marks_are_exactly_one():
    record = _one("moodle", "moodle_xml/qtype_gapselect_testquestion.xml")
    record.uid = "gapselect"
    xml = qti._item_xml(record, "en")
    assert item_problems(xml) == []
    assert b"{#" not in xml
    body = ET.fromstring(xml).find(f"{{{qti.QTI}}}qti-item-body")
    stem = "".join(body.itertext())
    assert stem.startswith("The cat") and "catsatmatdogtable on the" in stem
    player = Player(xml)
    right = {"RESPONSE_1": "C1", "RESPONSE_2": "C2", "RESPONSE_3": "C3"}
    outcome = player.run(right)
    assert outcome.score == 1.0  # exactly: the combined feedback for full marks fires
    assert "CORRECT" in outcome.shown
    assert player.run({"RESPONSE_1": "C1"}).score == pytest.approx(1 / 3)
    assert "PARTIALLY_CORRECT" in player.run({"RESPONSE_1": "C1"}).shown


def test_a_word_that_may_fill_two_gaps_is_refused_in_a_third():
    from question_bank.items.content import ItemContent, Translation

    answers = [{"text": "on", "fraction": "1", "max_uses": 2}, {"text": "off", "fraction": "0"}]
    part = {"kind": "multichoice", "weight": 1, "group": 1, "answers": answers}
    content = ItemContent(
        item_type="cloze",
        translations={"en": Translation("<p>{#1} {#2} {#3}</p>")},
        type_data={"parts": [part, part, part]},
    )
    assert CLOZE.validate(content) == []
    two = {"blank_1": ["on"], "blank_2": ["on"], "blank_3": ["off"]}
    assert CLOZE.score(content, CLOZE.answer_from_form(content, two, [])) == Decimal(2) / 3
    with pytest.raises(ValueError, match="“on” can fill 2 gaps at most."):
        CLOZE.answer_from_form(content, {**two, "blank_3": ["on"]}, [])
