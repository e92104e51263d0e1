# ruff: noqa: F401, F811  (fixtures are imported from the app test packages)
"""A learner whose preferred language is Hindi logs in on a phone (390 px) and lands on Hindi
pages whose NOS titles are the curators' Hindi (English where there is none yet), with nothing
scrolling sideways."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from adaptive import delivery
from question_bank.models import NationalOccupationalStandard
from tests.adaptive.assessment_factories import approver, assessment_make, assign, small_bank
from tests.browser.login import log_in
from tests.question_bank.factories import asc_q0202, user_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

N0001_HI = "अपेक्षित परिणामों के लिए काम की योजना बनाना और व्यवस्थित करना"
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def hindi_learner(small_bank):
    NationalOccupationalStandard.objects.filter(code="ASC/N0001", is_current=True).update(
        title_hi=N0001_HI
    )
    learner = user_in(Role.LEARNER, full_name="Sunita Yadav", preferred_language="hi")
    learner.set_password(PASSWORD)
    learner.save()
    assessment = assessment_make()
    assign(assessment, learner)
    attempt = delivery.attempt_start(user=learner, assessment=assessment)
    while attempt.finished_at is None:
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=learner,
            item_version_id=attempt.current_item_version_id,
            answer="A",
        )
    return learner


def test_hindi_learner_lands_on_hindi_pages_with_hindi_nos_titles_on_a_phone(
    live_server, chromium, hindi_learner
):
    english_n0002 = NationalOccupationalStandard.objects.get(
        code="ASC/N0002", is_current=True
    ).title
    # The browser itself asks for English: the learner's own choice must win.
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server.url, hindi_learner.username, PASSWORD)
        assert page.url.endswith("/dashboard/")
        for path in ("/dashboard/", "/me/progress/"):
            if not page.url.endswith(path):
                page.goto(f"{live_server.url}{path}")
            expect(page.locator("html")).to_have_attribute("lang", "hi")
            expect(page.get_by_text(N0001_HI).first).to_be_visible()
            expect(page.get_by_text(english_n0002).first).to_be_visible()  # no Hindi yet
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    finally:
        context.close()
