"""Autosave, as Moodle's quiz does it: a choice made but not submitted survives a reload, is
kept only for the question on screen, and never counts as an answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from adaptive.models import Attempt, Response

from .assessment_factories import assessment_make, assigned_to, shown_value

pytestmark = pytest.mark.django_db


def on_screen(page: str) -> int:
    return int(re.search(r'name="item_version" value="(\d+)"', page).group(1))


def checked(page: str) -> list[str]:
    return re.findall(r'name="answer" value="(\d+)" checked', page)


@pytest.fixture
def sitting(client, small_bank, candidate):
    assigned_to(assessment_make(time_limit_minutes=30), candidate)
    client.force_login(candidate)
    url = client.post("/assess/asc-theory/")["Location"]
    return url, Attempt.objects.get()


def test_a_choice_saved_but_not_submitted_is_shown_again_after_a_reload(client, sitting):
    url, attempt = sitting
    page = client.get(url).content.decode()
    assert checked(page) == []
    assert "adaptive/autosave.js" in page and f"{url}draft/" in page
    choice = shown_value(attempt.pk, "B")
    saved = client.post(f"{url}draft/", {"item_version": on_screen(page), "answer": choice})
    assert saved.status_code == 200 and saved.json() == {"saved": True}

    assert checked(client.get(url).content.decode()) == [choice]
    assert not Response.objects.exists()  # a draft is never an answer
    attempt.refresh_from_db()
    assert attempt.finished_at is None and attempt.current_item_version_id == on_screen(page)

    # Changing one's mind replaces the draft.
    other = shown_value(attempt.pk, "A")
    client.post(f"{url}draft/", {"item_version": on_screen(page), "answer": other})
    assert checked(client.get(url).content.decode()) == [other]


def test_a_draft_is_not_carried_to_the_next_question(client, sitting):
    url, attempt = sitting
    item = on_screen(client.get(url).content.decode())
    client.post(f"{url}draft/", {"item_version": item, "answer": shown_value(attempt.pk, "B")})
    client.post(url, {"item_version": item, "answer": shown_value(attempt.pk, "A")})
    page = client.get(url).content.decode()
    assert on_screen(page) != item and checked(page) == []
    assert Response.objects.get().is_correct  # the submitted answer counts, not the draft


@pytest.mark.parametrize(
    ("answer", "status", "message"),
    [("9", 400, "unknown option"), ("", 400, "Choose"), (["1", "2"], 400, "Choose one answer")],
)
def test_a_draft_the_page_did_not_offer_is_refused_and_changes_nothing(
    client, sitting, answer, status, message
):
    url, attempt = sitting
    item = on_screen(client.get(url).content.decode())
    before = Attempt.objects.get(pk=attempt.pk).state
    if answer == "":
        response = client.post(f"{url}draft/", {"item_version": "x"})
        message = "Unknown question"
    else:
        response = client.post(f"{url}draft/", {"item_version": item, "answer": answer})
    assert response.status_code == status
    assert message in response.json()["message"]
    assert Attempt.objects.get(pk=attempt.pk).state == before


def test_no_draft_once_the_time_is_up_or_the_attempt_is_over(client, sitting):
    url, attempt = sitting
    item = on_screen(client.get(url).content.decode())
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = client.post(f"{url}draft/", {"item_version": item, "answer": "1"})
    assert response.status_code == 409
    assert "finished" in response.json()["message"]
    assert "draft" not in Attempt.objects.get(pk=attempt.pk).state


def test_the_draft_endpoint_only_takes_posts(client, sitting):
    url, _ = sitting
    assert client.get(f"{url}draft/").status_code == 405
