"""Celery really runs tasks through the configured broker (Redis in CI), not only eagerly."""

from __future__ import annotations

import os

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from lms.celery import app as project_app
from lms.tasks import ping


@pytest.mark.django_db
def test_in_tests_tasks_run_in_process():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert ping.delay("hello").get(timeout=5)["payload"] == "hello"


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_task_sent_through_the_broker():
    broker = os.environ.get("CELERY_BROKER_URL") or "memory://"
    backend = os.environ.get("CELERY_RESULT_BACKEND") or (
        broker if broker.startswith("redis://") else "cache+memory://"
    )
    app = Celery("kaushal-broker-test", broker=broker, backend=backend, set_as_current=False)
    app.conf.update(task_always_eager=False, worker_hijack_root_logger=False)
    app.task(name="lms.ping")(ping.run)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = app.send_task("lms.ping", args=["through the broker"])
            outcome = result.get(timeout=20)
    finally:
        # start_worker makes its app the current and default one; later tests in this process
        # must get the project's (eager) app back, or their tasks would wait in a queue.
        project_app.set_current()
        project_app.set_default()
    assert outcome["payload"] == "through the broker"
    assert outcome["database"] == connection.vendor
