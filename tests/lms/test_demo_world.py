"""The demo world ``make demo`` builds: centres, batches with trainers, 300 candidates with
simulated results, a calibrated bank, statistics, assignments, and something on every demo
account's page. Built once per test module (it takes a few seconds)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from adaptive.models import (
    AssessmentAssignment,
    Attempt,
    CalibrationRun,
    Mode,
    NosMark,
    Response,
)
from lms.demo_world import N_CANDIDATES, demo_world_build
from lms.management.commands.demo_setup import Command as DemoSetup
from lti.models import Batch, BatchMembership, TrainingCentre
from question_bank.models import Item, ItemPurpose, ItemStatistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(asc_q0202):
    call_command("load_demo_bank", stdout=StringIO())
    call_command("load_demo_assessments", stdout=StringIO())
    DemoSetup(stdout=StringIO())._create_accounts()
    said: list[str] = []
    demo_world_build(say=said.append)
    return said


def test_the_demo_world_is_full_and_built_once(demo):
    assert TrainingCentre.objects.count() == 2 and Batch.objects.count() == 3
    learners = BatchMembership.objects.filter(role=BatchMembership.Role.LEARNER)
    assert learners.values("user").distinct().count() == N_CANDIDATES
    assert Attempt.objects.filter(finished_at__isnull=False, percent__isnull=False).count() > 300
    assert CalibrationRun.objects.get().status == CalibrationRun.Status.SUCCEEDED
    assert Item.objects.filter(discrimination__isnull=False).count() > 150
    assert ItemStatistics.objects.exclude(flags=[]).exists()
    assert AssessmentAssignment.objects.count() == 5 and NosMark.objects.exists()
    knowledge_checks = Response.objects.filter(mode=Mode.PRACTICE, attempt__isnull=True)
    assert knowledge_checks.values("user").distinct().count() == N_CANDIDATES
    assert not knowledge_checks.filter(item__purpose=ItemPurpose.SUMMATIVE).exists()
    assert any("calibration succeeded" in line for line in demo)
    again: list[str] = []
    demo_world_build(say=again.append)
    assert "kept as it is" in again[-1] and Batch.objects.count() == 3


def test_every_demo_account_lands_on_a_page_with_something_in_it(client, demo):
    expectations = {
        "trainer": ["Pune morning batch 2026-A", "Pune evening batch 2026-B"],
        "trainer2": ["Dubai weekend batch 2026-1"],
        "centre": ["Pune morning batch 2026-A"],
        "learner": ["adaptive theory test", "Asia/Kolkata"],
        "assessor": ["results", "preview", "assign to batches"],
        "curator": ["calibrated items", "flagged"],
        "admin": ["Dubai weekend batch 2026-1", "results"],
    }
    for username, texts in expectations.items():
        client.force_login(User.objects.get(username=username))
        page = client.get(reverse("dashboard")).content.decode()
        for text in texts:
            assert text in page, (username, text)
    client.force_login(User.objects.get(username="learner"))
    progress = client.get(reverse("my_mastery")).content.decode()
    practised = Response.objects.filter(user__username="learner", mode=Mode.PRACTICE).count()
    assert practised and f"{practised} knowledge-check answers" in progress
    client.force_login(User.objects.get(username="trainer2"))
    assert "Pune" not in client.get(reverse("trainer_batches")).content.decode()
    pune = Batch.objects.get(name="Pune morning batch 2026-A")
    assert client.get(reverse("batch_mastery", args=[pune.pk])).status_code == 404
