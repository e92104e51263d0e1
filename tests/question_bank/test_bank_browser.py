"""In a real browser (Playwright + Debian chromium): a curator reads the coverage page of
ASC/Q0202 and the statistics on an item's page after the statistics task has run."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role, user_assign_role
from adaptive.services import attempt_start, response_record
from adaptive.tasks import item_statistics_compute
from question_bank.models import Item
from tests.browser.login import log_in

from .factories import ASC, content_single, item_make, seed_import, user_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username: str) -> None:
    log_in(page, live_server.url, username, "curator-pass-123", login_path="/admin/login/")


def _curator(username: str) -> User:
    user = User.objects.create_user(username, password="curator-pass-123")
    user_assign_role(user=user, role=Role.SSC_CURATOR)
    return user


def test_coverage_page_shows_approved_over_needed_and_pcs_without_items(live_server, page):
    seed_import(ASC)
    author, reviewer = _curator("asha"), _curator("ravi")
    for _ in range(3):
        item_make(nos="ASC/N0001", pc="PC1", author=author, approver=reviewer)
    item_make(nos="ASC/N0004", pc="PC1", author=author, approver=reviewer)
    _login(page, live_server, "ravi")
    page.goto(f"{live_server.url}/admin/items/")
    page.click("a.button:has-text('Coverage')")
    page.select_option("#coverage-qp", "ASC/Q0202")
    page.click("button:has-text('Show')")
    expect(page.locator("#coverage-summary")).to_contain_text(
        "4 approved of 184 needed"
    )  # 185 with the phantom PC6#2
    met = page.locator("tr[data-pc='ASC/N0001 PC1']")
    expect(met).to_have_class("coverage-met")
    expect(met.locator(".coverage-count")).to_have_text("3 / 3")
    short = page.locator("tr[data-pc='ASC/N0004 PC1']")
    expect(short.locator(".coverage-count")).to_have_text("1 / 5")
    expect(short).to_contain_text("4 short")
    expect(page.locator("#pcs-without-items")).to_contain_text("ASC/N0004 PC6")
    expect(page.locator("#pcs-without-items")).not_to_contain_text("PC6#2")
    expect(page.locator("#pcs-without-items")).not_to_contain_text("ASC/N0001 PC1:")
    # the PC link opens the filtered listing
    met.locator("a").click()
    expect(page.locator("table[aria-label=Items] tbody tr")).to_have_count(3)


def test_item_page_shows_statistics_and_flags_after_the_task(live_server, page):
    seed_import(ASC)
    author, reviewer = _curator("asha"), _curator("ravi")
    item = item_make(author=author, approver=reviewer, content=content_single("Which is right?"))
    others = [item_make(pc=pc, author=author, approver=reviewer) for pc in ("PC2", "PC3", "PC4")]
    for i in range(12):
        learner = user_in(Role.LEARNER)
        attempt = attempt_start(user=learner, mode="summative")
        strong = i >= 4
        for target in (item, *others):
            answer = "A" if strong else "B"
            response_record(
                user=learner, item_version=target.versions.get(), answer=answer,
                mode="summative", attempt=attempt,
            )  # fmt: skip
    item_statistics_compute("ASC/Q0202")
    # calibration is another task's job (adaptive.calibration); the page shows what it wrote
    Item.objects.filter(pk=item.pk).update(
        discrimination=1.2, difficulty=-0.4, guessing=0.2, discrimination_se=0.11,
        difficulty_se=0.09, guessing_se=0.03, calibrated_at="2026-11-24T10:00Z",
    )  # fmt: skip
    _login(page, live_server, "ravi")
    page.goto(f"{live_server.url}/admin/items/{item.pk}/")
    stats = page.locator("#item-statistics")
    expect(stats.locator(".stat-responses")).to_have_text("12")
    expect(stats.locator(".stat-facility")).to_have_text("0.67")
    expect(stats.locator(".stat-discrimination")).to_have_text("1.00")
    expect(stats.locator(".stat-flag")).to_contain_text("Distractor C was chosen by nobody")
    rows = page.locator("table[aria-label='Distractor analysis'] tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("1.00")  # the high group all chose A
    expect(page.locator("#irt-parameters")).to_contain_text("a = 1.200 (SE 0.110)")
