# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""The item-type registry: every type validates, scores and shows learners no key; the new
types survive storage and every interchange format; untagged items cannot be approved and get
a suggested PC; pools leave out types that cannot be delivered yet."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from question_bank.api import item_for_learner, response_evaluate
from question_bank.interchange import FORMATS, items_export, items_import_file
from question_bank.interchange.common import item_records_for_export
from question_bank.items.content import ItemContent, OptionText, Translation, item_content_of
from question_bank.items.services import item_create, item_version_approve, item_version_submit
from question_bank.items.suggestions import item_suggestions_accept
from question_bank.items.types import REGISTRY, deliverable_types, item_type_spec
from question_bank.models import Item, ItemVersion, PerformanceCriterion, QualificationPack

from .factories import asc_q0202, curator, second_curator  # noqa: F401


def _content(item_type: str, options=(), texts=None, **kw) -> ItemContent:
    t = Translation("<p>Question?</p>", "<p>General.</p>")
    for key, _ in options:
        t.options[key] = OptionText((texts or {}).get(key, f"<p>{key}</p>"), f"<p>fb {key}</p>")
    return ItemContent(item_type=item_type, translations={"en": t}, options=list(options), **kw)


SHORT = _content(
    "short_answer",
    [("A", Decimal(1)), ("B", Decimal("0.5")), ("C", Decimal(0))],
    texts={"A": "New Delhi", "B": "Del*", "C": "*"},
    type_data={"case_sensitive": False, "hints": ["<p>A city.</p>"]},
    name="Capital",
    default_mark=Decimal(2),
    penalty=Decimal("0.3333333"),
)
NUMERIC = _content(
    "numeric",
    numeric_answer=Decimal(1822),
    numeric_tolerance=Decimal(0),
    type_data={
        "answers": [{"value": "1822", "tolerance": "2", "fraction": "0.5", "feedback_html": ""}],
        "units": [{"unit": "m", "multiplier": "1"}, {"unit": "cm", "multiplier": "100"}],
    },
)
MATCHING = _content(
    "matching",
    type_data={
        "pairs": [
            {"question_html": "<p>cat</p>", "answer": "cat food"},
            {"question_html": "<p>dog</p>", "answer": "dog food"},
            {"question_html": "", "answer": "fish food"},
        ]
    },
)
ORDERING = _content(
    "ordering",
    [("A", Decimal(0)), ("B", Decimal(0)), ("C", Decimal(0))],
    type_data={"order": ["C", "A", "B"]},
)
ESSAY = _content(
    "essay",
    type_data={"response_format": "editor", "lines": 10, "grader_info_html": "<p>Look for X.</p>"},
)
DESCRIPTION = _content("description", default_mark=Decimal(0))
CLOZE = ItemContent(
    item_type="cloze",
    translations={"en": Translation("<p>Paris is in {#1}; 2+2={#2}.</p>")},
    type_data={
        "parts": [
            {"kind": "multichoice", "weight": 1, "case_sensitive": False,
             "answers": [{"text": "France", "fraction": "1", "feedback_html": "", "tolerance": "0"},
                         {"text": "Spain", "fraction": "0", "feedback_html": "", "tolerance": "0"}]},
            {"kind": "numerical", "weight": 1, "case_sensitive": False,
             "answers": [{"text": "4", "fraction": "1", "feedback_html": "", "tolerance": "0"}]},
        ]
    },
)  # fmt: skip
NEW_TYPES = [SHORT, NUMERIC, MATCHING, ORDERING, ESSAY, DESCRIPTION, CLOZE]


def test_scoring_follows_moodles_rules_for_each_type():
    short = item_type_spec("short_answer")
    assert short.score(SHORT, " new   delhi ") == 1  # case rule off, spaces ignored
    assert short.score(SHORT, "Delhi") == Decimal("0.5")  # wildcard
    assert short.score(SHORT, "Mumbai") == 0  # the "*" catch-all is worth 0
    numeric = item_type_spec("numeric")
    assert numeric.score(NUMERIC, "1822") == 1
    assert numeric.score(NUMERIC, "1823") == Decimal("0.5")
    assert numeric.score(NUMERIC, "182200 cm") == 1  # units with their multiplier
    assert numeric.score(NUMERIC, "1900") == 0
    matching = item_type_spec("matching")
    assert matching.score(MATCHING, {"0": "cat food", "1": "fish food"}) == Decimal("0.5")
    assert item_type_spec("ordering").score(ORDERING, ["C", "A", "B"]) == 1
    assert item_type_spec("ordering").score(ORDERING, ["A", "B", "C"]) == 0
    assert item_type_spec("essay").score(ESSAY, "anything") is None  # an assessor marks it
    assert item_type_spec("cloze").score(CLOZE, {"1": "France", "2": "5"}) == Decimal("0.5")
    assert not REGISTRY["description"].is_question
    # Every question type has its widget in assessments; knowledge checks keep to the types
    # whose lesson widget exists; a description is never drawn.
    assert set(deliverable_types()) == set(REGISTRY) - {"description"}
    assert set(deliverable_types(knowledge_check=True)) == {
        "single_choice",
        "multiple_response",
        "true_false",
        "numeric",
    }


@pytest.mark.django_db
def test_new_types_are_stored_exactly_and_shown_to_learners_without_keys(asc_q0202, curator):
    pc = PerformanceCriterion.objects.filter(nos__code="ASC/N0001").first()
    for content in NEW_TYPES:
        item = item_create(performance_criterion=pc, content=content, author=curator)
        version = item.versions.prefetch_related("options", "translations").get()
        assert item_content_of(version) == content.normalised(), content.item_type
        shown = repr(item_for_learner(item_version=version))
        for secret in (
            "New Delhi",
            "Del*",
            "cat food\\', \\'dog",
            "1822",
            "Look for X",
            "France\\', \\'Spain\\']",
        ):
            if content.item_type in ("short_answer", "numeric", "essay"):
                assert secret not in shown
        if content.item_type == "short_answer":
            assert item_for_learner(item_version=version)["options"] == []
            assert response_evaluate(item_version=version, answer="delhi")["score"] == 0.5
        if content.item_type == "essay":
            assert response_evaluate(item_version=version, answer="text")["score"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_new_types_round_trip_through_every_format(name, asc_q0202, curator):
    qp = QualificationPack.objects.get(code="ASC/Q0202", is_current=True)
    for content in NEW_TYPES:
        item_create(performance_criterion=None, content=content, author=curator, qualification_pack=qp,
                    source={"source_category": "Imported/Geography", "source_id": f"id-{content.item_type}"})  # fmt: skip
    before = item_records_for_export(qualification_pack_code="ASC/Q0202")
    data = items_export(qualification_pack_code="ASC/Q0202", format=name)
    Item.objects.all().delete()
    result = items_import_file(data=data, qualification_pack_code="ASC/Q0202", format=name)
    after = item_records_for_export(qualification_pack_code="ASC/Q0202")
    lost = {"gift": {"cloze"}}.get(name, set())  # GIFT has no such question
    assert result.skipped == []
    expected = [r for r in before if r.content.item_type not in lost]
    key = lambda r: r.content.item_type  # noqa: E731
    for b, a in zip(sorted(expected, key=key), sorted(after, key=key), strict=True):
        a.uid = b.uid = ""
        if name == "gift":  # GIFT keeps no mark, penalty, shuffle or hints
            for r in (a, b):
                r.content.default_mark, r.content.penalty, r.content.shuffle_options = (
                    Decimal(1),
                    None,
                    True,
                )
                r.content.type_data = {
                    k: v
                    for k, v in r.content.type_data.items()
                    if k
                    not in (
                        "hints",
                        "units",
                        "grader_info_html",
                        "lines",
                        "response_format",
                        "response_required",
                    )
                }
                r.content.name = r.content.name if r.content.name != r.source_id else ""
                if r.content.item_type == "description":  # no answer block, so no feedback
                    r.content.translations["en"].general_feedback_html = ""
        if name in ("moodle", "gift") and b.content.item_type == "ordering":
            # Moodle's ordering question (XML, or qtype_ordering's GIFT) has no keys: the items
            # in the right order are kept, and the grading.
            assert a.content.type_data["grading"] == b.content.type_data.get(
                "grading", "all_or_nothing"
            )

            def in_order(r):
                t = r.content.translations["en"]
                return [t.options[k].html for k in r.content.type_data["order"]]

            assert in_order(a) == in_order(b)
            continue
        assert a.comparable() == b.comparable(), (name, b.content.item_type)
    if name == "gift":
        assert b"[not exportable to GIFT: cloze" in data


@pytest.mark.django_db
def test_untagged_item_cannot_be_approved_until_tagged_and_takes_the_suggested_pc(
    asc_q0202, curator, second_curator
):
    gift = (
        "::Fire::Which extinguisher is used on an electrical fire in the workplace?{=CO2 ~Water}\n"
    )
    result = items_import_file(
        data=gift.encode(), qualification_pack_code="ASC/Q0202", format="gift", user=curator
    )
    assert (result.created, result.to_be_tagged) == (1, 1)
    item = Item.objects.get()
    assert item.qualification_pack.code == "ASC/Q0202" and not item.is_tagged
    version = item_version_submit(version=item.versions.get(), user=curator)
    with pytest.raises(ValidationError, match="tag this item"):
        item_version_approve(version=version, user=second_curator)
    assert item.suggested_performance_criterion is not None and item.suggestion_score > 0
    assert item_suggestions_accept(items=[item], user=curator) == 1
    item.refresh_from_db()
    assert item.is_tagged and item.nos_id == item.performance_criterion.nos_id
    item_version_approve(version=ItemVersion.objects.get(pk=version.pk), user=second_curator)


@pytest.mark.django_db
def test_category_path_or_moodle_tag_naming_a_nos_and_pc_tags_the_item(asc_q0202):
    xml = b"""<quiz><question type="category"><category><text>$course$/Sales/ASC//N0001</text></category></question>
<question type="truefalse"><name><text>t</text></name><questiontext><text>Safe?</text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
<tags><tag><text>PC2</text></tag><tag><text>week-3</text></tag></tags></question></quiz>"""
    items_import_file(data=xml, qualification_pack_code="ASC/Q0202", format="moodle")
    item = Item.objects.get()
    assert (item.nos.code, item.performance_criterion.code) == ("ASC/N0001", "PC2")
    assert item.source_category == "Sales/ASC//N0001" and item.source_tags == ["PC2", "week-3"]


def test_qti_export_sets_the_feedback_outcome_so_feedback_fires():
    from question_bank.interchange.common import ItemRecord

    record = ItemRecord(
        uid="00000000-0000-0000-0000-000000000001",
        content=_content("single_choice", [("A", Decimal(1)), ("B", Decimal(0))]),
    )
    package = zipfile.ZipFile(
        io.BytesIO(FORMATS["qti"].render([record], qualification_pack_code="X"))
    )
    item = next(n for n in package.namelist() if n.startswith("items/"))
    xml = package.read(item).decode()
    # The chosen option's feedback and the general feedback are put into FEEDBACK, which the
    # modal feedback is bound to (tests/question_bank/test_interchange_qti_player.py plays it).
    assert '<qti-set-outcome-value identifier="FEEDBACK">' in xml
    assert 'outcome-identifier="FEEDBACK"' in xml and 'identifier="GENERAL"' in xml
    assert 'outcome-identifier="FEEDBACK" identifier="A"' in xml and 'identifier="GENERAL"' in xml
