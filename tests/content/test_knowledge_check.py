"""Knowledge checks: approved practice items for the lesson's tags, shown without the key,
answered (once per page view, only what the view served) for feedback and recorded as practice
responses for the adaptive engine. The refusals an attacker would try are in
tests/security/test_answer_keys.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from adaptive.models import Response
from content.services import LessonTags, lesson_create_or_update

from .factories import approved_item_create

pytestmark = pytest.mark.django_db


def served_tokens(html: str) -> dict[int, str]:
    """item version id -> the token of the knowledge-check form that shows it."""
    forms = re.findall(
        r'name="token" value="([^"]*)"><input type="hidden" name="item_version" value="(\d+)"',
        html,
    )
    return {int(version): token for token, version in forms}


def serve(client, lesson) -> dict[int, str]:
    return served_tokens(client.get(lesson.url).content.decode())


@pytest.fixture
def lesson(modules):
    return lesson_create_or_update(
        module=modules[0],
        slug="checked",
        title="Checked lesson",
        summary="",
        body=[{"type": "knowledge_check", "value": {"title": "Try it", "number_of_questions": 3}}],
        tags=LessonTags(knowledge_items=("KU1",)),
    )


@pytest.fixture
def item_version(modules):
    nos = modules[0].nos
    return approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC1"),
        knowledge_items=[nos.knowledge_items.get(code="KU1")],
        stem="What does KU1 ask for?",
    )


def test_lesson_shows_tagged_approved_items_without_the_key(client, lesson, item_version, learner):
    other_nos = lesson.get_parent().get_next_sibling().specific.nos
    approved_item_create(
        performance_criterion=other_nos.performance_criteria.first(), stem="Not for this lesson"
    )
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "What does KU1 ask for?" in html
    assert "Not for this lesson" not in html
    assert f'name="item_version" value="{item_version.pk}"' in html
    assert 'type="radio" name="answer" value="a"' in html
    assert "Yes, exactly." not in html and "Because the standard says so" not in html


def test_summative_items_are_not_drawn_for_knowledge_checks(client, lesson, modules, learner):
    nos = modules[0].nos
    approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC1"),
        knowledge_items=[nos.knowledge_items.get(code="KU1")],
        stem="A graded question",
        purpose="summative",
    )
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "A graded question" not in html
    assert "No practice questions are available" in html


def test_answer_returns_feedback_and_is_recorded_as_practice(client, lesson, item_version, learner):
    client.force_login(learner)
    token = serve(client, lesson)[item_version.pk]
    response = client.post(
        reverse("content:knowledge_check", args=[lesson.pk]),
        {"token": token, "item_version": item_version.pk, "answer": "b"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["correct"] is False and data["score"] == 0
    assert data["correct_keys"] == ["a"]
    assert "think again" in data["option_feedback"]["b"]
    recorded = Response.objects.get(user=learner)
    assert recorded.mode == "practice" and recorded.item_version == item_version
    assert recorded.is_correct is False and recorded.attempt is None
    assert sorted(recorded.option_order) == ["a", "b"]


def test_answer_without_script_gets_a_feedback_page(client, lesson, item_version, learner):
    client.force_login(learner)
    token = serve(client, lesson)[item_version.pk]
    response = client.post(
        reverse("content:knowledge_check", args=[lesson.pk]),
        {"token": token, "item_version": item_version.pk, "answer": "a"},
    )
    assert response.status_code == 200
    assert "Correct." in response.content.decode()
    assert Response.objects.get(user=learner).is_correct


def test_an_item_the_lesson_does_not_draw_cannot_be_answered(
    client, lesson, item_version, modules, learner
):
    other = approved_item_create(
        performance_criterion=modules[1].nos.performance_criteria.first(), stem="Elsewhere"
    )
    client.force_login(learner)
    (token,) = serve(client, lesson).values()
    response = client.post(
        reverse("content:knowledge_check", args=[lesson.pk]),
        {"token": token, "item_version": other.pk, "answer": "a"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "not shown to you" in response.json()["error"]
    assert not Response.objects.exists()


def test_a_bad_answer_changes_nothing(client, lesson, item_version, learner):
    client.force_login(learner)
    token = serve(client, lesson)[item_version.pk]
    url = reverse("content:knowledge_check", args=[lesson.pk])
    for data in (
        {"token": token, "item_version": item_version.pk},
        {"token": token, "item_version": item_version.pk, "answer": "z"},
    ):
        response = client.post(url, data, HTTP_ACCEPT="application/json")
        assert response.status_code == 400
    assert not Response.objects.exists()
    # ... and does not use the question up.
    response = client.post(
        url, {"token": token, "item_version": item_version.pk, "answer": "a"},
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
    assert response.status_code == 200


def test_anonymous_answers_are_refused(client, lesson, item_version):
    response = client.post(
        reverse("content:knowledge_check", args=[lesson.pk]),
        {"item_version": item_version.pk, "answer": "a"},
    )
    assert response.status_code == 302
    assert not Response.objects.exists()
