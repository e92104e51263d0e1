"""Autosave is the candidate's own: no draft on another learner's attempt, none for a question
their attempt does not have on screen, and a refusal that writes nothing."""

from __future__ import annotations

import pytest

from adaptive.models import Attempt

pytestmark = pytest.mark.django_db


def test_a_learner_cannot_save_a_draft_on_another_learners_attempt(world, client_for):
    other = world.other_open
    before = Attempt.objects.get(pk=other.pk).state
    response = client_for("Learner").post(
        f"/assess/attempts/{other.pk}/draft/",
        {"item_version": other.current_item_version_id, "answer": "1"},
    )
    assert response.status_code == 404
    assert Attempt.objects.get(pk=other.pk).state == before


def test_a_learner_cannot_save_a_draft_for_a_question_not_on_their_screen(world, client_for):
    mine = world.own_open
    not_shown = next(v for v in mine.pool if v != mine.current_item_version_id)
    before = Attempt.objects.get(pk=mine.pk).state
    for item in (not_shown, world.other_open.current_item_version_id):
        if item == mine.current_item_version_id:
            continue
        response = client_for("Learner").post(
            f"/assess/attempts/{mine.pk}/draft/", {"item_version": item, "answer": "1"}
        )
        assert response.status_code == 409
        assert "not the question on your screen" in response.json()["message"]
    assert Attempt.objects.get(pk=mine.pk).state == before


def test_a_finished_attempt_takes_no_draft(world, client_for):
    done = world.own_finished
    response = client_for("Learner").post(
        f"/assess/attempts/{done.pk}/draft/", {"item_version": done.pool[0], "answer": "1"}
    )
    assert response.status_code == 409
