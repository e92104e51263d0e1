"""Each demo account's main page, in a browser, on the demo world ``make demo`` builds: the
learner's assessments and progress, the trainer's batch heatmap, the assessor's results, the
curator's calibrated items and calibration page, the content editor's course coverage and the
administrator's dashboard. Each is signed into through the login page with the demo password,
must show its meaningful content (rows, names, parameters; not an empty state), and is
photographed at 1366 and 390 px (into ``$KAUSHAL_SHOTS_DIR``, else a pytest tmp dir).

The demo world is built once for the module by ``demo_setup`` itself (seeds, accounts, banks,
lessons, batches, 300 candidates, calibration) and committed, so a live server of the module's
own can serve it; the database is flushed when the module is done.
"""

from __future__ import annotations

import os
import re
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lms.management.commands.demo_setup import DEMO_PASSWORD
from tests.browser.login import log_in
from tests.browser.screens import OVERFLOW

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# django_db: so the session sets the test database up; each test runs in a transaction of its
# own on top of the committed demo world.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = (1366, 390)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world and a live server for it: {"url", "shots", "ids", "seconds"}."""
    from pytest_django.live_server_helper import LiveServer

    from adaptive.models import Assessment
    from lti.models import Batch
    from question_bank.models import Item

    with django_db_blocker.unblock():
        started = time.monotonic()
        call_command("demo_setup", stdout=StringIO())
        seconds = time.monotonic() - started
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        shots = Path(os.environ.get("KAUSHAL_SHOTS_DIR") or tmp_path_factory.mktemp("role-pages"))
        shots.mkdir(parents=True, exist_ok=True)
        ids = {
            "batch": Batch.objects.get(name="Pune morning batch 2026-A").pk,
            "loft": Assessment.objects.get(slug="asc-q0202-theory").pk,
            "item": Item.objects.filter(
                discrimination__isnull=False, versions__statistics__isnull=False
            )
            .order_by("pk")
            .first()
            .pk,
        }
        try:
            yield {"url": server.url, "shots": shots, "ids": ids, "seconds": seconds}
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def _sign_in(page: Page, demo: dict, username: str) -> None:
    log_in(page, demo["url"], username, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _photograph(page: Page, demo: dict, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(demo["shots"] / f"{name}-{width}.png"), full_page=width == 390)


def test_demo_world_builds_in_seconds(demo):
    # Generous for a loaded CI machine; `make demo` takes a few seconds on a quiet one.
    assert demo["seconds"] < 120


def test_learner_sees_open_assessments_and_progress_with_knowledge_checks(page, demo):
    _sign_in(page, demo, "learner")
    page.goto(f"{demo['url']}/assess/")
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    expect(page.locator("tbody")).to_contain_text("open now")
    expect(page.locator("tbody")).to_contain_text("Asia/Kolkata")
    _photograph(page, demo, "learner-assessments")
    page.goto(f"{demo['url']}/me/progress/")
    expect(page.locator("h2").first).to_contain_text("ASC/Q0202")
    summary = page.locator("main p, p").filter(has_text="knowledge-check answer").first
    expect(summary).not_to_contain_text("0 knowledge-check answers")
    nos_rows = page.locator("table").first.locator("tbody tr")
    assert nos_rows.count() == 6
    _photograph(page, demo, "learner-progress")


def test_trainer_sees_the_batch_heatmap_with_learners_and_nos(page, demo):
    _sign_in(page, demo, "trainer")
    expect(page.locator("body")).to_contain_text("Pune morning batch 2026-A")
    page.goto(f"{demo['url']}/trainer/batches/{demo['ids']['batch']}/")
    heatmap = page.locator("table.heatmap")
    expect(heatmap).to_be_visible()
    assert heatmap.locator("tbody tr").count() == 120
    expect(heatmap.locator("thead")).to_contain_text("ASC/N0203")
    expect(heatmap.locator("tbody")).to_contain_text("Lata Learner")
    assert heatmap.locator("tbody td.cell", has_text="%").count() > 500
    expect(page.locator("svg").first).to_be_visible()
    _photograph(page, demo, "trainer-heatmap")
    page.goto(f"{demo['url']}/trainer/batches/{demo['ids']['batch']}/nos/ASC/N0203/")
    expect(page.locator("tbody tr").first).to_contain_text("PC")
    _photograph(page, demo, "trainer-pc-drill-down")


def test_assessor_sees_results_with_names_and_marks(page, demo):
    _sign_in(page, demo, "assessor")
    page.goto(f"{demo['url']}/admin/assessment-results/{demo['ids']['loft']}/")
    attempts = page.locator("table[aria-label=Attempts] tbody tr")
    expect(attempts.first).to_be_visible()
    assert attempts.count() >= 200
    expect(attempts.first).not_to_contain_text("No candidate has started yet")
    expect(page.locator("table[aria-label=Attempts]")).to_contain_text("Lata Learner")
    expect(page.locator("table[aria-label=Attempts] thead")).to_contain_text("ASC/N0001")
    _photograph(page, demo, "assessor-results")
    # The assessor assigns from their own page: the demo batches of both centres are offered.
    page.get_by_role("link", name="Assign to batches").click()
    expect(page.get_by_label("Dubai weekend batch 2026-1", exact=False)).to_be_visible()
    expect(
        page.get_by_role("table", name="Batches this assessment is assigned to")
    ).to_contain_text("Asia/Dubai")
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate(OVERFLOW) <= 0, "the assignment page scrolls sideways on a phone"
    _photograph(page, demo, "assessor-assign")


def test_curator_sees_calibrated_items_and_why_a_bank_cannot_be_calibrated(page, demo):
    _sign_in(page, demo, "curator")
    expect(page.locator("body")).to_contain_text("calibrated items")
    page.goto(f"{demo['url']}/admin/items/{demo['ids']['item']}/")
    expect(page.locator("#irt-parameters")).to_contain_text("a = ")
    expect(page.locator("#irt-parameters")).to_contain_text("SE")
    expect(page.locator(".stat-discrimination")).to_be_visible()
    _photograph(page, demo, "curator-item")
    page.goto(f"{demo['url']}/admin/calibration/")
    banks = page.locator("table[aria-label=Banks] tbody tr")
    asc = banks.filter(has_text="ASC/Q0202")
    expect(asc).to_contain_text("succeeded")
    # SSC/Q2211's demo bank has items but no answers: the page says so in words.
    ssc = banks.filter(has_text="SSC/Q2211")
    expect(ssc.locator(".help-warning")).to_contain_text("answer")
    _photograph(page, demo, "curator-calibration")


def test_content_editor_sees_the_course_coverage(page, demo):
    _sign_in(page, demo, "editor")
    page.goto(f"{demo['url']}/admin/content/coverage/")
    expect(page.locator("body")).to_contain_text("ASC/Q0202")
    expect(page.locator("table tbody tr").first).to_be_visible()
    _photograph(page, demo, "editor-coverage")


def test_administrator_dashboard_shows_batches_and_results(page, demo):
    _sign_in(page, demo, "admin")
    body = page.locator("body")
    for text in ("Pune morning batch 2026-A", "Dubai weekend batch 2026-1", "results"):
        expect(body).to_contain_text(text)
    _photograph(page, demo, "admin-dashboard")
