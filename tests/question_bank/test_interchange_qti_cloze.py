"""QTI items of several inline choices and text entries (a cloze) from other producers: imported
as cloze items when their response processing is proven a sum of per-part scores, and then
scored as the source scores them on every response; refused, with the parts named, when not.
Real files: tests/data/interchange/qti30/cutie_*.xml (sources in tests/data/README.md)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from question_bank.interchange import qti, qti_processing
from question_bank.interchange.qti_foreign import _declarations, _normalise, _outcomes
from question_bank.items.types import item_type_spec

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
CLOZE = item_type_spec("cloze")


def _source(xml: bytes) -> qti_processing.Processing:
    """The source's own processing, read from the file (apart from the import)."""
    item = _normalise(ET.fromstring(xml))
    return qti_processing.Processing(
        item.find("qti-response-processing"), _declarations(item), _outcomes(item)
    )


def _import(xml: bytes):
    return qti.read(xml, source="item.xml")


def _close(ours: Decimal, theirs: Decimal) -> bool:
    """Equal up to the 7 decimals a fraction is stored with (1/3 is 0.3333333)."""
    return abs(ours - theirs) < Decimal("0.000001")


def test_cutie_inline_choices_import_as_a_cloze_scored_as_the_source_on_every_response():
    xml = (DATA / "qti30/cutie_inline_choice_multi.xml").read_bytes()
    parsed = _import(xml)
    assert parsed.skipped == []
    [record] = parsed.records
    content = record.content
    assert content.item_type == "cloze" and CLOZE.validate(content) == []
    assert content.default_mark == 3  # MAXSCORE: one mark a blank
    stem = content.translations["en"].stem_html
    assert "process called\n      {#1}." in stem and "{#3}\n      into the atmosphere" in stem
    assert "Part 1: Correct!" not in stem  # feedback blocks are not in the stem
    choices = [
        ["photosynthesis", "respiration", "fermentation"],
        ["sunlight", "soil", "wind"],
        ["oxygen", "nitrogen", "methane"],
    ]
    source = _source(xml)
    for combo in itertools.product(*([None, *c] for c in choices)):
        names = ["RESPONSE", "RESPONSE_2", "RESPONSE_3"]
        expected = source.score(dict(zip(names, combo, strict=True)))
        response = {str(i): v or "" for i, v in enumerate(combo, start=1)}
        assert _close(CLOZE.score(content, response) * content.default_mark, expected), combo


def test_cutie_all_or_nothing_text_entries_are_refused_naming_the_parts():
    parsed = _import((DATA / "qti30/cutie_text_entry_multi.xml").read_bytes())
    assert parsed.records == []
    [problem] = parsed.skipped
    assert "not a sum of part scores" in problem.message
    assert "RESPONSE, RESPONSE_2, RESPONSE_3 count together" in problem.message


QTI21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"


def _item21(declarations: str, body: str, processing: str, outcomes: str = "") -> bytes:
    return (
        f'<assessmentItem xmlns="{QTI21}" identifier="c" title="Cloze" adaptive="false" '
        f'timeDependent="false">{declarations}'
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>'
        f"{outcomes}<itemBody><p>{body}</p></itemBody>{processing}</assessmentItem>"
    ).encode()


TWO_BLANKS = (
    '<textEntryInteraction responseIdentifier="A"/><textEntryInteraction responseIdentifier="B"/>'
)


def _text_declaration(name: str, entries: str, correct: str) -> str:
    return (
        f'<responseDeclaration identifier="{name}" cardinality="single" baseType="string">'
        f"<correctResponse><value>{correct}</value></correctResponse>"
        f'<mapping defaultValue="0">{entries}</mapping></responseDeclaration>'
    )


def _map_sum(name: str) -> str:
    return (
        '<setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/>'
        f'<mapResponse identifier="{name}"/></sum></setOutcomeValue>'
    )


def test_text_entries_summed_by_map_response_keep_marks_case_and_a_literal_asterisk():
    xml = _item21(
        _text_declaration(
            "A",
            '<mapEntry mapKey="Delhi" mappedValue="2" caseSensitive="false"/>'
            '<mapEntry mapKey="New Delhi" mappedValue="1" caseSensitive="false"/>',
            "Delhi",
        )
        + _text_declaration("B", '<mapEntry mapKey="2*3" mappedValue="1"/>', "2*3"),
        'Capital <textEntryInteraction responseIdentifier="A"/> and '
        '<textEntryInteraction responseIdentifier="B"/>.',
        f"<responseProcessing>{_map_sum('A')}{_map_sum('B')}</responseProcessing>",
    )
    parsed = _import(xml)
    assert parsed.skipped == []
    [record] = parsed.records
    content = record.content
    assert content.default_mark == 3
    assert content.translations["en"].stem_html == "<p>Capital {#1} and {#2}.</p>"
    first, second = content.type_data["parts"]
    assert (first["weight"], first["case_sensitive"]) == (2, False)
    assert [(a["text"], a["fraction"]) for a in first["answers"]] == [
        ("Delhi", "1"), ("New Delhi", "0.5")]  # fmt: skip
    assert (second["weight"], second["case_sensitive"]) == (1, True)
    assert [a["text"] for a in second["answers"]] == ["2\\*3"]
    assert (
        "text entries compared without their surrounding spaces"
        in (content.type_data["not_modelled"])
    )
    source = _source(xml)
    for a, b in itertools.product([None, "delhi", "NEW DELHI", "Agra"], [None, "2*3", "2x3", "6"]):
        expected = source.score({"A": a, "B": b})
        got = CLOZE.score(content, {"1": a or "", "2": b or ""}) * content.default_mark
        assert _close(got, expected), (a, b)


def test_answers_that_differ_only_in_spaces_are_refused():
    xml = _item21(
        _text_declaration(
            "A",
            '<mapEntry mapKey="New  Delhi" mappedValue="1"/><mapEntry mapKey="New Delhi" '
            'mappedValue="0.5"/>',
            "New  Delhi",
        )
        + _text_declaration("B", '<mapEntry mapKey="y" mappedValue="1"/>', "y"),
        TWO_BLANKS,
        f"<responseProcessing>{_map_sum('A')}{_map_sum('B')}</responseProcessing>",
    )
    [problem] = _import(xml).skipped
    assert "they differ only in spaces" in problem.message


def test_marks_our_weights_cannot_hold_are_refused_by_the_check_on_our_own_scoring():
    xml = _item21(
        _text_declaration("A", '<mapEntry mapKey="x" mappedValue="1"/>', "x")
        + _text_declaration("B", '<mapEntry mapKey="y" mappedValue="0.0003"/>', "y"),
        TWO_BLANKS,
        f"<responseProcessing>{_map_sum('A')}{_map_sum('B')}</responseProcessing>",
    )
    [problem] = _import(xml).skipped
    assert problem.message.startswith("Kaushal's cloze would score")


def test_a_template_on_several_interactions_scores_one_of_them_and_is_refused():
    xml = _item21(
        _text_declaration("RESPONSE", '<mapEntry mapKey="x" mappedValue="1"/>', "x")
        + _text_declaration("B", '<mapEntry mapKey="y" mappedValue="1"/>', "y"),
        '<textEntryInteraction responseIdentifier="RESPONSE"/>'
        '<textEntryInteraction responseIdentifier="B"/>',
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/'
        'map_response"/>',
    )
    [problem] = _import(xml).skipped
    assert problem.message == "'B' scores nothing, whatever the answer"


def test_processing_outside_the_subset_is_refused_with_the_element_named():
    xml = _item21(
        _text_declaration("A", '<mapEntry mapKey="x" mappedValue="1"/>', "x")
        + _text_declaration("B", '<mapEntry mapKey="y" mappedValue="1"/>', "y"),
        TWO_BLANKS,
        '<responseProcessing><setOutcomeValue identifier="SCORE"><random>'
        '<multiple><baseValue baseType="float">1</baseValue></multiple></random>'
        "</setOutcomeValue></responseProcessing>",
    )
    [problem] = _import(xml).skipped
    assert problem.message == "response processing uses <random>, which Kaushal cannot check"


def test_a_total_below_zero_is_refused_as_our_cloze_scores_it_zero():
    xml = _item21(
        _text_declaration("A", '<mapEntry mapKey="x" mappedValue="1"/>', "x").replace(
            'defaultValue="0"', 'defaultValue="-1"'
        )
        + _text_declaration("B", '<mapEntry mapKey="y" mappedValue="1"/>', "y"),
        TWO_BLANKS,
        f"<responseProcessing>{_map_sum('A')}{_map_sum('B')}</responseProcessing>",
    )
    [problem] = _import(xml).skipped
    assert (
        problem.message
        == "the score can go down to -1; Kaushal's cloze scores a total below 0 as 0"
    )


def test_a_substring_match_is_refused_as_its_answers_cannot_all_be_tried():
    test = (
        '<stringMatch caseSensitive="true" substring="true"><variable identifier="A"/>'
        '<baseValue baseType="string">x</baseValue></stringMatch>'
    )
    xml = _item21(
        _text_declaration("A", '<mapEntry mapKey="x" mappedValue="1"/>', "x")
        + _text_declaration("B", '<mapEntry mapKey="y" mappedValue="1"/>', "y"),
        TWO_BLANKS,
        f"<responseProcessing><responseCondition><responseIf>{test}{_map_sum('A')}"
        f"</responseIf></responseCondition>{_map_sum('B')}</responseProcessing>",
    )
    [problem] = _import(xml).skipped
    assert problem.message == "response processing matches part of an answer (substring)"


def test_mixed_interactions_stay_refused():
    xml = _item21(
        _text_declaration("A", '<mapEntry mapKey="x" mappedValue="1"/>', "x"),
        '<textEntryInteraction responseIdentifier="A"/>'
        '<extendedTextInteraction responseIdentifier="B"/>',
        f"<responseProcessing>{_map_sum('A')}</responseProcessing>",
    )
    [problem] = _import(xml).skipped
    assert "several interactions in one item (extended-text-interaction" in problem.message


def test_too_many_combinations_are_refused_not_guessed():
    names = [f"R{i}" for i in range(7)]
    declarations = "".join(_text_declaration(n, f'<mapEntry mapKey="{n}" mappedValue="1"/>', n)
                           for n in names)  # fmt: skip
    body = "".join(f'<textEntryInteraction responseIdentifier="{n}"/>' for n in names)
    processing = "<responseProcessing>" + "".join(_map_sum(n) for n in names)
    xml = _item21(declarations, body, processing + "</responseProcessing>")
    [problem] = _import(xml).skipped
    assert "more than the 4096 Kaushal checks" in problem.message


# ---------------------------------------------------------------- the evaluator, generated


def _choice_declaration(name: str, choices: list[str], correct: str) -> dict:
    return {"cardinality": "single", "base_type": "identifier", "correct": [correct],
            "mapping": [], "lower": None, "upper": None, "default": Decimal(0)}  # fmt: skip


def _base(value: int) -> ET.Element:
    element = ET.Element("qti-base-value", {"base-type": "integer"})
    element.text = str(value)
    return element


def _el(tag: str, *children: ET.Element, **attrib: str) -> ET.Element:
    element = ET.Element(tag, attrib)
    element.extend(children)
    return element


def _additive_processing(marks: list[list[int]], style: int) -> ET.Element:
    """Part i, choice j worth marks[i][j], in one of three styles producers write: add to
    SCORE in an if/else-if chain, set a per-part outcome and sum them, or isNull guards."""
    rules = []
    for i, row in enumerate(marks):
        name = f"R{i}"
        branches = []
        for j, mark in enumerate(row):
            test = _el("qti-match", _el("qti-variable", identifier=name),
                       _el("qti-base-value", **{"base-type": "identifier"}))  # fmt: skip
            test[1].text = f"c{j}"
            if style == 2 and j == 0:
                test = _el("qti-and", _el("qti-not", _el("qti-is-null",
                           _el("qti-variable", identifier=name))), test)  # fmt: skip
            if style == 1:
                setting = _el("qti-set-outcome-value", _base(mark), identifier=f"S{i}")
            else:
                setting = _el("qti-set-outcome-value", _el("qti-sum",
                              _el("qti-variable", identifier="SCORE"), _base(mark)),
                              identifier="SCORE")  # fmt: skip
            branches.append(_el("qti-response-if" if j == 0 else "qti-response-else-if",
                                test, setting))  # fmt: skip
        rules.append(_el("qti-response-condition", *branches))
    if style == 1:
        total = _el(
            "qti-sum", *(_el("qti-variable", identifier=f"S{i}") for i in range(len(marks)))
        )
        rules.append(_el("qti-set-outcome-value", total, identifier="SCORE"))
    return _el("qti-response-processing", *rules)


marks_strategy = st.lists(
    st.lists(st.integers(-2, 5), min_size=2, max_size=4), min_size=1, max_size=4
)


@settings(max_examples=60, deadline=None)
@given(marks=marks_strategy, style=st.integers(0, 2))
def test_generated_additive_processings_give_back_their_part_marks(marks, style):
    processing = _additive_processing(marks, style)
    responses = {f"R{i}": _choice_declaration(f"R{i}", [], "c0") for i in range(len(marks))}
    outcomes = {"SCORE": ("float", None), **{f"S{i}": ("float", None) for i in range(len(marks))}}
    evaluator = qti_processing.Processing(processing, responses, outcomes)
    parts = [(f"R{i}", [None, *(f"c{j}" for j in range(len(row)))]) for i, row in enumerate(marks)]
    scores = qti_processing.part_scores(evaluator, parts)
    for row, score in zip(marks, scores, strict=True):
        assert score == {None: 0, **{f"c{j}": Decimal(m) for j, m in enumerate(row)}}


@settings(max_examples=40, deadline=None)
@given(marks=st.lists(st.lists(st.integers(0, 3), min_size=2, max_size=3), min_size=2, max_size=4),
       bonus=st.integers(1, 3), pair=st.tuples(st.integers(0, 3), st.integers(0, 3)))  # fmt: skip
def test_a_bonus_for_two_parts_together_is_refused_naming_them(marks, bonus, pair):
    n = len(marks)
    one = pair[0] % n
    first, second = sorted((one, (one + 1 + pair[1] % (n - 1)) % n))
    processing = _additive_processing(marks, 0)
    both = _el("qti-and", *(
        _el("qti-match", _el("qti-variable", identifier=f"R{k}"),
            _el("qti-correct", identifier=f"R{k}"))
        for k in (first, second)))  # fmt: skip
    processing.append(_el("qti-response-condition", _el("qti-response-if", both, _el(
        "qti-set-outcome-value", _el("qti-sum", _el("qti-variable", identifier="SCORE"),
                                     _base(bonus)), identifier="SCORE"))))  # fmt: skip
    responses = {f"R{i}": _choice_declaration(f"R{i}", [], "c0") for i in range(len(marks))}
    evaluator = qti_processing.Processing(processing, responses, {"SCORE": ("float", None)})
    parts = [(f"R{i}", [None, *(f"c{j}" for j in range(len(row)))]) for i, row in enumerate(marks)]
    with pytest.raises(ValueError, match=f"the answers of R{first}, R{second} count together"):
        qti_processing.part_scores(evaluator, parts)


def _expression(xml: str, given: str | None) -> Decimal:
    """SCORE = 1 when the test holds for response A (a string), else 0."""
    item = _normalise(
        ET.fromstring(
            f'<responseProcessing xmlns="{QTI21}"><responseCondition><responseIf>{xml}'
            '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue>'
            "</setOutcomeValue></responseIf></responseCondition></responseProcessing>"
        )
    )
    declaration = {"cardinality": "single", "base_type": "string", "correct": ["Pune"],
                   "mapping": [("Pune", Decimal(3), False)], "lower": None, "upper": Decimal(2),
                   "default": Decimal("0.5")}  # fmt: skip
    evaluator = qti_processing.Processing(item, {"A": declaration}, {"SCORE": ("float", None)})
    return evaluator.score({"A": given})


A, PUNE = '<variable identifier="A"/>', '<baseValue baseType="string">pune</baseValue>'
TWO = '<baseValue baseType="float">2</baseValue>'


@pytest.mark.parametrize(
    ("xml", "given", "score"),
    [
        (f'<stringMatch caseSensitive="false">{A}{PUNE}</stringMatch>', "PUNE", 1),
        (f'<stringMatch caseSensitive="true">{A}{PUNE}</stringMatch>', "PUNE", 0),
        (f'<stringMatch caseSensitive="true">{A}{PUNE}</stringMatch>', None, 0),  # NULL: not met
        (f'<gte><mapResponse identifier="A"/>{TWO}</gte>', "pune", 1),  # 3 capped at 2
        (f'<lte><mapResponse identifier="A"/>{TWO}</lte>', "Agra", 1),  # the default, 0.5
        (f'<equal><mapResponse identifier="A"/>{TWO}</equal>', "Pune", 1),
        (f"<or><isNull>{A}</isNull><match>{A}<correct identifier='A'/></match></or>", None, 1),
        (f"<or><isNull>{A}</isNull><match>{A}<correct identifier='A'/></match></or>", "x", 0),
        (f"<not><isNull>{A}</isNull></not>", "", 0),  # an empty answer is NULL
        (
            '<lte><mapResponse identifier="A"/><baseValue baseType="float">0</baseValue></lte>',
            None,
            1,
        ),  # fmt: skip
    ],
)
def test_the_evaluator_reads_each_expression_of_the_subset_as_qti_defines_it(xml, given, score):
    assert _expression(xml, given) == score


def test_the_evaluator_refuses_a_tolerance_and_an_undeclared_outcome():
    with pytest.raises(qti_processing.OutsideSubsetError, match="with a tolerance"):
        _expression(f'<equal toleranceMode="absolute">{TWO}{TWO}</equal>', "x")
    with pytest.raises(qti_processing.OutsideSubsetError, match="reads 'B'"):
        _expression(f'<match><variable identifier="B"/>{PUNE}</match>', "x")
