"""A trainer finds and enrols only learners of their own centres' batches, or learners in no
batch yet: the learner search, the enrol lines, the ticked boxes and the roster CSV must not
reach another centre's learner. (Enrolled, that learner's mastery and history would be the
trainer's to read on the batch pages; found, their name and email already leak.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from lti.models import Batch, BatchMembership, TrainingCentre
from tests.question_bank.factories import asc_q0202, user_in  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def centres():
    pune = TrainingCentre.objects.create(code="pune", name="Pune centre")
    nagpur = TrainingCentre.objects.create(code="nagpur", name="Nagpur centre")
    trainer = user_in(Role.TRAINER, full_name="Tarun Trainer")
    mine = Batch.objects.create(name="Pune 1", qualification_pack_code="ASC/Q0202", centre=pune)
    BatchMembership.objects.create(batch=mine, user=trainer, role=BatchMembership.Role.TRAINER)
    theirs = Batch.objects.create(
        name="Nagpur 9", qualification_pack_code="ASC/Q0202", centre=nagpur
    )
    other = user_in(Role.LEARNER, full_name="Zorawar Elsewhere", username="zorawar",
                    email="zorawar@nagpur.example")  # fmt: skip
    BatchMembership.objects.create(batch=theirs, user=other)
    fresh = user_in(Role.LEARNER, full_name="Zara Unbatched", username="zara")
    return {"trainer": trainer, "mine": mine, "other": other, "fresh": fresh}


def _edit(centres) -> str:
    return reverse("lms_batch_edit", args=[centres["mine"].pk])


def _enrolled(centres, user) -> bool:
    return BatchMembership.objects.filter(batch=centres["mine"], user=user, is_active=True).exists()


def test_the_learner_search_finds_no_learner_of_another_centre(client, centres):
    client.force_login(centres["trainer"])
    assert "Zara Unbatched" in client.get(_edit(centres), {"q": "Zara"}).content.decode()
    page = "".join(
        client.get(_edit(centres), {"q": q}).content.decode() for q in ("Zo", "zorawar", "nagpur")
    )
    assert "Zorawar Elsewhere" not in page and "zorawar@nagpur.example" not in page


@pytest.mark.parametrize("line", ["zorawar", "zorawar@nagpur.example", "Zorawar Elsewhere"])
def test_enrol_lines_do_not_reach_a_learner_of_another_centre(client, centres, line):
    client.force_login(centres["trainer"])
    page = client.post(_edit(centres), {"action": "enrol", "lines": line}, follow=True)
    assert not _enrolled(centres, centres["other"])
    # The same answer as for a name nobody has: the page tells nothing of the other learner.
    assert f"No learner is called “{line}”." in page.content.decode()


def test_a_ticked_learner_of_another_centre_is_not_enrolled(client, centres):
    client.force_login(centres["trainer"])
    client.post(
        _edit(centres),
        {"action": "enrol", "lines": "", "learner": [centres["other"].pk, centres["fresh"].pk]},
    )
    assert not _enrolled(centres, centres["other"])
    assert _enrolled(centres, centres["fresh"])


def test_a_roster_row_of_another_centres_learner_enrols_nobody(client, centres):
    client.force_login(centres["trainer"])
    roster = SimpleUploadedFile(
        "roster.csv", b"username,full_name\nzorawar,Zorawar Elsewhere\nzara,Zara Unbatched\n"
    )
    page = client.post(_edit(centres), {"action": "enrol", "roster": roster}, follow=True)
    assert not _enrolled(centres, centres["other"]) and not _enrolled(centres, centres["fresh"])
    assert "line 2" in page.content.decode()


def test_a_learner_of_the_trainers_own_batch_can_join_another_of_their_batches(client, centres):
    second = Batch.objects.create(name="Pune 2", qualification_pack_code="ASC/Q0202")
    BatchMembership.objects.create(
        batch=second, user=centres["trainer"], role=BatchMembership.Role.TRAINER
    )
    BatchMembership.objects.create(batch=second, user=centres["other"])
    client.force_login(centres["trainer"])
    client.post(_edit(centres), {"action": "enrol", "lines": "zorawar"})
    assert _enrolled(centres, centres["other"])


def test_an_administrator_enrols_any_learner(client, centres):
    client.force_login(user_in(Role.ADMINISTRATOR))
    client.post(_edit(centres), {"action": "enrol", "lines": "zorawar"})
    assert _enrolled(centres, centres["other"])


def test_a_learner_removed_from_the_batch_is_no_longer_the_trainers_to_read(
    client,
    centres,
    asc_q0202,  # noqa: F811
):
    """Removing a learner ends the trainer's view of them: their page is a 404 like any other."""
    learner = centres["fresh"]
    BatchMembership.objects.create(batch=centres["mine"], user=learner)
    client.force_login(centres["trainer"])
    url = reverse("batch_learner", args=[centres["mine"].pk, learner.pk])
    assert client.get(url).status_code == 200
    client.post(_edit(centres), {"action": "remove", "member": [learner.pk]})
    assert client.get(url).status_code == 404


# Where a trainer may open or move a batch (lms.selectors.centres_for_batches_of).


def _batch_post(centre, **extra) -> dict:
    return {"name": "New batch", "centre": centre.pk, "qualification_pack_code": "ASC/Q0202",
            **extra}  # fmt: skip


@pytest.mark.usefixtures("asc_q0202")
def test_a_trainer_opens_batches_only_at_centres_of_theirs(client, centres):
    """Offered: Pune (where they train) and Agra (whose staff lists them); not Nagpur. A posted
    Nagpur is refused and nothing is created."""
    agra = TrainingCentre.objects.create(code="agra", name="Agra centre")
    agra.trainers.add(centres["trainer"])
    nagpur = TrainingCentre.objects.get(code="nagpur")
    client.force_login(centres["trainer"])
    form = client.get(reverse("lms_batch_create")).content.decode()
    assert "Pune centre" in form and "Agra centre" in form and "Nagpur centre" not in form
    before = Batch.objects.count()
    page = client.post(
        reverse("lms_batch_create"), _batch_post(nagpur, trainer=centres["trainer"].pk)
    )
    assert page.status_code == 200 and "not one of the available choices" in page.content.decode()
    assert Batch.objects.count() == before
    created = client.post(
        reverse("lms_batch_create"), _batch_post(agra, trainer=centres["trainer"].pk)
    )
    assert created.status_code == 302
    assert Batch.objects.get(name="New batch").centre == agra


@pytest.mark.usefixtures("asc_q0202")
def test_a_trainer_cannot_move_their_batch_to_another_centre(client, centres):
    nagpur = TrainingCentre.objects.get(code="nagpur")
    client.force_login(centres["trainer"])
    data = {**_batch_post(nagpur, trainer=centres["trainer"].pk), "action": "save"}
    client.post(_edit(centres), data)
    centres["mine"].refresh_from_db()
    assert centres["mine"].centre.code == "pune"


def test_the_service_refuses_a_centre_the_trainer_is_not_on_the_staff_of(centres):
    """The rule is the service's, not only the form's (a script or another view cannot skip
    it)."""
    from django.core.exceptions import ValidationError

    from lms.services import batch_save

    with pytest.raises(ValidationError, match="only at the centres whose staff you are on"):
        batch_save(
            batch=None, name="Sneaky", centre=TrainingCentre.objects.get(code="nagpur"),
            qualification_pack_code="ASC/Q0202", starts_on=None, ends_on=None,
            trainer=centres["trainer"], by=centres["trainer"],
        )  # fmt: skip
    assert not Batch.objects.filter(name="Sneaky").exists()


def test_a_trainer_cannot_open_or_enrol_into_another_trainers_batch(client, centres):
    theirs = Batch.objects.get(name="Nagpur 9")
    client.force_login(centres["trainer"])
    url = reverse("lms_batch_edit", args=[theirs.pk])
    assert client.get(url).status_code == 404
    fresh = centres["fresh"]
    assert client.post(url, {"action": "enrol", "lines": "zara"}).status_code == 404
    assert not BatchMembership.objects.filter(batch=theirs, user=fresh).exists()
    assert client.post(url, {"action": "remove", "member": centres["other"].pk}).status_code == 404
    assert BatchMembership.objects.get(batch=theirs, user=centres["other"]).is_active


def test_the_migration_puts_todays_trainers_on_their_centres_staff(centres):
    """lti/migrations/0008: a trainer who trains a batch at a centre is on its staff after the
    upgrade (and only there), so nobody loses a centre they work at; running it twice adds
    nothing."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("lti.migrations.0008_training_centre_trainers")
    migration.trainers_of_existing_batches(apps, None)
    migration.trainers_of_existing_batches(apps, None)
    trainer = centres["trainer"]
    assert list(trainer.training_centres.values_list("code", flat=True)) == ["pune"]
    assert TrainingCentre.trainers.through.objects.count() == 1
