"""The Celery beat job that finishes attempts whose time is up, whether or not the candidate's
browser is still there: it finishes exactly the overdue ones, with what was answered, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import Attempt
from adaptive.tasks import attempts_close_overdue
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assigned_start

pytestmark = pytest.mark.django_db


def test_overdue_attempts_are_finished_on_the_server_with_what_was_answered(small_bank):
    assessment = assessment_make(time_limit_minutes=30)
    gone, present = user_in(Role.LEARNER), user_in(Role.LEARNER)
    gone_attempt = assigned_start(user=gone, assessment=assessment)
    gone_attempt = delivery.attempt_answer(
        attempt=gone_attempt,
        user=gone,
        item_version_id=gone_attempt.current_item_version_id,
        answer="A",
    )
    present_attempt = assigned_start(user=present, assessment=assessment)
    Attempt.objects.filter(pk=gone_attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )

    assert attempts_close_overdue() == 1

    gone_attempt.refresh_from_db()
    present_attempt.refresh_from_db()
    assert gone_attempt.finished_at is not None
    assert gone_attempt.stop_reason == "time_limit"
    assert (gone_attempt.raw_score, gone_attempt.max_score) == (1.0, 4.0)
    assert present_attempt.finished_at is None
    # Run again (the next beat tick): nothing is finished twice.
    assert attempts_close_overdue() == 0


def test_the_overdue_job_is_scheduled_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["close-overdue-attempts"]
    assert entry["task"] == "adaptive.attempts_close_overdue"
    assert entry["schedule"] <= 60
