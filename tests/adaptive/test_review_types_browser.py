"""In a browser, at 390 and 1366 px: the learner's review of a paper of matching, ordering and
cloze questions reads part by part (the answer beside the key, row by row) and never scrolls
sideways. Screenshots go to ``$KAUSHAL_SHOTS`` when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from adaptive.models import Attempt
from tests.browser.login import log_in
from tests.browser.screens import SIZES
from tests.question_bank.factories import item_make, user_in

from .assessment_factories import BANK_PCS, assessment_make, assign
from .test_item_type_delivery import (
    _answer_every_question,
    _ordering_post,
    _select_values,
    cloze,
    matching,
    ordering,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KAUSHAL_SHOTS")


def _answer(page: str) -> dict[str, str]:
    if 'name="order_1"' in page:
        return _ordering_post(page, ["C", "B", "A"])
    if 'name="blank_1"' in page:
        return {"blank_1": _select_values(page, "blank_1")["Spain"], "blank_2": "4"}
    return {"match_0": _select_values(page, "match_0")["Hammer"],
            "match_1": _select_values(page, "match_1")["Hammer"]}  # fmt: skip


@pytest.mark.parametrize("size", list(SIZES))
def test_the_review_of_part_by_part_answers_reads_on_a_phone_and_a_desktop(
    live_server, page, client, asc_q0202, size
):
    approver = user_in(Role.SSC_CURATOR)
    for (nos, pc), make in zip(BANK_PCS, (matching, ordering, cloze, ordering), strict=True):
        item_make(nos=nos, pc=pc, content=make(), approver=approver)
    candidate = user_in(Role.LEARNER, username="meera")
    assessment = assessment_make(review_after="immediately")
    assign(assessment, candidate)
    client.force_login(candidate)
    client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get(user=candidate)
    _answer_every_question(client, attempt, _answer)

    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server.url, "meera", "pw-12345-long")
    page.goto(f"{live_server.url}/assess/attempts/{attempt.pk}/review/")
    expect(page.locator("table.review-parts")).to_have_count(4)
    expect(page.get_by_role("columnheader", name="Right order").first).to_be_visible()
    expect(page.get_by_role("columnheader", name="Accepted answer")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the review scrolls sideways by {overflow}px at {width}px"
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"review-types-{size}.png"), full_page=True)
