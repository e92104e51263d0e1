"""A curator imports a QP document in the Wagtail admin and browses it, in a real browser."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role, user_assign_role
from tests.browser.login import log_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_curator_uploads_a_qp_reads_the_report_and_browses_to_a_pc(live_server, page, seeds_dir):
    curator = User.objects.create_user("chitra", password="curator-pass-123")
    user_assign_role(user=curator, role=Role.SSC_CURATOR)

    log_in(page, live_server.url, "chitra", "curator-pass-123", login_path="/admin/login/")
    page.goto(f"{live_server.url}/admin/framework/")
    page.click("text=Import documents")
    page.set_input_files("input[type=file]", str(seeds_dir / "000_11998c2bd16f104f.txt"))
    page.click("button:has-text('Import')")

    expect(page.locator("section.import-report")).to_contain_text("PC6 is listed more than once")
    page.click("section.import-report a:has-text('ASC/Q0202')")
    page.click("a:has-text('ASC/N0004')")
    expect(page.get_by_role("heading", name="Manage customer relationship")).to_be_visible()
    # listed twice with the same text: one PC (issue 14)
    expect(page.locator("td", has_text="PC6")).to_have_count(1)
