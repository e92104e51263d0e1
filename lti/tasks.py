"""Celery tasks of the LTI tool. Lower layers enqueue ``lti.tasks.score_post`` by name, never
by import (see lti/README.md)."""

from __future__ import annotations

from celery import shared_task

from .keys import tool_key_retire_expired
from .models import Batch
from .services import (
    ServicePermanentError,
    ServiceTemporaryError,
    batch_roster_sync,
    grade_publish,
    score_post_mark_failed,
    score_post_send,
)

MAX_RETRIES = 6


def backoff_seconds(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 2 min ... capped at an hour."""
    return min(30 * 2**retries, 3600)


@shared_task(bind=True, name="lti.tasks.score_post", max_retries=MAX_RETRIES, acks_late=True)
def score_post(self, score_post_id: int):
    """Send one queued score to its platform; retried with backoff on temporary failures."""
    try:
        return score_post_send(score_post_id=score_post_id)
    except ServiceTemporaryError as exc:
        if self.request.retries >= self.max_retries:
            score_post_mark_failed(score_post_id=score_post_id, error=str(exc))
            return False
        # throw=False schedules the retry without raising Retry into an eager caller; Celery's
        # eager apply() runs the retry at once when the task returns the Retry (as in tests).
        retry = self.retry(exc=exc, countdown=backoff_seconds(self.request.retries), throw=False)
        return retry if self.request.is_eager else False


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
    "tool_keys_retire",
]
