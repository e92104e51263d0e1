"""A learner, in a real browser: opens the course, navigates to a module and a lesson, answers a
knowledge check, sees feedback, marks the lesson complete and sees progress on module and course.
Also checks the pages work with the keyboard and on a phone-sized screen."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from content.services import LessonTags, course_create, lesson_create_or_update
from tests.browser.login import log_in

from .factories import Role, UserFactory, approved_item_create, framework_build

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course_with_lesson():
    qualification_pack = framework_build()
    course = course_create(qualification_pack=qualification_pack)
    module = course.get_children().specific().first()
    lesson = lesson_create_or_update(
        module=module,
        slug="reading-the-standard",
        title="Reading the standard",
        summary="What the standard asks of you.",
        body=[
            {"type": "text", "value": "<p>Every standard lists what you must be able to do.</p>"},
            {"type": "knowledge_check", "value": {"title": "Try it", "number_of_questions": 1}},
        ],
        tags=LessonTags(knowledge_items=("KU1",)),
    )
    nos = module.nos
    approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC1"),
        knowledge_items=[nos.knowledge_items.get(code="KU1")],
        stem="Which option is right?",
    )
    return course, module, lesson


def _log_in(page, base_url, next_path):
    UserFactory(username="lata", role=Role.LEARNER)
    page.goto(f"{base_url}{next_path}")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next={next_path}")
    log_in(page, base_url, "lata", "pw-for-tests-1", next_path=next_path)


def test_learner_studies_a_lesson_answers_a_check_and_sees_progress(
    live_server, page, course_with_lesson
):
    course, module, lesson = course_with_lesson
    page.set_viewport_size({"width": 375, "height": 740})  # a phone
    _log_in(page, live_server.url, course.url)

    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    expect(page.get_by_text("0 of 1 lessons complete")).to_be_visible()
    page.get_by_role("link", name=module.title).click()
    expect(page.get_by_text("Not completed yet")).to_be_visible()
    page.get_by_role("link", name="Reading the standard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading the standard")

    # Answer wrongly with the keyboard only: feedback and the right answer appear in place.
    group = page.get_by_role("group", name="Question 1")
    expect(group).to_contain_text("Which option is right?")
    page.get_by_label("The wrong one").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("The wrong one")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    status = page.get_by_role("status").filter(has_text="Not quite.")
    expect(status).to_be_visible()
    expect(status).to_contain_text("No, think again.")
    expect(status).to_contain_text("The right answer: The right one")
    expect(page).to_have_url(f"{live_server.url}{lesson.url}")  # no page load

    # Answered for this page view: the form is done; "Try again" serves the question anew.
    expect(page.get_by_role("button", name="Check answer")).to_be_disabled()
    page.get_by_role("button", name="Try again").click()
    page.get_by_label("The right one").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("status").filter(has_text="Correct.")).to_be_visible()

    page.get_by_role("button", name="Mark lesson as complete").click()
    expect(page.get_by_text("You have completed this lesson.")).to_be_visible()
    page.get_by_role("link", name="Back to the module").click()
    expect(page.get_by_text("✓ Completed")).to_be_visible()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=course.title).click()
    expect(page.get_by_text("1 of 1 lessons complete")).to_be_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The learner switches the interface to Hindi.
    page.get_by_label("Language").select_option("hi")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_text("1 में से 1 पाठ पूरे")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "hi")

    from adaptive.models import Response

    assert list(Response.objects.values_list("mode", "is_correct").order_by("pk")) == [
        ("practice", False),
        ("practice", True),
    ]
