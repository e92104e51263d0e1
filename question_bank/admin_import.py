"""The admin page of an item import job: its progress while the task runs, then the report
(questions found, imported, skipped with title and line, not modelled, errors). The upload form
stays on ``items:import`` (``admin_items``), which starts the job (``interchange.jobs``).

The page works without JavaScript (it refreshes itself until the job ends); with it,
``item_import_job.js`` polls the status URL and moves the progress bar.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path
from wagtail import hooks

from accounts.permissions import permission_require

from .interchange.jobs import import_job_state

ADD = "question_bank.add_item"
IMPORT = "question_bank.import_item"
FINISHED = ("done", "failed")


def _job_or_404(request: HttpRequest, job_id: str) -> dict:
    permission_require(request, IMPORT, ADD)
    state = import_job_state(str(job_id))
    # Another curator's job is not found either: its report names their file and questions.
    if state is None or (state.get("owner") != request.user.pk and not request.user.is_superuser):
        raise Http404("No such import (reports are kept for a day)")
    return state


def _percent(state: dict) -> int:
    if state.get("status") in FINISHED:
        return 100
    total = state.get("total") or 0
    return int(100 * (state.get("done") or 0) / total) if total else 0


def import_job(request: HttpRequest, job_id) -> HttpResponse:
    state = _job_or_404(request, job_id)
    return render(
        request,
        "question_bank/items/import_job.html",
        {
            "job": state,
            "job_id": str(job_id),
            "percent": _percent(state),
            "finished": state.get("status") in FINISHED,
        },  # fmt: skip
    )


def import_job_status(request: HttpRequest, job_id) -> JsonResponse:
    state = _job_or_404(request, job_id)
    return JsonResponse({"status": state.get("status"), "done": state.get("done") or 0,
                         "total": state.get("total") or 0, "percent": _percent(state)})  # fmt: skip


urlpatterns = [
    path("<uuid:job_id>/", import_job, name="job"),
    path("<uuid:job_id>/status/", import_job_status, name="job_status"),
]


@hooks.register("register_admin_urls")
def register_import_job_urls():
    return [path("item-imports/", include((urlpatterns, "item_imports"), namespace="item_imports"))]
