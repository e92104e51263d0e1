"""In a browser, at 390 and 1366 px: the assessor signs in, goes from the results of their
assessment to its assignment page, ticks batches of two centres, types one window and assigns;
the page lists both windows in each centre's own time and never scrolls sideways. Screenshots go
to ``$KAUSHAL_SHOTS`` when set."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from adaptive.models import AssessmentAssignment
from lti.models import Batch, TrainingCentre
from tests.adaptive.assessment_factories import assessment_make
from tests.browser.login import log_in
from tests.browser.screens import OVERFLOW, SIZES
from tests.question_bank.factories import user_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KAUSHAL_SHOTS")


@pytest.mark.parametrize("size", list(SIZES))
def test_assessor_assigns_batches_of_two_centres_from_their_own_page(live_server, page, size):
    assessor = user_in(Role.ASSESSOR, username="anil", full_name="Anil Assessor")
    for code, zone in (("pune", "Asia/Kolkata"), ("dubai", "Asia/Dubai")):
        centre = TrainingCentre.objects.create(
            code=code, name=f"{code.title()} centre", time_zone=zone
        )
        centre.assessors.add(assessor)
        Batch.objects.create(
            name=f"{code.title()} morning", qualification_pack_code="ASC/Q0202", centre=centre
        )
    assessment = assessment_make(created_by=assessor)
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server.url, "anil", "pw-12345-long", login_path="/admin/login/")

    page.goto(f"{live_server.url}/admin/assessment-results/{assessment.pk}/")
    page.get_by_role("link", name="Assign to batches").click()
    page.get_by_label("Pune morning").check()
    page.get_by_label("Dubai morning").check()
    page.fill("input[name=opens_at]", "2027-01-10T09:00")
    page.fill("input[name=closes_at]", "2027-01-10T12:00")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"assessor-assign-form-{size}.png"), full_page=True)
    page.locator("form[data-assign-form] button[type=submit]").click()

    expect(page.locator(".messages")).to_contain_text("assigned to Dubai morning, Pune morning")
    listing = page.get_by_role("table", name="Batches this assessment is assigned to")
    expect(listing).to_contain_text("10 Jan 2027 09:00 Asia/Dubai")
    expect(listing).to_contain_text("10 Jan 2027 09:00 Asia/Kolkata")
    assert page.evaluate(OVERFLOW) <= 0
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"assessor-assign-done-{size}.png"), full_page=True)
    opens = dict(AssessmentAssignment.objects.values_list("batch__name", "opens_at"))
    assert opens == {
        "Pune morning": datetime(2027, 1, 10, 3, 30, tzinfo=UTC),
        "Dubai morning": datetime(2027, 1, 10, 5, 0, tzinfo=UTC),
    }


def test_the_assign_page_tells_a_trainer_why_and_their_batch_form_offers_their_centres_only(
    live_server, page
):
    """A trainer who follows an assign link gets a page saying who assigns (not a bare 404),
    and the new-batch form lists only the centres whose staff they are on."""
    trainer = user_in(Role.TRAINER, username="tarun", full_name="Tarun Trainer")
    mine = TrainingCentre.objects.create(code="pune", name="Pune centre")
    mine.trainers.add(trainer)
    TrainingCentre.objects.create(code="agra", name="Agra centre")
    assessment = assessment_make(created_by=user_in(Role.ASSESSOR))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "tarun", "pw-12345-long", login_path="/admin/login/")

    page.goto(f"{live_server.url}/admin/assessment-assign/{assessment.pk}/")
    expect(page.get_by_role("alert")).to_contain_text(
        "Only assessors (for the centres they assess) and administrators assign"
    )
    assert page.evaluate(OVERFLOW) <= 0
    page.goto(f"{live_server.url}/admin/batches/new/")
    options = page.locator("select[name=centre] option").all_inner_texts()
    assert "Pune centre" in options and "Agra centre" not in options
