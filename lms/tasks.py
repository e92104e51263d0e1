"""Project-wide Celery tasks."""

from __future__ import annotations

from celery import shared_task
from django.db import connection


@shared_task(name="lms.ping")
def ping(payload: str = "pong") -> dict[str, str]:
    """Round-trip check for monitoring: a worker is alive and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"payload": payload, "database": connection.vendor}
