"""The assessor's own assignment page: who may open it (not a learner, not a trainer, not a
visitor), which assessments and batches an assessor may assign (those they manage, batches of
the centres they assess), one window typed in each centre's own time, all batches or none, and
a second submit that re-times instead of adding."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role, user_assign_role
from adaptive.models import AssessmentAssignment
from lms.services import assessment_batches_assign
from lti.models import Batch, BatchMembership, TrainingCentre
from tests.adaptive.assessment_factories import assessment_make
from tests.question_bank.factories import user_in

pytestmark = pytest.mark.django_db

WINDOW = {
    "opens_at": "2027-01-10T09:00",
    "closes_at": "2027-01-10T12:00",
    "attempts_allowed": "2",
    "reassessment": "failed",
    "reassess_after_days": "3",
}


@pytest.fixture
def world():
    pune = TrainingCentre.objects.create(code="pune", name="Pune centre", time_zone="Asia/Kolkata")
    dubai = TrainingCentre.objects.create(code="dubai", name="Dubai centre", time_zone="Asia/Dubai")
    other = TrainingCentre.objects.create(code="agra", name="Agra centre", time_zone="Asia/Kolkata")
    assessor = user_in(Role.ASSESSOR, full_name="Anil Assessor")
    for centre in (pune, dubai):
        centre.assessors.add(assessor)
    batches = {
        name: Batch.objects.create(name=name, qualification_pack_code=qp, centre=centre)
        for name, centre, qp in (
            ("Pune morning", pune, "ASC/Q0202"),
            ("Dubai evening", dubai, "ASC/Q0202"),
            ("Agra batch", other, "ASC/Q0202"),
            ("Pune retail", pune, "RAS/Q0104"),
        )
    }
    trainer = user_in(Role.TRAINER)
    user_assign_role(user=trainer, role=Role.TRAINER)  # appointed here: opens the Wagtail admin
    BatchMembership.objects.create(
        batch=batches["Agra batch"], user=trainer, role=BatchMembership.Role.TRAINER
    )
    assessment = assessment_make(created_by=assessor)
    return {"assessor": assessor, "trainer": trainer, "assessment": assessment, **batches}


def _url(assessment) -> str:
    return reverse("lms_assessment_assign", args=[assessment.pk])


def _post(client, world, *names, **extra):
    data = {**WINDOW, "batches": [world[n].pk for n in names], **extra}
    return client.post(_url(world["assessment"]), data)


# Refusals first: nobody but an assessor (or administrator) reaches the form or writes.


def _refused(response) -> bool:
    """403, or Wagtail's refusal inside its admin: a redirect to the admin home or a login."""
    if response.status_code == 403:
        return True
    where = response.get("Location", "")
    return response.status_code == 302 and (
        where == "/admin/" or where.startswith(("/admin/login/", "/accounts/login/"))
    )


def test_a_logged_out_visitor_is_sent_to_log_in_and_nothing_is_assigned(client, world):
    response = _post(client, world, "Pune morning")
    assert response.status_code == 302 and "login" in response["Location"]
    assert _refused(client.get(_url(world["assessment"])))
    assert not AssessmentAssignment.objects.exists()


def test_a_learner_is_refused_and_nothing_is_assigned(client, world):
    client.force_login(user_in(Role.LEARNER))
    assert _refused(client.get(_url(world["assessment"])))
    assert _refused(_post(client, world, "Pune morning"))
    assert not AssessmentAssignment.objects.exists()


def test_a_trainer_of_another_centre_is_refused_and_nothing_is_assigned(client, world):
    client.force_login(world["trainer"])
    response = client.get(_url(world["assessment"]))
    # Staff without the right: a 403 that says who assigns (not a bare 404 or a redirect).
    assert response.status_code == 403
    body = response.content.decode()
    assert "Only assessors (for the centres they assess) and administrators assign" in body
    assert "Pune morning" not in body and world["assessment"].title not in body
    assert _refused(_post(client, world, "Agra batch"))
    assert not AssessmentAssignment.objects.exists()


def test_an_assessor_cannot_assign_an_assessment_they_do_not_manage(client, world):
    someone_elses = assessment_make(slug="other", created_by=user_in(Role.ASSESSOR))
    client.force_login(world["assessor"])
    assert client.get(_url(someone_elses)).status_code == 404
    response = client.post(_url(someone_elses), {**WINDOW, "batches": [world["Pune morning"].pk]})
    assert response.status_code == 404
    assert not AssessmentAssignment.objects.exists()


def test_an_assessor_is_offered_only_batches_of_their_centres_trained_for_the_qp(client, world):
    client.force_login(world["assessor"])
    page = client.get(_url(world["assessment"])).content.decode()
    assert "Pune morning" in page and "Dubai evening" in page
    assert "Agra batch" not in page  # a centre they do not assess
    assert "Pune retail" not in page  # another QP


def test_a_batch_of_a_centre_the_assessor_does_not_assess_is_refused_and_nothing_changes(
    client, world
):
    client.force_login(world["assessor"])
    response = _post(client, world, "Pune morning", "Agra batch")
    assert response.status_code == 200  # the form again, with its error
    assert "not one of the available choices" in response.content.decode()
    assert not AssessmentAssignment.objects.exists()


# What the assessor does.


def test_an_assessor_assigns_batches_in_two_zones_with_one_window_in_each_centres_time(
    client, world
):
    client.force_login(world["assessor"])
    response = _post(client, world, "Pune morning", "Dubai evening")
    assert response.status_code == 302
    rows = {a.batch.name: a for a in AssessmentAssignment.objects.select_related("batch")}
    assert set(rows) == {"Pune morning", "Dubai evening"}
    # 09:00 in Pune (UTC+5:30) is 03:30 UTC; 09:00 in Dubai (UTC+4) is 05:00 UTC.
    assert rows["Pune morning"].opens_at == datetime(2027, 1, 10, 3, 30, tzinfo=UTC)
    assert rows["Dubai evening"].opens_at == datetime(2027, 1, 10, 5, 0, tzinfo=UTC)
    pune = rows["Pune morning"]
    assert (pune.attempts_allowed, pune.reassessment, pune.reassess_after_days) == (2, "failed", 3)
    assert pune.created_by == world["assessor"]
    page = client.get(response["Location"]).content.decode()
    assert "assigned to Dubai evening, Pune morning" in page  # by centre, then name
    # Listed back in each centre's own time.
    assert page.count("10 Jan 2027 09:00") == 2 and "Asia/Dubai" in page


def test_a_double_submit_makes_one_assignment_and_says_the_window_was_updated(client, world):
    client.force_login(world["assessor"])
    _post(client, world, "Pune morning")
    response = _post(client, world, "Pune morning")
    assert AssessmentAssignment.objects.count() == 1
    assert "already had" in client.get(response["Location"]).content.decode()


def test_a_window_that_closes_before_it_opens_is_refused_for_every_batch(client, world):
    client.force_login(world["assessor"])
    response = _post(client, world, "Pune morning", "Dubai evening", closes_at="2027-01-10T08:00")
    assert response.status_code == 200
    assert "The window must close after it opens." in response.content.decode()
    assert not AssessmentAssignment.objects.exists()


def test_assigning_is_all_batches_or_none(world):
    """A batch trained for another QP stops the lot: the batches before it keep nothing."""
    with pytest.raises(ValidationError, match="Pune retail is trained for RAS/Q0104"):
        assessment_batches_assign(
            assessment=world["assessment"],
            batches=[world["Pune morning"], world["Pune retail"]],
            opens_at=datetime(2027, 1, 10, 9),
            closes_at=datetime(2027, 1, 10, 12),
            attempts_allowed=1,
            reassessment="failed",
        )
    assert not AssessmentAssignment.objects.exists()


def test_an_assessor_manages_an_assessment_already_assigned_at_a_centre_they_assess(client, world):
    """Assessments made before creators were recorded (or by an administrator) are managed by
    the assessors of the centres they are assigned at."""
    inherited = assessment_make(slug="inherited")
    AssessmentAssignment.objects.create(
        assessment=inherited,
        batch=world["Dubai evening"],
        opens_at=datetime(2027, 1, 1, tzinfo=UTC),
        closes_at=datetime(2027, 1, 2, tzinfo=UTC),
    )
    client.force_login(world["assessor"])
    assert client.get(_url(inherited)).status_code == 200


def test_the_dashboard_offers_assigning_only_for_assessments_the_assessor_manages(client, world):
    assessment_make(slug="not-mine", title="Not mine", created_by=user_in(Role.ASSESSOR))
    client.force_login(world["assessor"])
    page = client.get(reverse("dashboard")).content.decode()
    assert page.count("assign to batches") == 1
    assert _url(world["assessment"]) in page
