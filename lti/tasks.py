"""Celery tasks of the LTI tool. Lower layers enqueue ``lti.tasks.score_post`` by name, never
by import (see lti/README.md)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from .keys import tool_key_retire_expired
from .models import Batch, ScorePost
from .services import (
    ServicePermanentError,
    ServiceTemporaryError,
    batch_roster_sync,
    grade_publish,
    score_post_mark_failed,
    score_post_retry_schedule,
    score_post_send,
    score_posts_lost,
)

MAX_RETRIES = 6
SCORE_POST_LOST_MINUTES = 5  # a pending grade this far past its due time has lost its task


def backoff_seconds(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 2 min ... capped at an hour."""
    return min(30 * 2**retries, 3600)


@shared_task(bind=True, name="lti.tasks.score_post", max_retries=None, acks_late=True)
def score_post(self, score_post_id: int):
    """Send one queued score to its platform; retried with backoff on temporary failures.

    The number of tries is counted on the row, not by Celery, so a task re-enqueued by the
    outbox job (``score_posts_requeue``) after a worker died continues the same budget rather
    than starting a fresh one."""
    try:
        return score_post_send(score_post_id=score_post_id)
    except ServiceTemporaryError as exc:
        tries = ScorePost.objects.filter(pk=score_post_id).values_list("tries", flat=True).first()
        if tries is None or tries > MAX_RETRIES:
            score_post_mark_failed(
                score_post_id=score_post_id, error=f"gave up after {tries} tries: {exc}"
            )
            return False
        countdown = backoff_seconds(tries - 1)
        score_post_retry_schedule(score_post_id=score_post_id, countdown=countdown)
        # throw=False schedules the retry without raising Retry into an eager caller; Celery's
        # eager apply() runs the retry at once when the task returns the Retry (as in tests).
        retry = self.retry(exc=exc, countdown=countdown, throw=False)
        return retry if self.request.is_eager else False


@shared_task(name="lti.tasks.score_posts_requeue")
def score_posts_requeue() -> int:
    """Periodic (the outbox): enqueue again every grade whose task was lost (broker restarted,
    worker killed mid-send). Sending is idempotent, so a task that was merely late costs a
    no-op. Returns how many were enqueued."""
    lost = score_posts_lost(lost_after=timedelta(minutes=SCORE_POST_LOST_MINUTES))
    for pk in lost:
        score_post.delay(pk)
    return len(lost)


@shared_task(name="lti.tasks.attempt_grade_publish")
def attempt_grade_publish(
    *, user_id: int, assessment_key: str, score_given: float, score_maximum: float, attempt_key: str
) -> int:
    """Entry point for lower layers (adaptive): enqueue by name with JSON arguments."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    return len(
        grade_publish(
            user=user,
            resource_link_or_assessment_key=assessment_key,
            score_given=score_given,
            score_maximum=score_maximum,
            attempt_key=attempt_key,
        )
    )


@shared_task(name="lti.tasks.roster_sync")
def roster_sync(batch_id: int) -> dict:
    return batch_roster_sync(batch=Batch.objects.get(pk=batch_id))


@shared_task(name="lti.tasks.roster_sync_all")
def roster_sync_all() -> int:
    """Periodic: sync every batch that has a platform roster; one failure does not stop others."""
    synced = 0
    for batch_id in Batch.objects.exclude(context_memberships_url="").values_list("pk", flat=True):
        try:
            roster_sync(batch_id)
            synced += 1
        except (ServiceTemporaryError, ServicePermanentError):
            continue
    return synced


@shared_task(name="lti.tasks.tool_keys_retire")
def tool_keys_retire() -> int:
    """Periodic: stop publishing keys whose grace period after rotation is over."""
    return tool_key_retire_expired()


__all__ = [
    "attempt_grade_publish",
    "roster_sync",
    "roster_sync_all",
    "score_post",
    "score_posts_requeue",
    "tool_keys_retire",
]
