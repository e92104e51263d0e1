# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""The public API: what learners see before answering, scoring and feedback after, lookups."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.api import approved_items_for, item_for_learner, response_evaluate

from .factories import (  # noqa: F401
    asc_q0202,
    content_multiple,
    content_numeric,
    content_single,
    content_true_false,
    curator,
    item_make,
    pc_of,
    second_curator,
)

pytestmark = pytest.mark.django_db


def test_learner_view_never_contains_the_key_or_feedback(asc_q0202, curator):
    item = item_make(author=curator, content=content_single(hindi=True))
    shown = item_for_learner(item_version=item.versions.get(), language="hi")
    text = json.dumps(shown, ensure_ascii=False)
    assert [o["key"] for o in shown["options"]] == ["A", "B", "C"]
    assert shown["stem_html"] == "<p>कौन सा सही है?</p>"
    for leak in ("fraction", "correct", "feedback", "हाँ", "Yes, because", "General feedback"):
        assert leak not in text
    assert set(shown) == {"id", "type", "widget", "language", "stem_html", "options"}


def test_single_choice_scoring_and_feedback(asc_q0202, curator):
    version = item_make(author=curator, content=content_single()).versions.get()
    right = response_evaluate(item_version=version, answer="A")
    wrong = response_evaluate(item_version=version, answer=["B"])
    assert (right["correct"], right["score"], right["correct_keys"]) == (True, 1.0, ["A"])
    assert right["option_feedback"] == {"A": "<p>Yes, because.</p>"}
    assert (wrong["correct"], wrong["score"]) == (False, 0.0)
    assert wrong["feedback_html"] == "<p>General feedback.</p>"
    with pytest.raises(ValidationError, match="choose one"):
        response_evaluate(item_version=version, answer=["A", "B"])
    with pytest.raises(ValidationError, match="unknown option"):
        response_evaluate(item_version=version, answer="Z")


def test_multiple_response_partial_credit_and_penalty(asc_q0202, curator):
    version = item_make(author=curator, content=content_multiple()).versions.get()
    assert response_evaluate(item_version=version, answer=["A", "B"])["correct"] is True
    assert response_evaluate(item_version=version, answer=["A"])["score"] == 0.5
    assert response_evaluate(item_version=version, answer=["A", "C"])["score"] == 0.0


def test_true_false_and_numeric_with_tolerance(asc_q0202, curator):
    tf = item_make(author=curator, content=content_true_false(correct="false")).versions.get()
    assert response_evaluate(item_version=tf, answer="false")["correct"] is True
    assert response_evaluate(item_version=tf, answer="true")["option_feedback"] == {
        "true": "<p>No: never lock exits.</p>"
    }
    num = item_make(author=curator, content=content_numeric()).versions.get()
    assert response_evaluate(item_version=num, answer="25.4")["correct"] is True
    assert response_evaluate(item_version=num, answer=24.4)["correct"] is False
    assert item_for_learner(item_version=num)["options"] == []
    with pytest.raises(ValidationError, match="not a number"):
        response_evaluate(item_version=num, answer="twenty")


def test_approved_items_for_returns_only_approved_versions_of_the_tags(
    asc_q0202, curator, second_curator
):
    pc1 = pc_of("ASC/N0001", "PC1")
    approved = item_make(author=curator, approver=second_curator)
    item_make(author=curator)  # draft: never offered
    item_make(author=curator, pc="PC2", approver=second_curator)  # another PC
    hindi = item_make(author=curator, content=content_single(hindi=True), approver=second_curator)
    found = approved_items_for(performance_criteria=[pc1], language="hi", limit=5)
    assert [v.item for v in found] == [hindi, approved]
    assert approved_items_for(limit=5) == []
    ku = pc1.nos.knowledge_items.first()
    hindi.knowledge_items.add(ku)
    assert [v.item for v in approved_items_for(knowledge_items=[ku])] == [hindi]
