"""A content editor at 390 and 1366 px: "create lesson" from the coverage report opens the
lesson form with the KU ticked and its statement beside it; the knowledge-check preview lists
the pinned question first and fits the screen."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from content.services import LessonTags, course_create, lesson_create_or_update
from tests.browser.login import log_in
from tests.browser.screens import OVERFLOW, SIZES

from .factories import Role, UserFactory, approved_item_create, framework_build

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CURATOR_SHOTS", "")


@pytest.mark.parametrize("size", SIZES)
def test_editor_creates_a_lesson_from_coverage_and_previews_its_check(live_server, page, size):
    qualification_pack = framework_build()
    course = course_create(qualification_pack=qualification_pack)
    module = course.get_children().specific().first()
    nos = module.nos
    drawn = approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC1"),
        knowledge_items=[nos.knowledge_items.get(code="KU1")],
        stem="Drawn for KU1",
    )
    pinned = approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC2"), stem="Pinned one"
    )
    check = {"title": "Try it", "number_of_questions": 2, "pinned_items": [pinned.item_id]}
    lesson = lesson_create_or_update(
        module=module,
        slug="checked",
        title="Checked lesson",
        summary="",
        body=[{"type": "knowledge_check", "value": check}],
        tags=LessonTags(knowledge_items=("KU1",)),
    )
    UserFactory(username="esha", role=Role.CONTENT_EDITOR)
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server.url, "esha", "pw-for-tests-1", login_path="/admin/login/")

    page.goto(f"{live_server.url}/admin/content/coverage/{qualification_pack.pk}/")
    ku2 = nos.knowledge_items.get(code="KU2")
    page.locator(f"a[href$='?ku={ku2.pk}']").first.click()
    box = page.get_by_label(f"KU2 — {ku2.text}")
    expect(box).to_be_checked()
    expect(
        page.get_by_label(f"KU1 — {nos.knowledge_items.get(code='KU1').text}")
    ).not_to_be_checked()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/lesson-create-{width}.png", full_page=True)

    page.goto(f"{live_server.url}/admin/content/lessons/{lesson.pk}/knowledge-check/")
    questions = page.locator(".kc-preview__question")
    expect(questions).to_have_count(2)
    expect(questions.nth(0)).to_contain_text("Pinned one")
    expect(questions.nth(1)).to_contain_text("Drawn for KU1")
    assert drawn.item_id != pinned.item_id
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/knowledge-check-preview-{width}.png", full_page=True)
    assert page.evaluate(OVERFLOW) <= 1
