# ruff: noqa: F811  (pytest fixtures are imported from tests.question_bank.factories)
"""The admin page's import runs as a task (in-process here, as in the embedded default): the
upload redirects to the job's page, which shows progress and then the CLI's report; a dry run
writes nothing; a failure writes nothing; one curator cannot read another's report."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from question_bank.interchange import jobs
from question_bank.models import Item

from .factories import asc_q0202, curator, second_curator, user_in  # noqa: F401

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
pytestmark = pytest.mark.django_db


def _upload(client, name: str, *, dry_run: bool = False, data: bytes | None = None):
    payload = data if data is not None else (DATA / "gift" / name).read_bytes()
    form = {"qp": "ASC/Q0202", "file": SimpleUploadedFile(name, payload)}
    if dry_run:
        form["dry_run"] = "on"
    return client.post(reverse("items:import"), form)


def test_upload_runs_the_import_as_a_job_and_shows_the_clis_report(client, asc_q0202, curator):
    client.force_login(curator)
    response = _upload(client, "moodle_questions.gift.txt")
    assert response.status_code == 302
    job_url = response["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    state = jobs.import_job_state(job_id)
    assert state["status"] == "done" and state["done"] == state["total"] > 0
    page = client.get(job_url)
    html = page.content.decode()
    report = state["report"]
    assert report["questions_found"] == report["imported"] == 9 and Item.objects.exists()
    assert 'data-report="questions_found">9<' in html and 'data-report="imported">9<' in html
    assert "<progress" not in html and 'http-equiv="refresh"' not in html
    status = client.get(reverse("item_imports:job_status", args=[job_id])).json()
    assert status == {"status": "done", "done": state["total"], "total": state["total"],
                      "percent": 100}  # fmt: skip


def test_skipped_questions_are_listed_with_title_and_line(client, asc_q0202, curator):
    client.force_login(curator)
    data = b"::Good::Two plus two is {=four ~five}\n\n::Bad grade::Pick {~%33%a ~%67%b}\n"
    page = client.get(_upload(client, "mixed.gift", data=data)["Location"])
    html = page.content.decode()
    assert "Bad grade" in html and "line 3" in html and "Moodle" in html
    assert 'data-report="skipped">1<' in html and Item.objects.count() == 1


def test_dry_run_checkbox_reports_and_writes_nothing(client, asc_q0202, curator):
    client.force_login(curator)
    page = client.get(_upload(client, "moodle_questions.gift.txt", dry_run=True)["Location"])
    assert b"a dry run: nothing is written" in page.content
    assert b'data-report="imported">9<' in page.content
    assert not Item.objects.exists()


def test_a_file_that_cannot_be_read_changes_nothing(client, asc_q0202, curator):
    client.force_login(curator)
    page = client.get(
        _upload(client, "latin.gift", data="::a::Café?{T}".encode("latin-1"))["Location"]
    )
    assert b"Nothing was imported" in page.content and b"not UTF-8" in page.content
    assert Item.objects.count() == 0


def test_a_failure_while_writing_leaves_nothing_half_written(
    client, asc_q0202, curator, monkeypatch
):
    from question_bank.interchange import common

    real, calls = common.item_create, []

    def failing(**kw):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kw)

    monkeypatch.setattr(common, "item_create", failing)
    client.force_login(curator)
    page = client.get(_upload(client, "moodle_questions.gift.txt")["Location"])
    assert len(calls) == 3 and Item.objects.count() == 0
    assert b"failed unexpectedly; nothing was written" in page.content


def test_a_running_job_shows_a_progress_bar_that_works_without_javascript(client, curator):
    job_id = "00000000-0000-4000-8000-000000000001"
    jobs._state_set(
        job_id, status="running", done=30, total=120, report=None,
        filename="big.xml", qp="ASC/Q0202", dry_run=False, owner=curator.pk,
    )  # fmt: skip
    client.force_login(curator)
    html = client.get(reverse("item_imports:job", args=[job_id])).content.decode()
    assert '<progress id="import-progress-bar" max="100" value="25">' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "item_import_job.js" in html and "30 of 120 steps (25%)" in html


def test_another_users_job_is_not_found(client, asc_q0202, curator, second_curator):
    client.force_login(curator)
    job_url = _upload(client, "moodle_questions.gift.txt")["Location"]
    client.force_login(second_curator)
    assert client.get(job_url).status_code == 404
    client.force_login(user_in(Role.LEARNER))
    assert client.get(job_url).status_code in (302, 403)


def test_a_file_over_the_size_limit_is_refused_before_any_job(
    client, asc_q0202, curator, monkeypatch
):
    """Uploads are kept and parsed in memory: an oversized one is refused with a message."""
    from question_bank.items import forms

    monkeypatch.setattr(forms, "MAX_ITEM_FILE_BYTES", 1000)
    client.force_login(curator)
    response = _upload(client, "big.gift", data=b"::Q::Two plus two is {=four ~five}\n" * 40)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not Item.objects.exists()
