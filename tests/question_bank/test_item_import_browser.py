"""A curator uploads a GIFT file on the admin import page, in a real browser, and reads the
report; a running job's progress bar moves as the task reports progress and the page shows the
report when the job ends (``item_import_job.js``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role, user_assign_role
from question_bank.interchange import jobs
from question_bank.models import Item
from tests.browser.login import log_in

from .factories import seed_import

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
SHOTS = Path("/tmp/interchange-shots")


def _login(page, live_server) -> User:
    curator = User.objects.create_user("chitra", password="curator-pass-123")
    user_assign_role(user=curator, role=Role.SSC_CURATOR)
    log_in(page, live_server.url, "chitra", "curator-pass-123", login_path="/admin/login/")
    return curator


def _shot(page, name: str) -> None:
    if os.environ.get("INTERCHANGE_SHOTS"):
        SHOTS.mkdir(exist_ok=True)
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_curator_uploads_a_file_and_reads_the_report(live_server, page):
    seed_import("000_11998c2bd16f104f.txt")
    _login(page, live_server)
    page.goto(f"{live_server.url}/admin/items/import/")
    page.fill("input[name=qp]", "ASC/Q0202")
    page.set_input_files(
        "input[name=file]", str(DATA / "gift" / "pegjs_gift_format_php_examples.gift")
    )
    _shot(page, "import-form")
    page.click("button:has-text('Import')")
    report = page.locator("#import-report")
    expect(report).to_contain_text("10 question(s) found, 10 imported")
    expect(page.locator("[data-report=skipped]")).to_have_text("0")
    _shot(page, "import-report")
    assert Item.objects.count() > 0


def test_the_progress_bar_follows_the_job_and_the_report_appears(live_server, page):
    curator = _login(page, live_server)
    job_id = "00000000-0000-4000-8000-0000000000aa"
    jobs._state_set(
        job_id, status="running", done=10, total=40, report=None,
        filename="big.xml", qp="ASC/Q0202", dry_run=False, owner=curator.pk,
    )  # fmt: skip
    page.goto(f"{live_server.url}/admin/item-imports/{job_id}/")
    bar = page.locator("#import-progress-bar")
    expect(bar).to_have_attribute("value", "25")
    jobs._state_set(job_id, done=30)
    expect(page.locator("[data-import-job-label]")).to_have_text("30 of 40 steps (75%)")
    _shot(page, "import-progress")
    report = {"questions_found": 20, "imported": 19, "skipped": [
        {"question": "Bad grade", "line": 12, "file": "big.xml", "reason": "grade 33%"}],
        "not_modelled": [], "errors": [], "dry_run": False}  # fmt: skip
    jobs._state_set(job_id, status="done", done=40, report=report, summary="19 created")
    expect(page.locator("#import-report")).to_contain_text("20 question(s) found, 19 imported")
    expect(page.locator("#import-report")).to_contain_text("Bad grade")
    expect(page.locator("#import-report")).to_contain_text("line 12")
