"""In a real browser, a learner who chose Hindi (issue 13): the dashboard, the question page, the
result page and the review show no English interface string; only item content (marked with its
own ``lang``) and data (names, titles, codes) may be English."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from adaptive.models import ReviewAfter
from question_bank.models import (
    Element,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assigned_to

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Visible text outside item content: text in an element whose language is not Hindi (the item's
# stem and options, "English" in the language switch) is left out, as are scripts.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, [hidden]')) continue;
    const lang = el.closest('[lang]');
    if (lang && lang.getAttribute('lang') !== 'hi') continue;
    if (!el.getClientRects().length) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], input[type=submit]')) {
    const lang = el.closest('[lang]');
    if (lang && lang.getAttribute('lang') !== 'hi') continue;
    out.push(el.getAttribute('aria-label') || el.getAttribute('title') || el.value || '');
  }
  return out;
}"""
# Codes and names that are the same in every language.
CODE = re.compile(r"\b[A-Z]{2,5}/[A-Z]{1,2}\d{3,4}\b")  # ASC/Q0202, ASC/N0001
ALLOWED_WORDS = {"Kaushal", "QP", "NOS", "PC", "KU", "GS", "CAT", "LOFT", "LMS", "Asia", "Kolkata"}


def english_texts(page: Page, data: list[str]) -> list[str]:
    """The page's texts with Latin-script words that are neither data nor codes."""
    found = []
    for text in page.evaluate(VISIBLE_TEXT):
        rest = text
        for value in sorted(data, key=len, reverse=True):
            rest = rest.replace(value, " ")
        rest = CODE.sub(" ", rest)
        if [w for w in re.findall(r"[A-Za-z]{2,}", rest) if w not in ALLOWED_WORDS]:
            found.append(text)
    return found


def photograph(page: Page, shots: Path, name: str) -> None:
    """At 1366 and 390 px into ``$KAUSHAL_SHOTS_DIR`` (else a pytest tmp dir); never wider
    than the screen."""
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"hindi-{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name


def test_a_learner_in_hindi_sees_no_english_interface_text(live_server, page, small_bank, tmp_path):
    shots = Path(os.environ.get("KAUSHAL_SHOTS_DIR") or tmp_path)
    assessment = assessment_make(review_after=ReviewAfter.IMMEDIATELY, title="ASC theory")
    learner = user_in(Role.LEARNER, username="meera", full_name="Meera Patil")
    assignment = assigned_to(assessment, learner)
    data = [
        learner.full_name,
        assessment.title,
        assignment.batch.name,
        *QualificationPack.objects.values_list("title", flat=True),
        *NationalOccupationalStandard.objects.values_list("title", flat=True),
        *Element.objects.values_list("title", flat=True),
        *PerformanceCriterion.objects.values_list("text", flat=True),
    ]
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.fill("input[name=username]", "meera")
    page.fill("input[name=password]", "pw-12345-long")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.get_by_label("Language").select_option("hi")
    page.locator(".language-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")

    assert not (found := english_texts(page, data)), ("dashboard", found)
    photograph(page, shots, "dashboard")

    page.goto(f"{live_server.url}/assess/{assessment.slug}/")
    assert not (found := english_texts(page, data)), ("assessment page", found)
    page.get_by_role("button", name="मूल्यांकन शुरू करें").click()  # "Start the assessment"
    expect(page.locator("#answer-form")).to_be_visible()
    assert not (found := english_texts(page, data)), ("question page", found)
    photograph(page, shots, "question")
    for _ in range(assessment.length):
        page.locator("#answer-form input[name=answer]").first.check()
        # The page saves the choice as a draft; submit once it has (one writer at a time).
        expect(page.locator("#answer-form")).to_have_attribute("data-draft", "saved")
        page.locator("#answer-form button[type=submit]").first.click()
        finish = page.get_by_role("button", name="हाँ, समाप्त करें")  # "Yes, finish"
        if finish.is_visible():
            finish.click()
        page.wait_for_load_state()
        if "/result" in page.url or not page.locator("#answer-form").count():
            break
    expect(page.locator("h1")).to_be_visible()
    assert not (found := english_texts(page, data)), (f"result page {page.url}", found)
    photograph(page, shots, "result")

    page.get_by_role("link", name="अपने उत्तर देखें").click()  # "Review your answers"
    assert not (found := english_texts(page, data)), ("review page", found)
    photograph(page, shots, "review")
