"""The calibration page shows a run's progress and updates it without a reload by hand."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from adaptive.models import CalibrationRun
from tests.browser.login import log_in
from tests.question_bank.factories import user_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_run_page_follows_a_running_calibration_to_its_end(live_server, page, asc_q0202):
    curator = user_in(Role.SSC_CURATOR, username="chitra")
    run = CalibrationRun.objects.create(
        qualification_pack_code="ASC/Q0202",
        status=CalibrationRun.Status.RUNNING,
        progress=40,
        stage="calibrating 120 items from 900 persons",
        requested_by=curator,
    )
    log_in(page, live_server.url, "chitra", "pw-12345-long", login_path="/admin/login/")
    page.goto(f"{live_server.url}/admin/calibration/runs/{run.pk}/")
    expect(page.locator("#calibration-bar")).to_have_attribute("value", "40")
    expect(page.locator("#calibration-status")).to_contain_text("calibrating 120 items")

    CalibrationRun.objects.filter(pk=run.pk).update(progress=90, stage="writing parameters")
    expect(page.locator("#calibration-status")).to_contain_text("writing parameters")
    expect(page.locator("#calibration-bar")).to_have_attribute("value", "90")

    CalibrationRun.objects.filter(pk=run.pk).update(
        status=CalibrationRun.Status.SUCCEEDED,
        progress=100,
        stage="120 items calibrated",
        n_items=120,
        n_persons=900,
        iterations=37,
        converged=True,
    )
    expect(page.locator("text=EM iterations")).to_be_visible()
    expect(page.locator("text=37 (converged)")).to_be_visible()
