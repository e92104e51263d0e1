"""Candidate pages of an assessment and the assessors' admin: roles, ownership, no answer key,
bad submissions, the blueprint check on the form, results and their CSV."""

from __future__ import annotations

import re

import pytest

from accounts.roles import Role
from adaptive.models import Assessment, Attempt, Response
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assign, assigned_to, shown_value

pytestmark = pytest.mark.django_db


def current_question(page: str) -> int:
    return int(re.search(r'name="item_version" value="(\d+)"', page).group(1))


def test_learner_takes_a_paper_from_start_to_result(client, small_bank, candidate):
    assessment = assessment_make()
    assign(assessment, candidate)
    client.force_login(candidate)
    listing = client.get("/assess/").content.decode()
    assert "/assess/asc-theory/" in listing
    start = client.get("/assess/asc-theory/").content.decode()
    assert "Start the assessment" in start and "75%" in start

    response = client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get(user=candidate, assessment=assessment)
    assert response["Location"] == f"/assess/attempts/{attempt.pk}/"
    for number in range(1, 5):
        page = client.get(f"/assess/attempts/{attempt.pk}/").content.decode()
        assert f"Question {number} of 4" in page
        # The answer key and the feedback never reach the candidate's browser.
        assert "Yes, because" not in page and "fraction" not in page
        response = client.post(
            f"/assess/attempts/{attempt.pk}/",
            {"item_version": current_question(page), "answer": shown_value(attempt.pk, "A")},
        )
    assert response["Location"] == f"/assess/attempts/{attempt.pk}/result/"
    result = client.get(response["Location"]).content.decode()
    assert "100.0%" in result and "Pass" in result
    assert "ASC/N0001" in result and "Yes, because" not in result
    # Finished: the question page sends the candidate to the result.
    assert client.get(f"/assess/attempts/{attempt.pk}/")["Location"].endswith("/result/")


def test_double_submitted_answer_is_recorded_once_with_a_message(client, small_bank, candidate):
    assessment_make()
    client.force_login(candidate)
    assigned_to(Assessment.objects.get(), candidate)
    client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get()
    shown = current_question(client.get(f"/assess/attempts/{attempt.pk}/").content.decode())
    right, wrong = shown_value(attempt.pk, "A"), shown_value(attempt.pk, "B")
    client.post(f"/assess/attempts/{attempt.pk}/", {"item_version": shown, "answer": right})
    again = client.post(
        f"/assess/attempts/{attempt.pk}/", {"item_version": shown, "answer": wrong}, follow=True
    )
    assert "already recorded" in again.content.decode()
    assert Response.objects.get().is_correct is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"item_version": "x", "answer": "A"}, "Unknown question"),
        ({"item_version": "999999", "answer": "A"}, "not the question on your screen"),
        ({"answer": "A"}, "Unknown question"),
        ({"item_version": "{current}"}, "Choose an answer first"),
        ({"item_version": "{current}", "answer": "Q"}, "unknown option"),
        # A stored key is not what the page shows: it names options by position only.
        ({"item_version": "{current}", "answer": "A"}, "unknown option"),
        ({"item_version": "{current}", "answer": "9"}, "unknown option"),
    ],
)
def test_bad_submissions_change_nothing_and_say_why(client, small_bank, candidate, data, message):
    assessment_make()
    client.force_login(candidate)
    assigned_to(Assessment.objects.get(), candidate)
    client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get()
    current = attempt.current_item_version_id
    data = {k: v.replace("{current}", str(current)) for k, v in data.items()}
    page = client.post(f"/assess/attempts/{attempt.pk}/", data, follow=True).content.decode()
    assert message in page
    assert Response.objects.count() == 0
    attempt.refresh_from_db()
    assert attempt.current_item_version_id == current


def test_another_learners_attempt_is_not_found(client, small_bank, candidate):
    assessment_make()
    client.force_login(candidate)
    assigned_to(Assessment.objects.get(), candidate)
    client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get()
    client.force_login(user_in(Role.LEARNER))
    assert client.get(f"/assess/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/assess/attempts/{attempt.pk}/result/").status_code == 404
    shown = attempt.current_item_version_id
    response = client.post(
        f"/assess/attempts/{attempt.pk}/", {"item_version": shown, "answer": "A"}
    )
    assert response.status_code == 404
    assert Response.objects.count() == 0


@pytest.mark.parametrize("role", [Role.CONTENT_EDITOR, Role.SSC_CURATOR, None])
def test_only_learners_take_assessments(client, small_bank, role):
    """Assessors, trainers and administrators preview instead (tests/adaptive/test_windows.py)."""
    assessment_make()
    client.force_login(user_in(role))
    assert client.get("/assess/").status_code == 403
    assert client.post("/assess/asc-theory/").status_code == 403
    assert not Attempt.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, small_bank):
    assessment_make()
    assert client.get("/assess/asc-theory/")["Location"].startswith("/accounts/login/")


def test_refusal_is_shown_on_the_start_page(client, asc_q0202, candidate):
    assessment_make()  # the bank is empty
    client.force_login(candidate)
    assigned_to(Assessment.objects.get(), candidate)
    page = client.post("/assess/asc-theory/", follow=True).content.decode()
    assert "no approved questions" in page
    assert not Attempt.objects.exists()


FORM = {
    "title": "Centre 7 theory",
    "slug": "centre-7",
    "qualification_pack_code": "ASC/Q0202",
    "centre": "Centre 7",
    "delivery": "loft",
    "length": "4",
    "min_length": "2",
    "se_target": "0.3",
    "max_exposure": "0.2",
    "max_overlap": "0.25",
    "pass_percentage": "",
    "time_limit_minutes": "",
    "max_attempts": "1",
    "is_active": "on",
    # The small bank covers two of the QP's six NOS (tests/adaptive/test_nos_scope.py).
    "scoped_nos": ["ASC/N0001", "ASC/N0002"],
}


def test_assessor_creates_an_assessment_the_bank_can_serve(client, small_bank):
    client.force_login(user_in(Role.ASSESSOR))
    assert client.get("/admin/assessments/new/").status_code == 200
    response = client.post("/admin/assessments/new/", FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Assessment.objects.get(slug="centre-7").length == 4


def test_the_form_refuses_a_paper_the_bank_cannot_make(client, small_bank):
    client.force_login(user_in(Role.ASSESSOR))
    page = client.post("/admin/assessments/new/", {**FORM, "length": "40"}).content.decode()
    assert "The bank cannot make this paper" in page
    assert "usable questions" in page
    assert not Assessment.objects.exists()


def test_curators_and_learners_cannot_manage_assessments(client, small_bank):
    for role in (Role.SSC_CURATOR, Role.LEARNER):
        client.force_login(user_in(role))
        assert client.post("/admin/assessments/new/", FORM).status_code in (302, 403)
    assert not Assessment.objects.exists()


def test_results_page_and_csv_for_assessors_only(client, small_bank, candidate):
    # The candidate's batch has no centre (as an LMS course's): its results are the creator's.
    creator = user_in(Role.ASSESSOR)
    assessment = assessment_make(created_by=creator)
    client.force_login(candidate)
    assigned_to(Assessment.objects.get(), candidate)
    client.post("/assess/asc-theory/")
    url = f"/admin/assessment-results/{assessment.pk}/"
    assert client.get(url).status_code in (302, 403)
    client.force_login(user_in(Role.ASSESSOR))  # another assessor: not theirs to know about
    assert client.get(url).status_code == 404

    client.force_login(creator)
    page = client.get(url).content.decode()
    assert candidate.username in page and "in progress" in page
    # The blueprint: one question per PC of the four that have questions, the others named.
    assert "<strong>ASC/N0001</strong>" in page and "ASC/N0002 PC1" in page
    assert "ASC/N0003 PC1" in page  # a PC with theory marks and no question
    csv_text = client.get(url, {"format": "csv"}).content.decode()
    header, row = csv_text.strip().splitlines()
    assert header.startswith("candidate,name,attempt,started")
    assert row.startswith(f"{candidate.username},")


def test_a_hindi_speaking_candidate_gets_the_pages_in_hindi(client, settings, small_bank):
    assessment_make()
    candidate = user_in(Role.LEARNER)
    client.force_login(candidate)
    assigned_to(Assessment.objects.get(), candidate)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    assert "मूल्यांकन शुरू करें" in client.get("/assess/asc-theory/").content.decode()
    client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get()
    page = client.get(f"/assess/attempts/{attempt.pk}/").content.decode()
    assert "प्रश्न 1 / 4" in page and "उत्तर जमा करें" in page


def test_the_question_page_moves_past_a_withdrawn_question(client, small_bank, candidate, approver):
    from question_bank.items.services import item_version_retire
    from question_bank.models import ItemVersion

    assessment_make()
    client.force_login(candidate)
    assigned_to(Assessment.objects.get(), candidate)
    client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get()
    shown = current_question(client.get(f"/assess/attempts/{attempt.pk}/").content.decode())
    item_version_retire(version=ItemVersion.objects.get(pk=shown), user=approver)
    page = client.get(f"/assess/attempts/{attempt.pk}/").content.decode()
    assert "was withdrawn" in page
    assert current_question(page) != shown
    assert "Question 1 of 3" in page
