# ruff: noqa: F401, F811  (fixtures are imported from the app test packages)
"""What the pages show a person, beyond what they compute: a dashboard card offers the way in,
charts are legible, in the reader's language and time zone, and results say why an attempt
ended in words instead of the engine's codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import STOP_REASONS, Attempt
from lms import charts
from tests.adaptive.assessment_factories import (
    approver,
    assessment_make,
    assessor_of,
    assign,
    small_bank,
)
from tests.question_bank.factories import asc_q0202, user_in

pytestmark = pytest.mark.django_db


def test_an_open_assessment_not_started_has_a_start_button_on_the_dashboard(client, small_bank):
    learner = user_in(Role.LEARNER)
    assign(assessment_make(), learner)
    assign(assessment_make(slug="later", title="Later paper"), learner, opens_in=24)
    client.force_login(learner)
    page = client.get("/dashboard/").content.decode()
    assert page.count('href="/assess/asc-theory/">Start the assessment</a>') == 1
    assert 'href="/assess/later/">Start the assessment' not in page  # opens tomorrow


def test_the_histogram_puts_its_pass_label_above_the_bars_in_legible_text():
    svg = str(charts.histogram_svg([0, 0, 1, 2, 3, 5, 8, 13, 4, 1], 75, "ASC/N0001"))
    label_y = float(re.search(r'<text[^>]*y="([\d.]+)"[^>]*>pass 75%</text>', svg).group(1))
    top_of_bars = min(float(y) for y in re.findall(r'<rect[^>]* y="([\d.]+)"', svg))
    assert label_y < top_of_bars
    assert min(int(size) for size in re.findall(r'font-size="(\d+)"', svg)) >= 11


def test_chart_texts_are_in_the_readers_language():
    with translation.override("hi"):
        histogram = str(charts.histogram_svg([1] * 10, 75, "x"))
        empty = str(charts.history_svg([], 75, "x"))
    assert "pass 75%" not in histogram and "75%" in histogram
    assert "No results yet." not in empty


def test_the_history_chart_dates_an_attempt_in_the_readers_time_zone():
    """20:00 UTC on 6 December is 01:30 on 7 December in India, as the table beside it says."""
    late = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    with timezone.override("Asia/Kolkata"), translation.override("en"):
        svg = str(charts.history_svg([(late, 60.0, False)], 75, "x"))
    assert "7 Dec" in svg and "6 Dec" not in svg


def test_every_stop_reason_the_engine_sets_reads_as_words():
    for code in ("paper_complete", "max_length", "se_target", "bank_exhausted", "time_limit"):
        assert Attempt(stop_reason=code).stop_reason_label == str(STOP_REASONS[code])
        assert "_" not in Attempt(stop_reason=code).stop_reason_label


def test_the_assessors_results_say_why_each_attempt_ended(client, small_bank):
    learner = user_in(Role.LEARNER)
    assessment = assessment_make()
    assign(assessment, learner)
    attempt = delivery.attempt_start(user=learner, assessment=assessment)
    while attempt.finished_at is None:
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=learner,
            item_version_id=attempt.current_item_version_id,
            answer="A",
        )
    client.force_login(assessor_of(assessment))
    page = client.get(f"/admin/assessment-results/{assessment.pk}/").content.decode()
    assert "every question answered" in page
    assert "paper_complete" not in page


def test_an_item_page_names_the_irt_model_calibrated_and_its_languages(client, asc_q0202):
    """A 2PL item showed as "IRT (3PL): ... c = " with nothing after the c, and its texts
    under the codes EN and HI."""
    from tests.question_bank.factories import item_make

    item = item_make()
    item.discrimination, item.discrimination_se = 1.2, 0.11
    item.difficulty, item.difficulty_se = -0.5, 0.2
    item.guessing = None
    item.calibrated_at = timezone.now()
    item.save()
    client.force_login(user_in(Role.SSC_CURATOR))
    page = client.get(f"/admin/items/{item.pk}/").content.decode()
    parameters = re.search(r'(?s)<p id="irt-parameters">(.*?)</p>', page).group(1)
    assert "IRT (2PL)" in parameters and "c =" not in parameters
    assert re.search(r"calibrated \d{4}-\d\d-\d\d \d\d:\d\d [A-Z+0-9]+", parameters)
    assert "<h2>English</h2>" in page and "<h2>EN</h2>" not in page
