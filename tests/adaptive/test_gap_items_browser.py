"""What a candidate clicks on a gap question imported from Moodle's drag and drop into text
(tests/data/interchange/moodle_xml/qtype_ddwtos_question_type_test_export.xml): each gap is a
select of its group's words, in one order for all gaps; a word that may fill one gap only is
refused in a second one, with the reason, and nothing is stored; the right words score 1."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from adaptive.models import Response
from question_bank.interchange import FORMATS
from tests.browser.login import signed_in_context

from .assessment_factories import BANK_PCS, assessment_make, assign

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DDWTOS = (
    Path(__file__).resolve().parents[1]
    / "data/interchange/moodle_xml/qtype_ddwtos_question_type_test_export.xml"
)


def test_a_drag_and_drop_question_is_answered_with_selects_and_keeps_single_use_words(
    chromium, live_server, asc_q0202, approver, candidate
):
    from tests.question_bank.factories import item_make

    [record] = FORMATS["moodle"].read(DDWTOS.read_bytes(), source=DDWTOS.name).records
    for nos, pc in BANK_PCS:
        item_make(nos=nos, pc=pc, content=copy.deepcopy(record.content), approver=approver)
    assign(assessment_make(), candidate)
    context = signed_in_context(chromium, live_server.url, candidate, width=390)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/assess/asc-theory/")
    page.click("button:has-text('the assessment')")
    page.wait_for_selector("#answer-form")
    assert "Put these in order:" in page.inner_text("#answer-form")
    orders = [
        page.eval_on_selector_all(
            f"select[name=blank_{n}] option", "os => os.map(o => o.textContent).slice(1)"
        )
        for n in (1, 2, 3)
    ]
    assert orders[0] == orders[1] == orders[2]
    assert sorted(orders[0]) == ["Alpha", "Beta", "Gamma"]
    # Alpha may fill one gap only (Moodle's drag box that is not "unlimited").
    for n, word in ((1, "Alpha"), (2, "Alpha"), (3, "Gamma")):
        page.select_option(f"select[name=blank_{n}]", label=word)
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("#answer-form")
    assert "“Alpha” can fill one gap only." in page.content()
    assert not Response.objects.exists()
    for n, word in ((1, "Alpha"), (2, "Beta"), (3, "Gamma")):
        page.select_option(f"select[name=blank_{n}]", label=word)
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("#answer-form")
    assert Response.objects.get().score == 1.0
    context.close()
