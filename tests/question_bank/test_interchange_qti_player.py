# ruff: noqa: F811  (pytest fixtures are imported from tests.question_bank.factories)
"""Our QTI 3.0 export runs in another player: the response processing written into each item
scores it as Kaushal does and sets FEEDBACK so that the right modal feedback shows (per answer,
combined correct / partially correct / incorrect, general). ``qti_player`` is an independent
engine that reads only the exported XML."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from question_bank.interchange import items_export, items_import_file
from question_bank.interchange.common import item_records_for_export
from question_bank.items.html import html_to_text
from question_bank.items.types import item_type_spec

from .factories import asc_q0202  # noqa: F401
from .qti_player import Player

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
pytestmark = pytest.mark.django_db


def _bank() -> dict:
    for path, fmt in (
        (DATA / "gift" / "moodle_questions.gift.txt", "gift"),
        (DATA / "gift" / "pegjs_numerical1.gift", "gift"),
        (DATA / "moodle_xml" / "nested_categories_with_questions.xml", "moodle"),
    ):
        items_import_file(data=path.read_bytes(), qualification_pack_code="ASC/Q0202",
                          format=fmt, filename=path.name)  # fmt: skip
    package = zipfile.ZipFile(
        io.BytesIO(items_export(qualification_pack_code="ASC/Q0202", format="qti"))
    )
    records = item_records_for_export(qualification_pack_code="ASC/Q0202")
    return {r.uid: (r, package.read(f"items/{r.uid}/en.xml")) for r in records}


def _right_answer(content):
    """The full-mark answer in QTI's terms (the player's RESPONSE), or None for essays etc."""
    kind = content.item_type
    if kind in ("single_choice", "true_false"):
        return content.correct_keys[0]
    if kind == "multiple_response":
        return content.correct_keys
    if kind == "numeric":
        return str(content.numeric_answer)
    if kind == "short_answer":
        t = next(iter(content.translations.values()))
        key = next(k for k, f in content.options if f == 1)
        return html_to_text(t.options[key].html).replace("*", "x")
    return None


def _engine(content, answer):
    return item_type_spec(content.item_type).score(content, answer)


def test_every_scored_item_scores_and_gives_feedback_in_another_player(asc_q0202):
    bank = _bank()
    checked: dict[str, int] = {}
    for record, xml in bank.values():
        content = record.content
        player = Player(xml)
        answer = _right_answer(content)
        if answer is None:
            continue
        right = player.run({"RESPONSE": answer})
        assert Decimal(str(right.score)) == _engine(content, answer), record.title
        assert right.score == 1, record.title
        general = next(iter(content.translations.values())).general_feedback_html
        assert ("GENERAL" in right.shown) == bool(general), record.title
        # A wrong answer: 0, and the feedback of what was answered, never the right one's.
        if content.item_type in ("single_choice", "true_false"):
            wrong_key = next(k for k, f in content.options if f <= 0)
            wrong = player.run({"RESPONSE": wrong_key})
            t = next(iter(content.translations.values()))
            assert wrong.score == 0
            assert (wrong_key in wrong.shown) == bool(t.options[wrong_key].feedback_html)
            assert answer not in wrong.shown
        elif content.item_type == "numeric":
            wrong = player.run({"RESPONSE": "123456789"})
            assert wrong.score == 0
            assert ("OTHER" in wrong.shown) == bool(
                content.type_data.get("other_answer_feedback_html")
            )
        elif content.item_type == "short_answer":
            wrong = player.run({"RESPONSE": "certainly not this"})
            assert wrong.score == 0
        nothing = player.run({})
        assert nothing.score == 0
        checked[content.item_type] = checked.get(content.item_type, 0) + 1
    print(checked)
    assert set(checked) >= {"single_choice", "multiple_response", "true_false", "numeric",
                            "short_answer"}  # fmt: skip


def test_per_answer_and_combined_feedback_fire(asc_q0202):
    bank = _bank()
    fired = set()
    for record, xml in bank.values():
        content = record.content
        player = Player(xml)
        if content.item_type == "numeric":
            for n, extra in enumerate(content.type_data.get("answers", []), start=2):
                out = player.run({"RESPONSE": extra["value"]})
                assert Decimal(str(out.score)) == _engine(content, extra["value"])
                assert (f"A{n}" in out.shown) == bool(extra.get("feedback_html"))
                fired.add("numeric partial")
        if content.item_type == "short_answer":
            t = next(iter(content.translations.values()))
            for key, fraction in content.options:
                if t.options[key].feedback_html and "*" not in t.options[key].html:
                    out = player.run({"RESPONSE": html_to_text(t.options[key].html)})
                    assert key in out.shown, record.title
                    assert Decimal(str(out.score)) == Decimal(fraction).max(Decimal(0))
                    fired.add("short answer")
    print(fired)
    assert {"numeric partial", "short answer"} <= fired


MULTIPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz><question type="multichoice">
  <name><text>Safety gear</text></name>
  <questiontext format="html"><text><![CDATA[<p>Which protect the eyes?</p>]]></text></questiontext>
  <generalfeedback format="html"><text>Goggles and visors.</text></generalfeedback>
  <single>false</single>
  <correctfeedback format="html"><text>All right.</text></correctfeedback>
  <partiallycorrectfeedback format="html"><text>Some right.</text></partiallycorrectfeedback>
  <incorrectfeedback format="html"><text>None right.</text></incorrectfeedback>
  <answer fraction="50"><text>Goggles</text><feedback><text>Yes, goggles.</text></feedback></answer>
  <answer fraction="50"><text>Visor</text><feedback><text>Yes, a visor.</text></feedback></answer>
  <answer fraction="-100"><text>Gloves</text><feedback><text>Hands.</text></feedback></answer>
</question></quiz>"""


def test_combined_feedback_follows_the_score_in_another_player():
    from question_bank.interchange import moodle_xml, qti

    [record] = moodle_xml.read(MULTIPLE).records
    record.uid = "mr1"
    player = Player(qti._item_xml(record, "en"))
    a, b, c = (k for k, _ in record.content.options)
    full = player.run({"RESPONSE": [a, b]})
    assert full.score == 1 and full.shown == [a, b, "CORRECT", "GENERAL"]
    half = player.run({"RESPONSE": [a]})
    assert half.score == 0.5 and half.shown == [a, "PARTIALLY_CORRECT", "GENERAL"]
    wrong = player.run({"RESPONSE": [c]})
    assert wrong.score == 0 and wrong.shown == [c, "INCORRECT", "GENERAL"]
    assert player.run({}).shown == ["INCORRECT", "GENERAL"]
