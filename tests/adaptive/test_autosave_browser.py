"""In a real browser: a choice made on the question page and not submitted is saved by the
page's script and is still chosen after a reload (Moodle's autosave)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from adaptive.models import Attempt, Response
from tests.browser.login import log_in
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assigned_to


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_chosen_but_unsubmitted_answer_survives_a_reload(live_server, page, small_bank):
    assigned_to(assessment_make(time_limit_minutes=30), user_in(Role.LEARNER, username="meera"))
    log_in(page, live_server.url, "meera", "pw-12345-long", next_path="/assess/asc-theory/")
    page.get_by_role("button", name="Start the assessment").click()
    radios = page.locator("#answer-form input[name=answer]")
    expect(radios.first).to_be_visible()
    radios.nth(2).check()
    expect(page.locator("#answer-form")).to_have_attribute("data-draft", "saved")
    expect(page.locator("#draft-status")).to_contain_text("Choice saved")

    page.reload()
    expect(page.locator("#answer-form input[name=answer]").nth(2)).to_be_checked()
    assert not Response.objects.exists()  # saved, not submitted
    attempt = Attempt.objects.get()
    assert attempt.state["draft"]["item_version"] == attempt.current_item_version_id
