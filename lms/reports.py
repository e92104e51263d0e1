"""Pages that combine the apps: trainers' mastery per NOS for their batches (heatmap, PC
drill-down, a learner's history, CSV/XLSX exports) and learners' own progress.

Thin: who sees which batch and the tables come from ``lms.selectors``; mastery from
``adaptive.mastery`` (one measure, explained with ``MASTERY_EXPLANATION`` on every page). A
trainer asking for a batch they do not train gets a 404, like a batch that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, user_has_role
from adaptive.exports import table_download
from adaptive.mastery import MASTERY_EXPLANATION, mastery_pass_mark, mastery_per_nos, pc_weakness
from lms import charts
from lms.selectors import BatchReport, batch_pack, batch_report, batches_visible_to, learner_history
from lti.models import Batch, BatchMembership
from question_bank.models import QualificationPack


def _require_trainer(request: HttpRequest) -> None:
    if not (
        user_has_role(request.user, Role.TRAINER) or user_has_role(request.user, Role.ADMINISTRATOR)
    ):
        raise PermissionDenied


def _visible_batch(request: HttpRequest, pk: int) -> Batch:
    _require_trainer(request)
    return get_object_or_404(batches_visible_to(request.user).select_related("centre"), pk=pk)


@login_required
def trainer_batches(request: HttpRequest) -> HttpResponse:
    _require_trainer(request)
    batches = (
        batches_visible_to(request.user).select_related("centre").order_by("centre__name", "name")
    )
    rows = [
        {
            "batch": batch,
            "learners": batch.memberships.filter(
                role=BatchMembership.Role.LEARNER, is_active=True
            ).count(),
            "trainers": ", ".join(
                str(m.user)
                for m in batch.memberships.filter(role=BatchMembership.Role.TRAINER)
                .select_related("user")
                .order_by("user__full_name")
            ),
        }
        for batch in batches
    ]
    return render(request, "lms/trainer_batches.html", {"rows": rows})


@login_required
def batch_mastery(request: HttpRequest, pk: int) -> HttpResponse:
    """The heatmap of a batch; ``?sort=<NOS code>|overall|name&desc=1``, ``?format=csv|xlsx``."""
    batch = _visible_batch(request, pk)
    sort = request.GET.get("sort", "name")
    descending = request.GET.get("desc") == "1"
    report = batch_report(batch=batch, sort=sort, descending=descending)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(report, export)
    return render(
        request,
        "lms/batch_mastery.html",
        {
            "report": report,
            "batch": batch,
            "pack": report.pack,
            "sort": sort,
            "descending": descending,
            "explanation": MASTERY_EXPLANATION,
            "columns": [
                (
                    col,
                    charts.histogram_svg(
                        col.bins,
                        report.pass_mark,
                        _("%(nos)s: learners per 10%% band") % {"nos": col.code},
                    ),
                )
                for col in report.columns
            ],
        },
    )


def _table(report: BatchReport) -> tuple[list[str], list[list]]:
    header = ["candidate", "name"]
    for col in report.columns:
        header += [f"{col.code} mastery %", f"{col.code} answers", f"{col.code} mastered"]
    header.append("mean %")
    body = []
    for row in report.rows:
        line: list = [row.user.username, row.name]  # type: ignore[attr-defined]
        for cell in row.cells:
            line += [
                None if cell.percent is None else round(cell.percent, 1),
                cell.answered,
                {True: "yes", False: "no", None: ""}[cell.mastered],
            ]
        line.append(None if row.overall is None else round(row.overall, 1))
        body.append(line)
    return header, body


def _export(report: BatchReport, fmt: str) -> HttpResponse:
    header, body = _table(report)
    return table_download(
        name=f"batch-{report.batch.pk}-mastery",
        header=header,
        rows=body,
        fmt=fmt,
        sheet_title="Mastery per NOS",
        preamble=(
            f"{report.batch.name} — pass mark {report.pass_mark:.0f}%",
            str(MASTERY_EXPLANATION),
        ),
    )


@login_required
def batch_nos(request: HttpRequest, pk: int, nos_code: str) -> HttpResponse:
    """Drill-down: the PCs of one NOS over the batch, weakest first."""
    batch = _visible_batch(request, pk)
    pack = batch_pack(batch)
    if pack is None or nos_code not in pack.nos.values_list("code", flat=True):
        raise Http404
    learners = list(
        batch.memberships.filter(role=BatchMembership.Role.LEARNER, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    nos = pack.nos.get(code=nos_code)
    return render(
        request,
        "lms/batch_nos.html",
        {
            "batch": batch,
            "pack": pack,
            "nos": nos,
            "pass_mark": mastery_pass_mark(pack),
            "pcs": pc_weakness(user_ids=learners, qualification_pack=pack, nos_code=nos_code),
            "explanation": MASTERY_EXPLANATION,
        },
    )


def _progress_context(user, pack: QualificationPack) -> dict:
    cells = mastery_per_nos(user_ids=[user.pk], qualification_pack=pack)[user.pk]
    history = learner_history(user=user, qualification_pack_code=pack.code)
    pass_mark = mastery_pass_mark(pack)
    points = [(a.finished_at, a.percent or 0.0, bool(a.passed)) for a in history["attempts"]]
    return {
        "pack": pack,
        "cells": cells,
        "pass_mark": pass_mark,
        "attempts": history["attempts"],
        "practice_answers": sum(c.practice_answered for c in cells),
        "summative_answers": sum(c.summative_answered for c in cells),
        "history_chart": charts.history_svg(points, pass_mark, _("Assessment results over time")),
    }


@login_required
def batch_learner(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """One learner of a visible batch: mastery per NOS and their history over time."""
    batch = _visible_batch(request, pk)
    membership = get_object_or_404(
        batch.memberships.select_related("user"),
        user_id=user_pk,
        role=BatchMembership.Role.LEARNER,
        is_active=True,  # a learner removed from the batch is no longer the trainer's to read
    )
    pack = batch_pack(batch)
    if pack is None:
        raise Http404
    return render(
        request,
        "lms/batch_learner.html",
        {
            "batch": batch,
            "learner": membership.user,
            "explanation": MASTERY_EXPLANATION,
            **_progress_context(membership.user, pack),
        },
    )


@login_required
def my_mastery(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    codes = set(
        Batch.objects.filter(memberships__user=user).values_list(
            "qualification_pack_code", flat=True
        )
    ) | set(user.attempts.values_list("qualification_pack_code", flat=True))
    # Knowledge checks are recorded without an attempt or a QP: their items' NOS name the QPs.
    practised = user.responses.filter(item__nos__isnull=False).values("item__nos_id")
    packs = (
        QualificationPack.objects.filter(is_current=True)
        .filter(Q(code__in=codes - {""}) | Q(nos__in=practised))
        .distinct()
        .order_by("code")
    )
    sections = [_progress_context(user, pack) for pack in packs]
    return render(
        request,
        "lms/my_mastery.html",
        {"sections": sections, "explanation": MASTERY_EXPLANATION},
    )
