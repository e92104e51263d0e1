"""Assignment windows, attempts allowed, reassessment rules and staff previews, enforced by the
server (``delivery.attempt_start``), not only hidden on the list page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import Attempt, Reassessment
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assign

pytestmark = pytest.mark.django_db


def _finish_with(attempt: Attempt, *, passed: bool) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(
        finished_at=attempt.started_at, passed=passed, percent=90 if passed else 10
    )


def test_learner_sees_only_assessments_assigned_to_their_batch(client, small_bank, candidate):
    mine = assessment_make(slug="mine", title="Mine")
    assessment_make(slug="theirs", title="Theirs")
    assign(mine, candidate)
    client.force_login(candidate)
    page = client.get("/assess/").content.decode()
    assert "/assess/mine/" in page and "/assess/theirs/" not in page
    assert "Asia/Kolkata" in page and "open now" in page


def test_an_assessment_assigned_to_other_batches_cannot_be_started(client, small_bank, candidate):
    assessment = assessment_make()
    assign(assessment, user_in(Role.LEARNER))
    client.force_login(candidate)
    page = client.post("/assess/asc-theory/", follow=True).content.decode()
    assert "not assigned to you" in page
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    ("opens_in", "message"), [(5.0, "opens on"), (-72.0, "closed on")], ids=["early", "late"]
)
def test_no_start_outside_the_window(client, small_bank, candidate, opens_in, message):
    assessment = assessment_make()
    assign(assessment, candidate, opens_in=opens_in, hours=24)
    client.force_login(candidate)
    page = client.post("/assess/asc-theory/", follow=True).content.decode()
    assert message in page and "Asia/Kolkata" in page
    assert not Attempt.objects.exists()
    with pytest.raises(delivery.AssessmentUnavailableError, match=message):
        delivery.attempt_start(user=candidate, assessment=assessment)


def test_reassessment_only_after_failing(small_bank, candidate):
    assessment = assessment_make()
    assign(assessment, candidate, attempts_allowed=3, reassessment=Reassessment.FAILED)
    first = delivery.attempt_start(user=candidate, assessment=assessment)
    _finish_with(first, passed=False)
    second = delivery.attempt_start(user=candidate, assessment=assessment)
    assert second.number == 2
    _finish_with(second, passed=True)
    with pytest.raises(delivery.AssessmentUnavailableError, match="You have passed"):
        delivery.attempt_start(user=candidate, assessment=assessment)


def test_no_reassessment_and_attempts_allowed_are_enforced(small_bank, candidate):
    assessment = assessment_make(max_attempts=5)
    assign(assessment, candidate, attempts_allowed=2, reassessment=Reassessment.NONE)
    _finish_with(delivery.attempt_start(user=candidate, assessment=assessment), passed=False)
    with pytest.raises(delivery.AssessmentUnavailableError, match="no reassessment"):
        delivery.attempt_start(user=candidate, assessment=assessment)
    other, two = user_in(Role.LEARNER), assessment_make(slug="two", max_attempts=5)
    assign(two, other, attempts_allowed=1)
    _finish_with(delivery.attempt_start(user=other, assessment=two), passed=False)
    with pytest.raises(delivery.AssessmentUnavailableError, match="all 1 attempt"):
        delivery.attempt_start(user=other, assessment=two)


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.TRAINER, Role.ADMINISTRATOR])
def test_staff_preview_any_assessment_without_it_counting(client, small_bank, role):
    assessment = assessment_make()
    assign(assessment, user_in(Role.LEARNER), opens_in=24)  # not open, not theirs
    staff = user_in(role)
    client.force_login(staff)
    assert "preview" in client.get("/assess/").content.decode()
    assert "Preview" in client.get("/assess/asc-theory/").content.decode()
    response = client.post("/assess/asc-theory/")
    attempt = Attempt.objects.get(user=staff)
    assert response["Location"] == f"/assess/attempts/{attempt.pk}/"
    assert attempt.is_preview
    assert "does not count" in client.get(response["Location"]).content.decode()
    # Previews are not counted as attempts and are never graded or exposed.
    assert delivery.attempts_used(user=staff, assessment=assessment) == 0
    assessment.refresh_from_db()
    assert assessment.exposure_state == {}


def test_reassessment_only_after_the_days_to_wait(small_bank, candidate):
    assessment = assessment_make()
    assign(
        assessment, candidate, hours=24 * 60, attempts_allowed=3,
        reassessment=Reassessment.ANY, reassess_after_days=7,
    )  # fmt: skip
    first = delivery.attempt_start(user=candidate, assessment=assessment)
    _finish_with(first, passed=False)
    with pytest.raises(delivery.AssessmentUnavailableError, match="again from .* Asia/Kolkata"):
        delivery.attempt_start(user=candidate, assessment=assessment)
    assert Attempt.objects.count() == 1
    Attempt.objects.filter(pk=first.pk).update(finished_at=first.started_at - timedelta(days=8))
    assert delivery.attempt_start(user=candidate, assessment=assessment).number == 2
