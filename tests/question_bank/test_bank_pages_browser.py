"""The curator's bank pages on a phone and a desktop: the listing, the preview (candidate's page
in both languages, key panel) and the diff fit without sideways scrolling of the page itself
(wide tables scroll inside their own box)."""
# ruff: noqa: F811

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from question_bank.items.content import OptionText
from question_bank.items.services import item_edit
from tests.browser.login import log_in
from tests.browser.screens import OVERFLOW, SIZES
from tests.question_bank.factories import asc_q0202, content_single, item_make, user_in  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CURATOR_SHOTS", "")


@pytest.mark.parametrize("size", SIZES)
def test_bank_list_preview_and_diff_fit_the_screen(live_server, page, asc_q0202, size):
    curator = user_in(Role.SSC_CURATOR, username="chitra", full_name="Chitra Rao")
    reviewer = user_in(Role.SSC_CURATOR)
    item = item_make(
        author=curator,
        approver=reviewer,
        content=content_single("Whom do you ask about a task outside your role?", hindi=True),
    )
    changed = content_single("Whom do you ask about a task outside your role?", hindi=True)
    changed.translations["en"].options["B"] = OptionText("<p>Your supervisor's manager</p>")
    changed.options = [("A", Decimal(1)), ("B", Decimal("0.5")), ("C", Decimal(0))]
    item_edit(item=item, user=curator, content=changed)
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server.url, "chitra", "pw-12345-long", login_path="/admin/login/")

    for name, path, visible in (
        ("list", "/admin/items/", "Whom do you ask about a task"),
        ("preview", f"/admin/items/{item.pk}/preview/", "Answer key"),
        ("diff", f"/admin/items/{item.pk}/diff/", "Your supervisor's manager"),
    ):
        page.goto(live_server.url + path)
        expect(page.get_by_text(visible).first).to_be_visible()
        if name == "preview":
            frame = page.frame_locator("iframe[title$='in Hindi']")
            expect(frame.get_by_text("कौन सा सही है?")).to_be_visible()
            expect(frame.locator("input[name=answer]")).to_have_count(3)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        assert page.evaluate(OVERFLOW) <= 1, f"{name} scrolls sideways at {width} px"
