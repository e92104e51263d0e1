# ruff: noqa: F401, F811  (fixtures are imported from the app test packages)
"""Learner, trainer and result pages in Hindi show the framework's Hindi texts where a curator
entered them, and the English text (never an empty heading) where not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from adaptive import delivery
from lti.models import BatchMembership
from question_bank.models import NationalOccupationalStandard, PerformanceCriterion
from tests.adaptive.assessment_factories import approver, assessment_make, assign, small_bank
from tests.question_bank.factories import asc_q0202, user_in

pytestmark = pytest.mark.django_db

N0001_HI = "अपेक्षित परिणामों के लिए काम की योजना बनाना और व्यवस्थित करना"
PC1_HI = "अपने तत्काल कार्य-क्षेत्र को साफ़ और व्यवस्थित रखना"
QP_HI = "क्षेत्रीय बिक्री विकास/सीआरएम मैनेजर"


@pytest.fixture
def hindi_texts(small_bank, asc_q0202):
    """ASC/N0001, its PC1 and the QP have Hindi; ASC/N0002 and the rest only English."""
    NationalOccupationalStandard.objects.filter(code="ASC/N0001", is_current=True).update(
        title_hi=N0001_HI
    )
    PerformanceCriterion.objects.filter(
        nos__code="ASC/N0001", nos__is_current=True, code="PC1"
    ).update(text_hi=PC1_HI)
    asc_q0202.title_hi = QP_HI
    asc_q0202.save()
    return asc_q0202


@pytest.fixture
def sitting(hindi_texts):
    """A learner who finished a LOFT paper on ASC/N0001 and ASC/N0002, and their trainer."""
    learner = user_in(Role.LEARNER, preferred_language="hi")
    trainer = user_in(Role.TRAINER, preferred_language="hi")
    assessment = assessment_make()
    assignment = assign(assessment, learner)
    BatchMembership.objects.create(
        batch=assignment.batch, user=trainer, role=BatchMembership.Role.TRAINER
    )
    attempt = delivery.attempt_start(user=learner, assessment=assessment)
    while attempt.finished_at is None:
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=learner,
            item_version_id=attempt.current_item_version_id,
            answer="A",
        )
    return learner, trainer, assignment.batch, attempt


def _english_title(code: str) -> str:
    return NationalOccupationalStandard.objects.get(code=code, is_current=True).title


def test_hindi_learner_pages_show_hindi_nos_titles_and_english_where_none(client, sitting):
    learner, _, _, attempt = sitting
    client.force_login(learner)
    for url in (
        reverse("dashboard"),
        reverse("my_mastery"),
        reverse("adaptive:attempt_result", args=[attempt.pk]),
    ):
        html = client.get(url).content.decode()
        assert '<html lang="hi">' in html, url
        assert N0001_HI in html, url
        assert _english_title("ASC/N0001") not in html, url
        assert _english_title("ASC/N0002") in html, url  # no Hindi yet: the English, not blank


def test_english_learner_sees_the_english_titles(client, sitting):
    learner, _, _, attempt = sitting
    learner.preferred_language = "en"
    learner.save()
    client.force_login(learner)
    html = client.get(reverse("adaptive:attempt_result", args=[attempt.pk])).content.decode()
    assert _english_title("ASC/N0001") in html and N0001_HI not in html


def test_hindi_trainer_pages_show_hindi_qp_nos_and_pc_texts(client, sitting):
    _, trainer, batch, _ = sitting
    client.force_login(trainer)
    heatmap = client.get(reverse("batch_mastery", args=[batch.pk])).content.decode()
    assert QP_HI in heatmap and f'title="{N0001_HI}"' in heatmap
    nos = client.get(reverse("batch_nos", args=[batch.pk, "ASC/N0001"])).content.decode()
    assert f"ASC/N0001 {N0001_HI}" in nos and PC1_HI in nos
    pc2 = PerformanceCriterion.objects.get(nos__code="ASC/N0001", nos__is_current=True, code="PC2")
    assert pc2.text[:60] in nos  # PC2 has no Hindi: its English
