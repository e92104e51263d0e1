"""A learner sees and starts only the assessments given to them: assigned to a batch they are an
active learner in, or linked from their LMS course (a resource link whose target is the
assessment, in the course's batch). An assessment nobody assigned is not open to any learner who
guesses its slug, and the refusal is made by the server, not only hidden on the list."""

# ruff: noqa: F811  (fixtures imported from tests.adaptive are parameters here)
from __future__ import annotations

import pytest

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import Attempt
from lti.models import Batch, BatchMembership, LaunchTarget, PlatformRegistration, ResourceLink
from tests.adaptive.assessment_factories import (  # noqa: F401  (fixtures)
    approver,
    assessment_make,
    assign,
    candidate,
    small_bank,
)
from tests.question_bank.factories import asc_q0202, user_in  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _lms_course_linking(slug: str, *learners, active: bool = True) -> Batch:
    """An LMS course (a batch made by a launch) with a resource link to assessment ``slug``."""
    registration = PlatformRegistration.objects.create(
        name="Moodle",
        issuer="https://moodle.example",
        client_id="kaushal",
        auth_login_url="https://moodle.example/auth",
        auth_token_url="https://moodle.example/token",
        key_set_url="https://moodle.example/jwks",
    )
    batch = Batch.objects.create(name="Moodle course", registration=registration, context_id="c1")
    for learner in learners:
        BatchMembership.objects.create(batch=batch, user=learner, is_active=active)
    target = LaunchTarget.objects.create(target_type="assessment", target_key=slug)
    ResourceLink.objects.create(
        registration=registration,
        deployment_id="d1",
        resource_link_id="rl1",
        target=target,
        batch=batch,
    )
    return batch


def test_an_unassigned_assessment_is_neither_listed_nor_startable(client, small_bank, candidate):
    assessment_make(slug="nobodys", title="Nobody's assessment")
    client.force_login(candidate)
    assert "/assess/nobodys/" not in client.get("/assess/").content.decode()
    page = client.get("/assess/nobodys/").content.decode()
    assert "not assigned to you" in page and "Start the assessment" not in page
    refused = client.post("/assess/nobodys/", follow=True).content.decode()
    assert "not assigned to you" in refused
    assert not Attempt.objects.exists()


def test_the_server_refuses_an_unassigned_start_whatever_the_page(small_bank, candidate):
    assessment = assessment_make()
    with pytest.raises(delivery.AssessmentUnavailableError, match="not assigned to you"):
        delivery.attempt_start(user=candidate, assessment=assessment)
    assert not Attempt.objects.exists()


def test_a_learner_of_the_lms_course_linking_it_may_start(client, small_bank, candidate):
    assessment_make()
    _lms_course_linking("asc-theory", candidate)
    client.force_login(candidate)
    assert "/assess/asc-theory/" in client.get("/assess/").content.decode()
    location = client.post("/assess/asc-theory/")["Location"]
    assert location == f"/assess/attempts/{Attempt.objects.get(user=candidate).pk}/"


@pytest.mark.parametrize("who", ["outsider", "removed"])
def test_an_lms_link_opens_it_only_to_active_learners_of_that_course(small_bank, who):
    assessment = assessment_make()
    learner = user_in(Role.LEARNER)
    if who == "outsider":
        _lms_course_linking("asc-theory", user_in(Role.LEARNER))
    else:
        _lms_course_linking("asc-theory", learner, active=False)
    with pytest.raises(delivery.AssessmentUnavailableError, match="not assigned to you"):
        delivery.attempt_start(user=learner, assessment=assessment)


def test_an_lms_link_to_another_assessment_opens_nothing_else(small_bank, candidate):
    assessment = assessment_make()
    assessment_make(slug="other")
    _lms_course_linking("other", candidate)
    with pytest.raises(delivery.AssessmentUnavailableError, match="not assigned to you"):
        delivery.attempt_start(user=candidate, assessment=assessment)


def test_assigned_to_a_batch_of_theirs_the_learner_may_start(small_bank, candidate):
    assessment = assessment_make()
    assign(assessment, candidate)
    assert delivery.attempt_start(user=candidate, assessment=assessment).number == 1
