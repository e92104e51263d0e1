"""A curator writes a 4-option question in the compact item form: options are rows with their
score beside the text, a fifth row is added and another removed, and the item saved has exactly
the rows left. Also keeps the form short at 1366 px (it was ~5,500 px with 26 rich-text boxes)."""
# ruff: noqa: F811

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from question_bank.models import Item
from tests.browser.login import log_in
from tests.question_bank.factories import asc_q0202, user_in  # noqa: F401  (fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CURATOR_SHOTS", "")


def _log_in(page, live_server) -> None:
    user_in(Role.SSC_CURATOR, username="chitra")
    log_in(page, live_server.url, "chitra", "pw-12345-long", login_path="/admin/login/")


def _form_height(page) -> int:
    """Height of the form itself (Wagtail's admin scrolls its main area, not the document)."""
    return page.evaluate(
        "Math.round(document.getElementById('item-form').getBoundingClientRect().height)"
    )


def test_curator_adds_and_removes_option_rows_and_saves(live_server, page, asc_q0202):
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/items/new/?qp=ASC/Q0202")
    visible = page.locator("[data-option-row]:not([hidden])")
    expect(visible).to_have_count(4)
    height = _form_height(page)
    print(f"compact item form, new 4-option MCQ at 1366 px: {height} px")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/item-form-1366.png", full_page=True)
    assert height < 1500

    page.locator("select[name=performance_criterion]").select_option(index=1)
    page.select_option("select[name=item_type]", "single_choice")
    page.get_by_role("textbox", name="Stem (English)").fill(
        "Which glove protects against solvents?"
    )
    texts = {"A": "Nitrile", "B": "Cotton", "C": "Leather", "D": "Wool"}
    for key, text in texts.items():
        page.get_by_role("textbox", name=f"Option {key} (English)").fill(text)
        page.select_option(f"select[name=fraction_{key}]", "1" if key == "A" else "0")

    page.get_by_role("button", name="Add an option").click()
    expect(visible).to_have_count(5)
    page.get_by_role("textbox", name="Option E (English)").fill("Butyl rubber")
    page.select_option("select[name=fraction_E]", "0")
    page.get_by_role("button", name="Remove option D").click()
    expect(visible).to_have_count(4)
    expect(page.get_by_role("textbox", name="Option D (English)")).to_be_hidden()
    page.click("button:has-text('Save')")
    expect(page.locator("text=Item created as a draft")).to_be_visible()

    version = Item.objects.get().versions.get()
    english = version.translations.get(language="en").options
    saved = {o.key: (o.fraction, english[o.key]["html"]) for o in version.options.all()}
    assert {k: v[1] for k, v in saved.items()} == {
        "A": "Nitrile", "B": "Cotton", "C": "Leather", "E": "Butyl rubber"
    }  # fmt: skip
    assert saved["A"][0] == Decimal(1) and saved["E"][0] == Decimal(0)


def test_item_form_fits_a_phone_without_sideways_scrolling(live_server, page, asc_q0202):
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/items/new/?qp=ASC/Q0202")
    expect(page.locator("[data-option-row]:not([hidden])")).to_have_count(4)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/item-form-390.png", full_page=True)
    overflow = page.evaluate(
        "document.querySelector('#option-rows').scrollWidth"
        " - document.querySelector('#option-rows').clientWidth"
    )
    assert overflow <= 1
