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


def _dashboard(client, username: str) -> str:
    client.force_login(User.objects.get(username=username))
    return client.get(reverse("dashboard")).content.decode()


def test_the_dashboards_show_how_things_stand(client, demo):
    """Each role's dashboard carries the figures of its work, computed from the database: a
    learner's standing per assessment and mastery per NOS, a trainer's batches with pass
    rates, an assessor's candidates, a curator's bank by status (with the demo's drafts)."""
    learner = User.objects.get(username="learner")
    page = _dashboard(client, "learner")
    assert "Your mastery per NOS (ASC/Q0202)" in page and "glance-fill" in page
    latest = {}
    for attempt in Attempt.objects.filter(user=learner, is_preview=False).order_by("number"):
        latest[attempt.assessment_id] = attempt
    assert latest, "the demo learner has sat an assessment"
    for attempt in latest.values():
        if attempt.finished_at is None:
            assert reverse("adaptive:attempt", args=[attempt.pk]) in page
        else:
            assert reverse("adaptive:attempt_result", args=[attempt.pk]) in page
            assert f"<strong>{attempt.percent:.0f}%</strong>" in page
    assigned = AssessmentAssignment.objects.filter(batch__memberships__user=learner)
    if assigned.exclude(assessment__in=latest).exists():
        assert "not started" in page

    page = _dashboard(client, "trainer")
    morning = Batch.objects.get(name="Pune morning batch 2026-A")
    learners = morning.memberships.filter(role=BatchMembership.Role.LEARNER, is_active=True)
    sat = (
        Attempt.objects.filter(
            user__in=learners.values("user"),
            finished_at__isnull=False,
            is_preview=False,
            assessment__isnull=False,
        )
        .values("user")
        .distinct()
        .count()
    )
    assert sat > 0
    assert f"<dt>Learners</dt><dd>{learners.count()}</dd>" in page
    assert f"<dt>Sat an assessment</dt><dd>{sat}</dd>" in page
    assert "Dubai weekend batch 2026-1" not in page  # trainer2's batch

    page = _dashboard(client, "assessor")
    for assessment in AssessmentAssignment.objects.values_list("assessment", flat=True).distinct():
        done = (
            Attempt.objects.filter(
                assessment=assessment, finished_at__isnull=False, is_preview=False
            )
            .values("user")
            .distinct()
            .count()
        )
        assert f"<dt>Finished</dt><dd>{done}</dd>" in page

    page = _dashboard(client, "curator")
    assert '<a href="/admin/items/?to_be_tagged=on">5</a>' in page
    assert '<a href="/admin/items/?status=submitted">3</a>' in page


def test_the_dashboard_costs_the_same_queries_whatever_the_size(client, demo):
    """The administrator's dashboard (every section) costs the same number of queries with one
    more batch and one more assessment: counts are aggregated in the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from adaptive.models import Assessment

    client.force_login(User.objects.get(username="admin"))
    client.get(reverse("dashboard"))  # warms the caches (framing platforms, session) first
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("dashboard")).status_code == 200
    extra = Batch.objects.create(
        name="Extra batch",
        qualification_pack_code="ASC/Q0202",
        centre=TrainingCentre.objects.first(),
    )
    BatchMembership.objects.create(batch=extra, user=User.objects.get(username="learner"))
    copy = Assessment.objects.order_by("pk").first()
    copy.pk, copy.slug, copy.title = None, "extra-assessment", "Extra assessment"
    copy.save()
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("dashboard")).content.decode()
    assert "Extra batch" in page and "Extra assessment" in page
    assert len(after) == len(before), [q["sql"][:80] for q in after.captured_queries]
