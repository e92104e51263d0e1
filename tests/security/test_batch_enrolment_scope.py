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
