# ruff: noqa: F401, F811  (fixtures are imported from the app test packages; no conftest here)
"""Issue 11: no learner gets an answer key they have not earned.

The knowledge-check endpoint used to answer for any approved item tagged to the lesson, so a
learner could post the id of a live assessment's question and read its key back. It now answers
only for what the page view served to that learner, once, within a time window, never for an
item an active assessment holds; and options are shown in a per-attempt order, stored with the
response, so "always pick the first option" is a guess.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from adaptive import delivery
from adaptive.models import Assessment, Attempt, Mode, Response
from content.services import LessonTags, lesson_create_or_update
from question_bank.models import Item, ItemPurpose, ItemVersion
from tests.adaptive.assessment_factories import (
    approver,
    assessment_make,
    assigned_start,
    assigned_to,
    candidate,
    small_bank,
)
from tests.content.conftest import course, learner, modules, qualification_pack
from tests.content.factories import Role, UserFactory, approved_item_create
from tests.question_bank.factories import asc_q0202, user_in

pytestmark = pytest.mark.django_db

SERVED = re.compile(
    r'name="token" value="([^"]*)"><input type="hidden" name="item_version" value="(\d+)"'
)
FEEDBACK_AND_KEYS = (
    "Yes, exactly.",  # per-option feedback of the key
    "No, think again.",
    "Because the standard says so.",  # general feedback
    "fraction",
    "is_correct",
    "data-correct=",
)


def served(client, lesson) -> dict[int, str]:
    """item version id -> token, as the lesson page served them to the signed-in client."""
    html = client.get(lesson.url).content.decode()
    return {int(version): token for token, version in SERVED.findall(html)}


def check(client, lesson, **data):
    return client.post(
        reverse("content:knowledge_check", args=[lesson.pk]), data, HTTP_ACCEPT="application/json"
    )


@pytest.fixture
def nos(modules):
    return modules[0].nos


@pytest.fixture
def lesson(modules):
    return lesson_create_or_update(
        module=modules[0],
        slug="keys",
        title="Keys lesson",
        summary="",
        body=[{"type": "knowledge_check", "value": {"title": "Try it", "number_of_questions": 1}}],
        tags=LessonTags(knowledge_items=("KU1",)),
    )


def practice_item(nos, stem: str, purpose: str = ItemPurpose.PRACTICE) -> ItemVersion:
    return approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC1"),
        knowledge_items=[nos.knowledge_items.get(code="KU1")],
        stem=stem,
        purpose=purpose,
    )


def assert_refused(response) -> None:
    assert response.status_code == 400
    assert set(response.json()) == {"error"}  # no verdict, no key, no feedback


# --- The knowledge-check endpoint is not an oracle ----------------------------------------


def test_check_refuses_an_item_without_the_token_of_the_view_that_served_it(
    client, lesson, nos, learner
):
    version = practice_item(nos, "First")
    client.force_login(learner)
    served(client, lesson)
    assert_refused(check(client, lesson, item_version=version.pk, answer="a"))
    assert_refused(check(client, lesson, token="forged", item_version=version.pk, answer="a"))
    assert not Response.objects.exists()


def test_check_refuses_an_item_the_view_did_not_serve(client, lesson, nos, learner):
    first, second = practice_item(nos, "First"), practice_item(nos, "Second")
    client.force_login(learner)
    shown = served(client, lesson)
    assert len(shown) == 1  # the block asks for one question
    (token,) = shown.values()
    not_shown = second if first.pk in shown else first
    assert_refused(check(client, lesson, token=token, item_version=not_shown.pk, answer="a"))
    assert not Response.objects.exists()


def test_check_refuses_a_question_served_to_another_learner(client, lesson, nos, learner):
    version = practice_item(nos, "First")
    client.force_login(learner)
    token = served(client, lesson)[version.pk]
    client.force_login(UserFactory(role=Role.LEARNER))
    assert_refused(check(client, lesson, token=token, item_version=version.pk, answer="a"))
    assert not Response.objects.exists()


def test_check_refuses_a_question_served_on_another_lesson(client, lesson, modules, nos, learner):
    version = practice_item(nos, "First")
    other = lesson_create_or_update(
        module=modules[0],
        slug="other",
        title="Other",
        summary="",
        body=[],
        tags=LessonTags(knowledge_items=("KU1",)),
    )
    client.force_login(learner)
    token = served(client, lesson)[version.pk]
    assert_refused(check(client, other, token=token, item_version=version.pk, answer="a"))


def test_check_answers_a_served_question_once_per_view(client, lesson, nos, learner):
    version = practice_item(nos, "First")
    client.force_login(learner)
    token = served(client, lesson)[version.pk]
    first = check(client, lesson, token=token, item_version=version.pk, answer="b")
    assert first.status_code == 200 and first.json()["correct_keys"] == ["a"]
    assert_refused(check(client, lesson, token=token, item_version=version.pk, answer="a"))
    assert Response.objects.count() == 1
    # The rule: a new page view serves the question again, with a new token.
    again = served(client, lesson)[version.pk]
    assert again != token
    assert check(client, lesson, token=again, item_version=version.pk, answer="a").json()["correct"]


def test_check_refuses_a_view_older_than_the_window(client, lesson, nos, learner, settings):
    from content.models import ServedQuestion

    settings.KNOWLEDGE_CHECK_WINDOW_MINUTES = 30
    version = practice_item(nos, "First")
    client.force_login(learner)
    token = served(client, lesson)[version.pk]
    ServedQuestion.objects.update(served_at=timezone.now() - timedelta(minutes=31))
    assert_refused(check(client, lesson, token=token, item_version=version.pk, answer="a"))
    assert not Response.objects.exists()


def test_summative_items_of_an_active_assessment_are_never_served_or_answered(
    client, lesson, nos, learner, qualification_pack
):
    graded = practice_item(nos, "A graded question", purpose=ItemPurpose.SUMMATIVE)
    practice = practice_item(nos, "A practice question")
    Assessment.objects.create(
        slug="live", title="Live", qualification_pack_code=qualification_pack.code
    )
    client.force_login(learner)
    shown = served(client, lesson)
    assert list(shown) == [practice.pk]
    (token,) = shown.values()
    assert_refused(check(client, lesson, token=token, item_version=graded.pk, answer="a"))
    assert not Response.objects.exists()


def test_an_item_that_joined_an_active_pool_after_serving_is_refused(
    client, lesson, nos, learner, qualification_pack
):
    version = practice_item(nos, "Was practice")
    client.force_login(learner)
    token = served(client, lesson)[version.pk]
    # A curator moves it to the graded bank while an assessment of the QP is open.
    Item.objects.filter(pk=version.item_id).update(purpose=ItemPurpose.SUMMATIVE)
    Assessment.objects.create(
        slug="live", title="Live", qualification_pack_code=qualification_pack.code
    )
    assert_refused(check(client, lesson, token=token, item_version=version.pk, answer="a"))
    assert not Response.objects.exists()


def test_an_item_in_an_unfinished_attempts_frozen_pool_is_not_served(
    client, lesson, nos, learner, qualification_pack
):
    version = practice_item(nos, "Frozen in a paper")
    assessment = Assessment.objects.create(
        slug="live", title="Live", qualification_pack_code=qualification_pack.code
    )
    Attempt.objects.create(
        user=UserFactory(role=Role.LEARNER),
        mode=Mode.SUMMATIVE,
        assessment=assessment,
        qualification_pack_code=qualification_pack.code,
        pool=[version.pk],
    )
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "Frozen in a paper" not in html
    assert str(version.pk) not in SERVED.findall(html)


# --- Nothing before answering ---------------------------------------------------------------


def test_lesson_page_html_holds_no_key_or_feedback(client, lesson, nos, learner):
    practice_item(nos, "First")
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "First" in html
    for leak in FEEDBACK_AND_KEYS:
        assert leak not in html, leak


def test_refused_checks_return_no_key_or_feedback_in_json(client, lesson, nos, learner):
    version = practice_item(nos, "First")
    client.force_login(learner)
    served(client, lesson)
    response = check(client, lesson, item_version=version.pk, answer="b")
    body = response.content.decode()
    for leak in (*FEEDBACK_AND_KEYS, "correct_keys", "option_feedback"):
        assert leak not in body, leak


def test_assessment_question_page_holds_no_key_or_feedback(client, small_bank, candidate):
    assigned_to(assessment_make(), candidate)
    client.force_login(candidate)
    client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get()
    html = client.get(f"/assess/attempts/{attempt.pk}/").content.decode()
    for leak in ("Yes, because.", "No, because.", "General feedback.", "fraction", "is_correct"):
        assert leak not in html, leak


# --- Options are shuffled per attempt, stored with the response, stable on reload ------------


OPTION_TEXT = {"A": "Right answer", "B": "Wrong answer", "C": "Another wrong answer"}


def shown_order(html: str) -> list[str]:
    return re.findall(r'name="answer" value="([^"]+)"', html)


def test_option_order_differs_across_attempts_and_is_stored_with_the_response(
    client, small_bank, candidate
):
    assessment = assessment_make(length=1, max_attempts=1)
    orders = []
    for _ in range(8):
        user = user_in(Role.LEARNER)  # the bank's factory, like small_bank's users
        assigned_to(assessment, user)
        client.force_login(user)
        client.post(f"/assess/{assessment.slug}/")
        attempt = Attempt.objects.get(user=user)
        url = f"/assess/attempts/{attempt.pk}/"
        page = client.get(url).content.decode()
        # Options are named by their position on screen, never by their stored keys.
        assert shown_order(page) == ["1", "2", "3"]
        order = sorted("ABC", key=lambda key: page.index(OPTION_TEXT[key]))
        reload = client.get(url).content.decode()
        assert sorted("ABC", key=lambda key: reload.index(OPTION_TEXT[key])) == order
        version = int(re.search(r'name="item_version" value="(\d+)"', page).group(1))
        client.post(url, {"item_version": version, "answer": "1"})
        response = Response.objects.get(attempt=attempt)
        assert response.answer in (order[0], [order[0]])  # position 1 is the first shown
        assert response.option_order == order  # a review can show what the candidate saw
        orders.append(tuple(order))
    assert len(set(orders)) > 1


def test_knowledge_check_order_is_stored_with_the_practice_response(client, lesson, nos, learner):
    version = practice_item(nos, "First")
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    order = shown_order(html)
    token = dict((int(v), t) for t, v in SERVED.findall(html))[version.pk]
    check(client, lesson, token=token, item_version=version.pk, answer="a")
    assert Response.objects.get().option_order == order


def test_an_item_that_may_not_be_shuffled_keeps_the_authors_order(small_bank, candidate):
    ItemVersion.objects.update(shuffle_options=False)
    for n in range(1, 6):
        attempt = assigned_start(
            user=user_in(Role.LEARNER), assessment=assessment_make(slug=f"fixed-{n}")
        )
        question = delivery.attempt_question_for_learner(attempt=attempt)
        texts = [OPTION_TEXT[k] for k in "ABC"]
        assert [o["html"] for o in question["options"]] == [f"<p>{t}</p>" for t in texts]
        assert [o["key"] for o in question["options"]] == ["1", "2", "3"]  # positions, not keys
