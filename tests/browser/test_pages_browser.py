# ruff: noqa: F401, F811  (fixtures are imported from the app test packages)
"""Issue 13's bar, in Debian's chromium at a desktop (1366x900) and a phone (390x844): the main
pages of a learner (dashboard, assessments, start page, question page, result, review, progress),
a trainer (batches, heatmap, a NOS's PCs, a learner's history) and an assessor have no
horizontal overflow, every control is reached by the keyboard (Tab lands on each one), and
axe-core (vendored from the npm registry, tests/browser/vendor) finds no serious or critical
accessibility violation. Screenshots go to $KAUSHAL_SHOTS when it is set (for looking at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import Attempt, ReviewAfter
from lti.models import BatchMembership
from tests.adaptive.assessment_factories import (
    approver,
    assessment_make,
    assign,
    shown_value,
    small_bank,
)
from tests.browser.login import signed_in_context
from tests.question_bank.factories import asc_q0202, user_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}

# Everything a keyboard should reach, as a person would see it (visible and enabled).
FOCUSABLE_JS = """() => {
  const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), '
    + 'select, textarea, summary, [tabindex]:not([tabindex="-1"])')];
  const seen = new Set();
  const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden';
  return all.filter(el => !el.disabled && shown(el))
    .map(el => el.type === 'radio' ? 'radio:' + el.name : (el.id || el.outerHTML.slice(0, 120)))
    .filter(key => { if (seen.has(key)) return false; seen.add(key); return true; });
}"""
ACTIVE_JS = """() => { const el = document.activeElement;
  return el.type === 'radio' ? 'radio:' + el.name : (el.id || el.outerHTML.slice(0, 120)); }"""


@pytest.fixture
def world(small_bank):
    """A learner with a question on screen and a finished attempt; a trainer of their batch; an
    assessor."""
    learner = user_in(Role.LEARNER, full_name="Lata Deshmukh")
    trainer = user_in(Role.TRAINER, full_name="Ravi Kumar")
    assessor = user_in(Role.ASSESSOR, full_name="Meera Iyer")
    sitting = assessment_make(time_limit_minutes=30)
    done = assessment_make(slug="asc-theory-2", title="ASC theory, second paper")
    done.review_after = ReviewAfter.IMMEDIATELY
    done.save()
    assignment = assign(sitting, learner)
    assign(done, learner)
    BatchMembership.objects.create(
        batch=assignment.batch, user=trainer, role=BatchMembership.Role.TRAINER
    )
    open_attempt = delivery.attempt_start(user=learner, assessment=sitting)
    finished = delivery.attempt_start(user=learner, assessment=done)
    while finished.finished_at is None:
        finished = delivery.attempt_answer(
            attempt=finished,
            user=learner,
            item_version_id=finished.current_item_version_id,
            answer="A" if finished.responses.count() % 2 else "B",
        )
    return {
        "learner": (
            learner,
            [
                reverse("dashboard"),
                reverse("adaptive:attempt", args=[open_attempt.pk]),  # [1]: the timer test's
                reverse("adaptive:attempt_result", args=[finished.pk]),
                reverse("adaptive:attempt_review", args=[finished.pk]),
                reverse("adaptive:assessments"),
                reverse("adaptive:assessment_start", args=[done.slug]),
                reverse("my_mastery"),
            ],
        ),
        "trainer": (
            trainer,
            [
                reverse("dashboard"),
                reverse("trainer_batches"),
                reverse("batch_mastery", args=[assignment.batch.pk]),
                reverse("batch_nos", args=[assignment.batch.pk, "ASC/N0001"]),
                reverse("batch_learner", args=[assignment.batch.pk, learner.pk]),
            ],
        ),
        "assessor": (assessor, [reverse("dashboard"), reverse("adaptive:assessments")]),
    }


def _logged_in_context(chromium, live_server, user, size):
    width, height = size
    return signed_in_context(chromium, live_server.url, user, width=width, height=height)


def _check_page(page, url: str) -> list[str]:
    """What is wrong with the page at ``url`` (empty: nothing)."""
    problems = []
    page.goto(url)
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px")
    wanted = page.evaluate(FOCUSABLE_JS)
    reached = []
    page.locator("body").focus()
    for _ in range(len(wanted) + 5):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(ACTIVE_JS))
    missing = [key for key in wanted if key not in reached]
    if missing:
        problems.append(f"not reached by Tab: {missing}")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    problems.extend(f"axe {v}" for v in violations)
    return problems


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_main_pages_fit_the_screen_work_by_keyboard_and_pass_axe(
    live_server, chromium, world, viewport
):
    shots = os.environ.get("KAUSHAL_SHOTS")
    problems = {}
    for role, (user, paths) in world.items():
        context = _logged_in_context(chromium, live_server, user, VIEWPORTS[viewport])
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            for path in paths:
                found = _check_page(page, f"{live_server.url}{path}")
                if found:
                    problems[f"{role} {path}"] = found
                if shots:
                    name = f"{viewport}-{role}-{path.strip('/').replace('/', '_') or 'home'}.png"
                    page.screenshot(path=str(Path(shots) / name), full_page=True)
        finally:
            context.close()
    assert not problems, problems


def test_question_page_confirms_before_finishing_and_counts_down(live_server, chromium, world):
    learner, paths = world["learner"]
    attempt = Attempt.objects.get(user=learner, assessment__slug="asc-theory")
    context = _logged_in_context(chromium, live_server, learner, VIEWPORTS["phone"])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{paths[1]}")
        timer = page.locator("#time-left")
        assert ":" in timer.inner_text() and "left" in timer.inner_text()  # the JS countdown
        for number in range(1, 5):
            expect(page.locator("#progress")).to_contain_text(f"Question {number} of 4")
            value = shown_value(attempt.pk, "A")
            page.locator(f"input[name=answer][value='{value}']").check()
            page.get_by_role("button", name="Submit answer").click()
            if number == 4:
                dialog = page.get_by_role("dialog", name="Finish the assessment?")
                expect(dialog).to_be_visible()
                if os.environ.get("KAUSHAL_SHOTS"):
                    page.screenshot(
                        path=str(Path(os.environ["KAUSHAL_SHOTS"]) / "phone-learner-finish.png")
                    )
                dialog.get_by_role("button", name="Go back").click()
                expect(dialog).to_be_hidden()
                attempt.refresh_from_db()
                assert attempt.finished_at is None  # going back finishes nothing
                page.get_by_role("button", name="Submit answer").click()
                dialog.get_by_role("button", name="Yes, finish").click()
        page.locator("#score").wait_for()
        attempt.refresh_from_db()
        assert attempt.finished_at is not None
    finally:
        context.close()


def test_hindi_renders_in_the_shipped_devanagari_font(live_server, chromium, world):
    """Machines without a Devanagari font (this one: fc-list :lang=hi is empty) still show Hindi:
    the page loads Noto Sans Devanagari from our static files for the Devanagari glyphs."""
    learner, _ = world["learner"]
    context = _logged_in_context(chromium, live_server, learner, VIEWPORTS["phone"])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{reverse('dashboard')}")
        page.get_by_label("Language").select_option("hi")
        page.get_by_role("button", name="Change language").click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page.get_by_role("heading", name="आपके मूल्यांकन")).to_be_visible()
        page.evaluate("document.fonts.ready")
        loaded = page.evaluate(
            "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
        )
        assert "Noto Sans Devanagari" in {name.strip('"') for name in loaded}
        shots = os.environ.get("KAUSHAL_SHOTS")
        if shots:
            page.screenshot(
                path=str(Path(shots) / "phone-learner-dashboard-hi.png"), full_page=True
            )
    finally:
        context.close()
