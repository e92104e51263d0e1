# ruff: noqa: F401, F811  (fixtures are imported from the app test packages; no conftest here)
"""No answer key of any item type reaches the candidate's page (HTML) or the question data the
page is built from (JSON): accepted short answers, numeric answers, matching's right-hand side
in its stored order, ordering's right order, cloze answers' stored order."""

from __future__ import annotations

import json

import pytest

from adaptive import delivery
from adaptive.models import Attempt
from tests.adaptive.assessment_factories import approver, candidate
from tests.adaptive.test_item_type_delivery import (
    _paper_of,
    cloze,
    essay,
    matching,
    numeric,
    ordering,
    short_answer,
)
from tests.question_bank.factories import asc_q0202

pytestmark = pytest.mark.django_db

# type -> (content factory, strings that would give the key away)
SECRETS = {
    "short_answer": (short_answer, ["New Delhi", "Del*", "Del"]),
    "numeric": (numeric, ["1822", "tolerance"]),
    "matching": (matching, ["Screwdriver", "Hammer", "Spanner"]),  # checked for order below
    "ordering": (ordering, []),
    "cloze": (cloze, ['"text": "4"', "tolerance", "fraction"]),
    "essay": (essay, ["padlock", "grader"]),
}


@pytest.mark.parametrize("item_type", sorted(SECRETS))
def test_question_page_and_its_data_hold_no_key(client, asc_q0202, approver, candidate, item_type):
    make, secrets = SECRETS[item_type]
    attempt = _paper_of(make, approver, candidate, client)
    pages, datas = [], []
    for _ in range(4):
        attempt = Attempt.objects.get(pk=attempt.pk)
        html = client.get(f"/assess/attempts/{attempt.pk}/").content.decode()
        data = json.dumps(delivery.attempt_question_for_learner(attempt=attempt))
        pages.append(html)
        datas.append(data)
        for secret in secrets:
            if item_type == "matching":
                continue
            assert secret not in html.split('name="item_version"')[1], (item_type, secret)
            assert secret not in data, (item_type, secret)
        assert "fraction" not in data and "feedback" not in data
        # Move the attempt on by answering through the service.
        version = attempt.current_item_version

        answer = {
            "short_answer": "x",
            "numeric": "1",
            "matching": {"0": "Spanner", "1": "Spanner"},
            "ordering": ["C", "B", "A"],
            "cloze": {"1": "Spain", "2": "0"},
            "essay": "text",
        }[item_type]
        assert version.item_type == item_type
        delivery.attempt_answer(
            attempt=attempt, user=candidate, item_version_id=version.pk, answer=answer
        )
    if item_type == "matching":
        # The right-hand side is all shown, but not in the pairs' stored order on every page.
        stored = ["Screwdriver", "Hammer", "Spanner"]
        assert any(json.loads(d)["answers"] != stored for d in datas)
    if item_type == "ordering":
        right = ["<p>Switch off</p>", "<p>Isolate</p>", "<p>Test dead</p>"]
        assert any([o["html"] for o in json.loads(d)["options"]] != right for d in datas)
        # Options are named by their position on screen, never by their stored key.
        assert all({o["key"] for o in json.loads(d)["options"]} == {"1", "2", "3"} for d in datas)


def _ddwtos():
    """Moodle's drag and drop into text question from the real file: its stored choice order
    Alpha, Beta, Gamma is also the right order of its gaps."""
    from pathlib import Path

    from question_bank.interchange import FORMATS

    path = (
        Path(__file__).resolve().parents[1]
        / "data/interchange/moodle_xml/qtype_ddwtos_question_type_test_export.xml"
    )
    [record] = FORMATS["moodle"].read(path.read_bytes(), source=path.name).records
    return record.content


def test_gap_question_page_and_its_data_hold_no_key(client, asc_q0202, approver, candidate):
    attempt = _paper_of(_ddwtos, approver, candidate, client)
    orders = []
    for _ in range(4):
        attempt = Attempt.objects.get(pk=attempt.pk)
        html = client.get(f"/assess/attempts/{attempt.pk}/").content.decode()
        data = delivery.attempt_question_for_learner(attempt=attempt)
        text = json.dumps(data)
        for secret in ("fraction", "max_uses", "feedback", "Alpha, Beta, Gamma"):
            assert secret not in text
            assert secret not in html.split('name="item_version"')[1]
        # One order for every gap of a showing, not always the stored (= right) one.
        shown = {tuple(p["choices"]) for p in data["parts"]}
        assert len(shown) == 1
        orders.append(shown.pop())
        version = attempt.current_item_version
        delivery.attempt_answer(
            attempt=attempt, user=candidate, item_version_id=version.pk,
            answer={"1": "Gamma", "2": "Gamma", "3": "Gamma"},
        )  # fmt: skip
    assert any(order != ("Alpha", "Beta", "Gamma") for order in orders)
