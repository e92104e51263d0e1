"""What a candidate clicks: each new type's widget works in chromium, on a phone-width screen
without sideways scrolling, and ordering's selects work with JavaScript off."""

from __future__ import annotations

import os

import pytest

from adaptive.models import Attempt, Response
from tests.browser.login import signed_in_context

from .assessment_factories import assessment_make, assessor_of, assign
from .test_item_type_delivery import cloze, essay, matching, numeric, ordering, short_answer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KAUSHAL_SHOTS")  # a folder: save screenshots there (for review)
TYPES = {"short_answer": short_answer, "numeric": numeric, "matching": matching,
         "ordering": ordering, "cloze": cloze, "essay": essay}  # fmt: skip


def _signed_in_page(chromium, live_server, user, *, width: int, javascript: bool = True):
    context = signed_in_context(
        chromium, live_server.url, user, width=width, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _paper(make, approver, candidate):
    from tests.question_bank.factories import item_make

    from .assessment_factories import BANK_PCS

    for nos, pc in BANK_PCS:
        item_make(nos=nos, pc=pc, content=make(), approver=approver)
    assessment = assessment_make()
    assign(assessment, candidate)


@pytest.mark.parametrize("item_type", sorted(TYPES))
def test_widget_fits_a_phone_and_a_laptop(
    chromium, live_server, asc_q0202, approver, candidate, item_type
):
    _paper(TYPES[item_type], approver, candidate)
    for width in (390, 1366):
        context, page = _signed_in_page(chromium, live_server, candidate, width=width)
        page.goto(f"{live_server.url}/assess/asc-theory/")
        page.click("button:has-text('the assessment')")
        page.wait_for_selector("#answer-form")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (item_type, width, overflow)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{item_type}-{width}.png", full_page=True)
        context.close()


def test_ordering_is_answered_with_selects_and_javascript_off(
    chromium, live_server, asc_q0202, approver, candidate
):
    _paper(ordering, approver, candidate)
    context, page = _signed_in_page(chromium, live_server, candidate, width=390, javascript=False)
    page.goto(f"{live_server.url}/assess/asc-theory/")
    page.click("button:has-text('the assessment')")
    for place, label in enumerate(["Switch off", "Isolate", "Test dead"], start=1):
        page.select_option(f"select[name=order_{place}]", label=label)
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("#answer-form")
    assert Response.objects.get().score == 1.0
    attempt = Attempt.objects.get()
    assert attempt.responses.count() == 1
    context.close()


def test_assessor_marks_an_essay_on_the_marking_page(
    chromium, live_server, asc_q0202, approver, candidate
):
    from adaptive import delivery

    _paper(essay, approver, candidate)
    from adaptive.models import Assessment

    attempt = delivery.attempt_start(user=candidate, assessment=Assessment.objects.get())
    while attempt.finished_at is None:
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=candidate,
            item_version_id=attempt.current_item_version_id,
            answer="Lock the isolator and keep the key.",
        )
    assessor = assessor_of(attempt.assessment)  # assesses the candidate's centre
    for width in (390, 1366):
        context, page = _signed_in_page(chromium, live_server, assessor, width=width)
        page.goto(f"{live_server.url}/admin/assessment-results/{attempt.assessment_id}/essays/")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/essays-{width}.png", full_page=True)
        context.close()
    context, page = _signed_in_page(chromium, live_server, assessor, width=1366)
    page.goto(f"{live_server.url}/admin/assessment-results/{attempt.assessment_id}/essays/")
    first = page.locator("section.essay").first
    first.locator("input[name=marks]").fill("3")
    first.locator("textarea[name=comment]").fill("Names the padlock.")
    first.locator("button[type=submit]").click()
    page.wait_for_selector("text=Waiting for a mark (3)")
    assert "Names the padlock." in page.content()
    context.close()
    assert Response.objects.filter(score=0.75).count() == 1
