"""Celery tasks of the question bank: the admin page's item import (``interchange.jobs``)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from .interchange.jobs import import_job_run


@shared_task(name="question_bank.item_import_run")
def item_import_run(*, job_id: str, user_id: int | None, **kwargs) -> None:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    import_job_run(job_id=job_id, user=user, **kwargs)
