"""Wagtail admin pages for bank calibration: start a run, watch its progress, read the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse
from django.views.decorators.http import require_POST
from wagtail import hooks

from accounts.permissions import PermissionMenuItem, permission_require
from question_bank.models import QualificationPack

from .calibration import calibration_overview, calibration_run_start
from .models import CalibrationRun

VIEW_PERMISSION = "adaptive.view_calibrationrun"
RUN_PERMISSION = "adaptive.run_calibration"


def calibration_index(request: HttpRequest) -> HttpResponse:
    permission_require(request, VIEW_PERMISSION)
    packs = [
        {"pack": pack, **calibration_overview(qualification_pack_code=pack.code)}
        for pack in QualificationPack.objects.filter(is_current=True).order_by("code")
    ]
    return render(
        request,
        "adaptive/calibration/index.html",
        {
            "packs": packs,
            "can_run": request.user.has_perm(RUN_PERMISSION),
            "estimators": CalibrationRun.Estimator.choices,
        },
    )


@require_POST
def calibration_start(request: HttpRequest) -> HttpResponse:
    permission_require(request, RUN_PERMISSION)
    try:
        run = calibration_run_start(
            qualification_pack_code=request.POST.get("qualification_pack_code", ""),
            model=request.POST.get("model", "2pl"),
            calibration_mode=request.POST.get("calibration_mode", "anchored"),
            estimator=request.POST.get("estimator", CalibrationRun.Estimator.MAP),
            user=request.user,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("calibration:index")
    return redirect("calibration:run", pk=run.pk)


def calibration_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(request, VIEW_PERMISSION)
    run = get_object_or_404(CalibrationRun, pk=pk)
    return render(request, "adaptive/calibration/run.html", {"run": run})


def calibration_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    permission_require(request, VIEW_PERMISSION)
    run = get_object_or_404(CalibrationRun, pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "progress": run.progress,
            "stage": run.stage,
            "error": run.error,
            "finished": run.status
            in (CalibrationRun.Status.SUCCEEDED, CalibrationRun.Status.FAILED),
        }
    )


urlpatterns = [
    path("", calibration_index, name="index"),
    path("start/", calibration_start, name="start"),
    path("runs/<int:pk>/", calibration_run_detail, name="run"),
    path("runs/<int:pk>/status/", calibration_run_status, name="run_status"),
]


@hooks.register("register_admin_urls")
def register_calibration_urls():
    return [path("calibration/", include((urlpatterns, "calibration"), namespace="calibration"))]


@hooks.register("register_admin_menu_item")
def register_calibration_menu_item():
    return PermissionMenuItem(
        "Calibration",
        reverse("calibration:index"),
        icon_name="cogs",
        order=270,
        permission=VIEW_PERMISSION,
    )
