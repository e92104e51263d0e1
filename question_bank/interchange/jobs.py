"""Item imports from the admin page, run as a Celery task so that a large file does not hold the
request: the upload is kept in the default storage, the task imports it (the same
``items_import_file`` as ``manage.py import_items``, so the same report), and its progress and
report live in the cache under the job's id, where the page polls them.

With no broker configured (the embedded default) the task runs in-process, eagerly: the job is
finished when the upload request returns. Nothing is half-written: the import itself is one
transaction, and a failure leaves the bank as it was.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .common import ItemImportError

log = logging.getLogger(__name__)

JOB_SECONDS = 24 * 60 * 60
# How often the task writes its progress: every question would be a cache write each.
PROGRESS_EVERY = 25


def _key(job_id: str) -> str:
    return f"item-import-job:{job_id}"


def import_job_state(job_id: str) -> dict[str, Any] | None:
    """The job's state: ``status`` (queued, running, done, failed), ``done``/``total`` (the
    progress), ``report`` (as ``--json`` prints it) and ``owner`` (the user id)."""
    try:
        uuid.UUID(job_id)
    except ValueError:
        return None
    return cache.get(_key(job_id))


def _state_set(job_id: str, **changes: Any) -> None:
    state = cache.get(_key(job_id)) or {}
    state.update(changes)
    cache.set(_key(job_id), state, JOB_SECONDS)


def import_job_start(
    *,
    data: bytes,
    filename: str,
    qualification_pack_code: str,
    format: str,  # noqa: A002 - the word curators use
    dry_run: bool,
    keep_status: bool,
    user,
) -> str:
    """Keep the upload and queue its import; returns the job id."""
    from ..tasks import item_import_run

    job_id = str(uuid.uuid4())
    path = default_storage.save(f"item-imports/{job_id}/upload", ContentFile(data))
    _state_set(job_id, status="queued", done=0, total=0, report=None, filename=filename,
               qp=qualification_pack_code, dry_run=dry_run,
               owner=getattr(user, "pk", None))  # fmt: skip
    item_import_run.delay(
        job_id=job_id,
        path=path,
        filename=filename,
        qualification_pack_code=qualification_pack_code,
        format=format,
        dry_run=dry_run,
        keep_status=keep_status,
        user_id=getattr(user, "pk", None),
    )
    return job_id


def import_job_run(
    *,
    job_id: str,
    path: str,
    filename: str,
    qualification_pack_code: str,
    format: str,  # noqa: A002
    dry_run: bool,
    keep_status: bool,
    user=None,
) -> None:
    """The task's body: import the kept upload, recording progress and the report."""
    from . import items_import_file

    _state_set(job_id, status="running")

    def progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            _state_set(job_id, done=done, total=total)

    try:
        with default_storage.open(path, "rb") as upload:
            data = upload.read()
        result = items_import_file(
            data=data, qualification_pack_code=qualification_pack_code, format=format,
            filename=filename, user=user, keep_status=keep_status, dry_run=dry_run,
            progress=progress,
        )  # fmt: skip
    except ItemImportError as exc:
        report = {"questions_found": 0, "imported": 0, "skipped": [],
                  "errors": [p.as_dict() for p in exc.problems], "dry_run": dry_run}  # fmt: skip
        _state_set(job_id, status="failed", report=report)
    except Exception:
        log.exception("item import job %s failed", job_id)
        reason = "the import failed unexpectedly; nothing was written"
        report = {
            "questions_found": 0,
            "imported": 0,
            "skipped": [],
            "dry_run": dry_run,
            "errors": [{"question": "-", "line": 0, "file": filename, "reason": reason}],
        }
        _state_set(job_id, status="failed", report=report)
    else:
        _state_set(job_id, status="done", report=result.as_dict(), summary=str(result))
    finally:
        default_storage.delete(path)
