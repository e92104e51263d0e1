"""HTML kept in an item's type data (matching questions, essay marker information and response
template, hints, combined and per-answer feedback) reaches learners' and assessors' pages with
``|safe`` just like the stem, so it must be sanitised on the way in too, whichever way it came."""

from __future__ import annotations

import pytest

from question_bank.interchange import items_import_file
from question_bank.models import ItemVersion
from tests.question_bank.factories import ASC, seed_import

from .test_item_html_is_sanitised import DANGER

pytestmark = pytest.mark.django_db

EVIL = '<img src="/x.png" onerror="alert(1)"><script>alert(2)</script>'
ESCAPED = EVIL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

MOODLE_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="matching">
    <name><text>Match the tools</text></name>
    <questiontext format="html"><text>Match each tool.</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <shuffleanswers>true</shuffleanswers>
    <correctfeedback format="html"><text>Well done{ESCAPED}</text></correctfeedback>
    <subquestion format="html"><text>Spanner{ESCAPED}</text><answer><text>nut</text></answer>
    </subquestion>
    <subquestion format="html"><text>Screwdriver</text><answer><text>screw</text></answer>
    </subquestion>
    <subquestion format="html"><text>Hammer</text><answer><text>nail</text></answer>
    </subquestion>
    <hint format="html"><text>Think{ESCAPED}</text></hint>
  </question>
  <question type="essay">
    <name><text>Describe the job</text></name>
    <questiontext format="html"><text>Describe your job.</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>5</defaultgrade>
    <responseformat>editor</responseformat>
    <responsefieldlines>10</responsefieldlines>
    <graderinfo format="html"><text>Model answer{ESCAPED}</text></graderinfo>
    <responsetemplate format="html"><text>Start{ESCAPED}</text></responsetemplate>
  </question>
</quiz>
"""


def test_hostile_html_in_type_data_of_an_imported_file_is_stored_harmless():
    seed_import(ASC)
    result = items_import_file(
        data=MOODLE_XML.encode(), qualification_pack_code="ASC/Q0202", format="moodle"
    )
    versions = list(ItemVersion.objects.all())
    assert len(versions) == 2, result
    stored = " ".join(str(v.type_data) for v in versions)
    assert "Spanner" in stored and "Model answer" in stored
    assert not DANGER.search(stored), DANGER.search(stored)


def test_the_migration_cleans_type_data_stored_before(db):
    """Rows written before the sanitiser reached type data are cleaned by migration 0006."""
    import importlib

    from django.apps import apps

    seed_import(ASC)
    items_import_file(data=MOODLE_XML.encode(), qualification_pack_code="ASC/Q0202")
    version = ItemVersion.objects.get(item_type="matching")
    dirty = {**version.type_data, "pairs": [{"question_html": EVIL, "answer": "nut"}]}
    ItemVersion.objects.filter(pk=version.pk).update(type_data=dirty)
    migration = importlib.import_module("question_bank.migrations.0006_sanitise_type_data_html")
    migration.sanitise(apps, None)
    version.refresh_from_db()
    assert version.type_data["pairs"][0]["answer"] == "nut"
    assert not DANGER.search(str(version.type_data))
