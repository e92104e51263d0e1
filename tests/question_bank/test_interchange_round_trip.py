# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""Each interchange format: export a bank, import it into an empty bank, get equal items."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from question_bank.interchange import FORMATS, items_export, items_import_file
from question_bank.interchange.common import item_records_for_export
from question_bank.interchange.moodle_xml import gap_choices
from question_bank.items.content import item_content_validate
from question_bank.items.services import item_enemies_set
from question_bank.models import Item, ItemStatus, ItemType, ItemVersion, PerformanceCriterion

from .factories import (  # noqa: F401
    asc_q0202,
    content_multiple,
    content_numeric,
    content_single,
    content_true_false,
    curator,
    item_make,
    second_curator,
)

pytestmark = pytest.mark.django_db


def _bank(curator, second_curator) -> list:
    nos = "ASC/N0003"
    ku = Item._meta.get_field("knowledge_items").related_model.objects.filter(nos__code=nos)[:2]
    gs = Item._meta.get_field("generic_skills").related_model.objects.filter(nos__code=nos)[:1]
    a = item_make(nos=nos, pc="PC4", author=curator, content=content_single(hindi=True, difficulty=3),
                  knowledge_items=ku, generic_skills=gs, approver=second_curator)  # fmt: skip
    b = item_make(
        nos=nos, pc="PC4", author=curator, content=content_multiple(), approver=second_curator
    )
    item_make(nos=nos, pc="PC6", author=curator, content=content_true_false(correct="false"))
    item_make(
        nos="ASC/N0001",
        pc="PC8",
        author=curator,
        content=content_numeric(),
        approver=second_curator,
    )
    # A repeated PC number (ref "PC6#2"): the seed prints ASC/N0004's PC6 twice with the same
    # text, which the import keeps as one PC, so the repeat with a different text is made here.
    first_pc6 = PerformanceCriterion.objects.get(
        nos__code="ASC/N0004", nos__is_current=True, code="PC6"
    )
    last = first_pc6.nos.performance_criteria.order_by("-position").first()
    second_pc6 = PerformanceCriterion.objects.create(
        nos=first_pc6.nos,
        element=first_pc6.element,
        position=last.position + 1,
        code="PC6",
        text="escalate complaints that stay unresolved past the turnaround time",
    )
    from question_bank.items.services import item_create

    tricky = content_single(
        "Is 5 = 5 {always}? Use a ~tilde~ #hash: colon\\backslash\nnewline & <b>bold</b>"
    )
    item_create(performance_criterion=second_pc6, content=tricky, author=curator)
    item_enemies_set(item=a, enemies=[b], user=curator)
    return item_records_for_export(qualification_pack_code="ASC/Q0202")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_export_then_import_into_an_empty_bank_gives_equal_items(
    name, asc_q0202, curator, second_curator
):
    before = _bank(curator, second_curator)
    assert len(before) == 5
    assert {r.status for r in before} == {ItemStatus.APPROVED, ItemStatus.DRAFT}
    data = items_export(qualification_pack_code="ASC/Q0202", format=name)
    ItemVersion.objects.all().delete()
    Item.objects.all().delete()
    result = items_import_file(
        data=data, qualification_pack_code="ASC/Q0202", format=name, keep_status=True, user=curator
    )
    assert (result.created, result.new_versions, result.unchanged) == (5, 0, 0)
    after = item_records_for_export(qualification_pack_code="ASC/Q0202")
    assert [r.comparable() for r in after] == [r.comparable() for r in before]
    # importing the same file again changes nothing
    again = items_import_file(
        data=data, qualification_pack_code="ASC/Q0202", format=name, keep_status=True
    )
    assert (again.created, again.new_versions, again.unchanged) == (0, 0, 5)


def test_reimport_of_changed_approved_item_makes_a_new_version(asc_q0202, curator, second_curator):
    _bank(curator, second_curator)
    data = items_export(qualification_pack_code="ASC/Q0202", format="csv").decode()
    changed = data.replace("<p>Wrong answer</p>", "<p>A clearly wrong answer</p>", 1)
    result = items_import_file(
        data=changed.encode(), qualification_pack_code="ASC/Q0202", format="csv"
    )
    assert (result.new_versions, result.unchanged) == (1, 4)
    item = Item.objects.get(versions__number=2)
    assert item.versions.get(number=1).status == ItemStatus.APPROVED
    assert item.versions.get(number=2).status == ItemStatus.DRAFT


# ---------------------------------------------------------------- every real question, every type

REAL = Path(__file__).resolve().parents[1] / "data" / "interchange"
_REAL_FORMAT = {"moodle_xml": "moodle", "gift": "gift", "qti21": "qti", "qti30": "qti"}
# What a format cannot hold at all; everything else must come back as it went out.
CANNOT_HOLD = {
    # A gap match whose gaps weigh differently or whose wrong choices cost marks goes out as
    # Moodle's cloze (see _essence).
    "moodle": {"types": set(), "fields": {"gap_groups"}},
    "csv": {"types": set(), "fields": set()},
    "qti": {"types": set(), "fields": set()},
    # GIFT has no cloze question, no penalty, hints, combined feedback, shuffle
    # setting, short-answer case rule or essay settings.
    "gift": {
        "types": {"cloze"},
        "fields": {
            "penalty",
            "shuffle_options",
            "hints",
            "combined_feedback",
            "case_sensitive",
            "lines",
            "response_format",
            "grader_info_html",
            "response_template_html",
        },
    },  # fmt: skip
}


def _real_records() -> list:
    records = []
    for path in sorted(p for p in REAL.rglob("*") if p.is_file()):
        if path.name in ("error_invalid_grades.xml", "broken_cloze_questions.xml"):
            continue
        parsed = FORMATS[_REAL_FORMAT[path.parent.name]].read(path.read_bytes(), source=path.name)
        records += [r for r in parsed.records if not item_content_validate(r.content)]
    return records


def _essence(record, cannot: set[str]) -> tuple:
    """``comparable()`` up to what does not change the question: option keys (a format may
    rename them, A B C...; an ordering by its right order), our export's name for "no category",
    import notes, defaults written out (all-or-nothing ordering, a required essay), the shuffle
    flag of types that show no options, and the fields the format cannot hold."""
    content = copy.deepcopy(record.content)
    keys = [k for k, _ in content.options]
    if content.item_type == ItemType.ORDERING:
        keys = list(content.type_data.get("order", keys))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    rename = {k: k if content.item_type == ItemType.TRUE_FALSE else letters[i]
              for i, k in enumerate(keys)}  # fmt: skip
    fractions = dict(content.options)
    content.options = [(rename[k], fractions[k]) for k in keys]
    for translation in content.translations.values():
        translation.options = {rename[k]: translation.options[k] for k in keys}
    data = {k: v for k, v in content.type_data.items()
            if k not in ("source_keys", "not_modelled") and k not in cannot}  # fmt: skip
    if "order" in data:
        data["order"] = [rename[k] for k in data["order"]]
    if content.item_type == ItemType.ORDERING:
        data.setdefault("grading", "all_or_nothing")
    if data.get("response_required") is True:
        del data["response_required"]
    content.type_data = data
    if "penalty" in cannot:
        content.penalty = None
    parts = data.get("parts", [])
    gaps = any(p.get("group") is not None for p in parts)
    if "gap_groups" in cannot and gaps and gap_choices(parts) is None:
        # Moodle has no question for gaps of weighted or penalised choices but its cloze, whose
        # selects have no shared choice group or single-use choices (the scoring is kept).
        data["parts"] = [
            {**{k: v for k, v in p.items() if k != "group"},
             "answers": [{k: v for k, v in a.items() if k != "max_uses"} for a in p["answers"]]}
            for p in parts
        ]  # fmt: skip
        gaps = False
    shows_options = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_RESPONSE, ItemType.MATCHING,
                     ItemType.ORDERING)  # fmt: skip
    # A gap item's shuffle setting is shown (its choice groups keep the author's order or not).
    if "shuffle_options" in cannot or (content.item_type not in shows_options and not gaps):
        content.shuffle_options = True
    out = copy.copy(record)
    out.content = content
    if out.source_category == "Imported":  # what our Moodle XML/GIFT export calls no category
        out.source_category = ""
    return out.comparable()


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_real_question_of_every_type_survives_a_round_trip(name):
    """Every question of the real corpus (tests/data/interchange), one by one: written in the
    format and read back, it is the same question, except what the format cannot hold."""
    module, cannot = FORMATS[name], CANNOT_HOLD[name]
    records = _real_records()
    assert {r.content.item_type for r in records} == set(ItemType.values)
    lost = []
    for record in records:
        if record.content.item_type in cannot["types"]:
            continue
        data = module.render([record], qualification_pack_code="ASC/Q0202")
        back = module.read(data, source="round-trip").records
        if len(back) != 1 or _essence(back[0], cannot["fields"]) != _essence(
            record, cannot["fields"]
        ):
            lost.append((record.source, record.title))
    assert lost == []
