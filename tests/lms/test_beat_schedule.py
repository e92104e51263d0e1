"""Every periodic job in Celery beat's schedule names a task that workers really have."""

from __future__ import annotations

from django.conf import settings

from lms.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled >= {
        "adaptive.recalibration_due_start",
        "adaptive.item_statistics_compute_all",
        "lti.tasks.roster_sync_all",
        "lti.tasks.tool_keys_retire",
    }
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
