"""Wagtail admin for assessments: assessors create them (the form refuses a blueprint the bank
cannot meet, saying which PC or NOS is short) and read candidates' results."""

from __future__ import annotations

import csv

import numpy as np
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.permissions import permission_require
from adaptive.irt import BlueprintInfeasibleError, assemble_paper
from question_bank.api import qualification_pack_nos
from question_bank.models import NationalOccupationalStandard, QualificationPack

from .delivery import assessment_bank, assessment_blueprint, attempt_grade_resend
from .models import Assessment, Attempt, Delivery
from .papers import bank_build, blueprint_shortfalls, nos_coverage_gaps

RESULTS_PERMISSION = "adaptive.view_results"


class AssessmentForm(WagtailAdminModelForm):
    """Refuses a paper the bank cannot make, and one that would score a QP on a subset of its
    NOS (a NOS with theory marks and no question) unless the assessor scopes it to named NOS,
    and a pass mark left to a default the QP does not give."""

    qualification_pack_code = forms.ChoiceField(label="Qualification pack")
    scoped_nos = forms.MultipleChoiceField(
        label="Scope to these NOS only",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Leave empty for a result on the whole qualification (every NOS with theory marks "
            "must then have questions). Tick NOS to assess only those: results will say so."
        ),
    )

    class Meta:
        model = Assessment
        fields = [
            "title",
            "slug",
            "qualification_pack_code",
            "centre",
            "delivery",
            "length",
            "min_length",
            "se_target",
            "max_exposure",
            "max_overlap",
            "pass_percentage",
            "scoped_nos",
            "time_limit_minutes",
            "max_attempts",
            "is_active",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["qualification_pack_code"].choices = [
            (code, f"{code} {title}")
            for code, title in QualificationPack.objects.filter(is_current=True)
            .order_by("code")
            .values_list("code", "title")
        ]
        self.fields["scoped_nos"].choices = [
            (code, f"{code} {title}")
            for code, title in NationalOccupationalStandard.objects.filter(
                is_current=True, packs__is_current=True
            )
            .order_by("code")
            .values_list("code", "title")
            .distinct()
        ]

    def clean(self):
        data = super().clean()
        code, length = data.get("qualification_pack_code"), data.get("length")
        if not code or not length:
            return data
        min_length = data.get("min_length") or length
        if data.get("delivery") == Delivery.CAT and min_length > length:
            raise ValidationError("The shortest CAT cannot be longer than the longest.")
        for name in ("max_exposure", "max_overlap"):
            value = data.get(name)
            if value is not None and not 0 < value <= 1:
                self.add_error(name, "Give a share between 0 and 1, e.g. 0.2.")
        scoped = list(data.get("scoped_nos") or [])
        qp_nos = [n.code for n in qualification_pack_nos(code=code)]
        outside = [n for n in scoped if n not in qp_nos]
        if outside:
            self.add_error("scoped_nos", f"{', '.join(outside)} is not a NOS of {code}.")
            return data
        pack = QualificationPack.objects.filter(code=code, is_current=True).first()
        if data.get("pass_percentage") is None and (pack is None or pack.pass_percentage is None):
            self.add_error(
                "pass_percentage",
                f"{code} gives no pass percentage: enter the pass mark this assessment uses.",
            )
        bank = bank_build(qualification_pack_code=code, nos_codes=scoped or None)
        if not bank.items:
            raise ValidationError(f"{code} has no approved questions tagged to its theory PCs.")
        if scoped:
            uncovered = [n for n in scoped if n not in {p.nos_code for p in bank.items}]
            if uncovered:
                self.add_error("scoped_nos", f"No approved question covers {', '.join(uncovered)}.")
                return data
        else:
            gaps = nos_coverage_gaps(qualification_pack_code=code, bank=bank)
            if gaps:
                raise ValidationError(
                    f"This assessment would score {code} on {len(qp_nos) - len(gaps)} of its "
                    f"{len(qp_nos)} NOS: no approved question covers {', '.join(gaps)}, which "
                    "may carry theory marks. Add questions for them, or tick the NOS this "
                    'assessment covers under "Scope to these NOS only" (its results will say '
                    "that they are not a result for the whole qualification)."
                )
        blueprint = assessment_blueprint(
            Assessment(delivery=data.get("delivery"), length=length, min_length=min_length), bank
        )
        problems = blueprint_shortfalls(bank, blueprint)
        if not problems:
            try:
                assemble_paper(bank.irt, blueprint, rng=np.random.default_rng(0))
            except BlueprintInfeasibleError:
                problems = [
                    "no paper meets the questions per PC and per NOS together with the enemy "
                    "rules (some PCs have too few questions for their share of the marks)"
                ]
        if problems:
            raise ValidationError(
                "The bank cannot make this paper: " + "; ".join(problems[:5]) + "."
            )
        return data


class AssessmentViewSet(ModelViewSet):
    model = Assessment
    icon = "tasks"
    menu_label = "Assessments"
    menu_order = 275
    add_to_admin_menu = True
    list_display = [
        "title",
        TitleColumn(
            "slug",
            label="Results",
            get_url=lambda obj: reverse("assessment_results", args=[obj.pk]),
        ),
        "qualification_pack_code",
        "centre",
        "delivery",
        "is_active",
    ]
    list_filter = ["delivery", "is_active", "qualification_pack_code"]
    search_fields = ["title", "slug", "qualification_pack_code", "centre"]

    def get_form_class(self, for_update: bool = False):
        return AssessmentForm


assessment_viewset = AssessmentViewSet("assessments")


@hooks.register("register_admin_viewset")
def register_assessment_viewset():
    return assessment_viewset


def assessment_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Every attempt of an assessment with its scores; ``?format=csv`` downloads them."""
    permission_require(request, RESULTS_PERMISSION)
    assessment = get_object_or_404(Assessment, pk=pk)
    attempts = (
        Attempt.objects.filter(assessment=assessment)
        .select_related("user")
        .order_by("user__username", "number")
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{assessment.slug}-results.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["candidate", "name", "attempt", "started", "finished", "questions", "marks",
             "percent", "passed", "theta", "standard_error", "stop_reason", "overlap_cap"]
        )  # fmt: skip
        for a in attempts:
            writer.writerow(
                [a.user.username, a.user.get_full_name(), a.number, a.started_at.isoformat(),
                 a.finished_at.isoformat() if a.finished_at else "", a.max_score, a.raw_score,
                 a.percent, a.passed, a.theta, a.standard_error, a.stop_reason,
                 a.state.get("overlap_cap", "")]
            )  # fmt: skip
        return response
    return render(
        request,
        "adaptive/admin/results.html",
        {"assessment": assessment, "attempts": attempts, **_blueprint_summary(assessment)},
    )


def _blueprint_summary(assessment: Assessment) -> dict:
    """The blueprint the bank gives this assessment now: questions per NOS and per PC (bounds
    and questions available), and the PCs with theory marks that no question covers."""
    bank = assessment_bank(assessment)
    if not bank.items:
        return {"blueprint_rows": [], "unassessable_pcs": bank.unassessable_pcs}
    blueprint = assessment_blueprint(assessment, bank)
    rows = [
        {
            "name": c.name,
            "is_nos": " " not in c.name,  # NOS constraints are named by code, PCs "NOS PC"
            "minimum": int(c.minimum),
            "maximum": int(c.maximum),
            "available": len(c.items),
        }
        for c in blueprint.constraints
    ]
    return {"blueprint_rows": rows, "unassessable_pcs": bank.unassessable_pcs}


@require_POST
def attempt_grade_send_again(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(request, RESULTS_PERMISSION, "adaptive.change_assessment")
    attempt = get_object_or_404(Attempt, pk=pk, assessment__isnull=False)
    try:
        attempt_grade_resend(attempt)
        messages.success(request, f"The grade of attempt {attempt.number} was queued again.")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assessment_results", pk=attempt.assessment_id)


@hooks.register("register_admin_urls")
def register_results_urls():
    return [
        path("assessment-results/<int:pk>/", assessment_results, name="assessment_results"),
        path(
            "assessment-results/attempts/<int:pk>/grade/",
            attempt_grade_send_again,
            name="assessment_attempt_grade",
        ),
    ]
