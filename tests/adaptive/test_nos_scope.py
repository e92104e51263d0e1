"""An assessment covers every NOS of its QP that may carry theory marks, or says which NOS it
is scoped to: the form refuses a QP result on a subset of its NOS, and a pass mark the QP does
not give; a scoped assessment draws only from its NOS and its result says so."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import Assessment, Attempt
from question_bank.models import QualificationPack
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assigned_start
from .test_assessment_pages import FORM

pytestmark = pytest.mark.django_db


def test_a_qp_result_on_a_subset_of_its_nos_is_refused(client, small_bank):
    client.force_login(user_in(Role.ASSESSOR))
    page = client.post(
        "/admin/assessments/new/", {k: v for k, v in FORM.items() if k != "scoped_nos"}
    ).content.decode()
    assert "would score ASC/Q0202 on 2 of its 6 NOS" in page
    assert "ASC/N0003, ASC/N0004, ASC/N0203, ASC/N0204" in page
    assert not Assessment.objects.exists()


def test_an_explicitly_scoped_assessment_is_accepted_and_says_so(client, small_bank, candidate):
    client.force_login(user_in(Role.ASSESSOR))
    response = client.post("/admin/assessments/new/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment = Assessment.objects.get(slug="centre-7")
    assert assessment.scoped_nos == ["ASC/N0001", "ASC/N0002"]
    client.force_login(candidate)
    assert (
        "Only these NOS: ASC/N0001, ASC/N0002" in client.get("/assess/centre-7/").content.decode()
    )


def test_scoping_to_a_nos_without_questions_is_refused(client, small_bank):
    client.force_login(user_in(Role.ASSESSOR))
    page = client.post(
        "/admin/assessments/new/", {**FORM, "scoped_nos": ["ASC/N0001", "ASC/N0203"]}
    ).content.decode()
    assert "No approved question covers ASC/N0203" in page
    assert not Assessment.objects.exists()


def test_a_pass_mark_the_qp_does_not_give_must_be_entered(client, small_bank):
    QualificationPack.objects.filter(code="ASC/Q0202").update(pass_percentage=None)
    client.force_login(user_in(Role.ASSESSOR))
    page = client.post("/admin/assessments/new/", FORM).content.decode()
    assert "gives no pass percentage" in page
    assert not Assessment.objects.exists()
    assert (
        client.post("/admin/assessments/new/", {**FORM, "pass_percentage": "60"}).status_code == 302
    )


def test_a_scoped_assessment_draws_only_from_its_nos(small_bank, candidate):
    assessment = assessment_make(scoped_nos=["ASC/N0001"], length=2)
    attempt = assigned_start(user=candidate, assessment=assessment)
    bank = delivery.assessment_bank(assessment)
    assert {p.nos_code for p in bank.items} == {"ASC/N0001"}
    assert Attempt.objects.get(pk=attempt.pk).current_item_version.item.nos.code == "ASC/N0001"
