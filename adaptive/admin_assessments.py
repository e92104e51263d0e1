"""Wagtail admin for assessments: assessors create them (the form refuses a blueprint the bank
cannot meet, saying which PC or NOS is short) and read candidates' results."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.permissions import permission_require
from adaptive.irt import BlueprintInfeasibleError, assemble_paper
from question_bank.api import qualification_pack_nos
from question_bank.models import NationalOccupationalStandard, QualificationPack

from .delivery import assessment_bank, assessment_blueprint
from .exports import table_download
from .grades import grade_send_again
from .mastery import MASTERY_EXPLANATION
from .models import Assessment, Delivery, NosMark, ReviewAfter
from .papers import bank_build, blueprint_shortfalls, nos_coverage_gaps
from .results import assessment_results_table
from .selectors import (
    assessments_managed_by,
    assessments_with_results_for,
    attempts_with_results_for,
)
from .services import nos_marks_save

RESULTS_PERMISSION = "adaptive.view_results"


class AssessmentForm(WagtailAdminModelForm):
    """Refuses a paper the bank cannot make, and one that would score a QP on a subset of its
    NOS (a NOS with theory marks and no question) unless the assessor scopes it to named NOS,
    and a pass mark left to a default the QP does not give."""

    qualification_pack_code = forms.ChoiceField(label=gettext_lazy("Qualification pack"))
    scoped_nos = forms.MultipleChoiceField(
        label=gettext_lazy("Scope to these NOS only"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
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
            "review_after",
            "is_active",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_after"].required = False
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

    def save(self, commit: bool = True):
        # The creator manages the assessment (assigns it to batches from the assessor's page).
        if self.instance.pk is None and getattr(self.for_user, "pk", None):
            self.instance.created_by = self.for_user
        return super().save(commit=commit)

    def clean_review_after(self) -> str:
        # Optional in the form (scripts and older forms post none): blank keeps answers hidden.
        return self.cleaned_data.get("review_after") or ReviewAfter.NONE

    def clean(self):
        data = super().clean()
        code, length = data.get("qualification_pack_code"), data.get("length")
        if not code or not length:
            return data
        min_length = data.get("min_length") or length
        if data.get("delivery") == Delivery.CAT and min_length > length:
            raise ValidationError(_("The shortest CAT cannot be longer than the longest."))
        for name in ("max_exposure", "max_overlap"):
            value = data.get(name)
            if value is not None and not 0 < value <= 1:
                self.add_error(name, _("Give a share between 0 and 1, e.g. 0.2."))
        scoped = list(data.get("scoped_nos") or [])
        qp_nos = [n.code for n in qualification_pack_nos(code=code)]
        outside = [n for n in scoped if n not in qp_nos]
        if outside:
            self.add_error(
                "scoped_nos",
                _("%(nos)s is not a NOS of %(code)s.") % {"nos": ", ".join(outside), "code": code},
            )
            return data
        pack = QualificationPack.objects.filter(code=code, is_current=True).first()
        if data.get("pass_percentage") is None and (pack is None or pack.pass_percentage is None):
            self.add_error(
                "pass_percentage",
                _("%(code)s gives no pass percentage: enter the pass mark this assessment uses.")
                % {"code": code},
            )
        bank = bank_build(qualification_pack_code=code, nos_codes=scoped or None)
        if not bank.items:
            raise ValidationError(
                _("%(code)s has no approved questions tagged to its theory PCs.") % {"code": code}
            )
        if scoped:
            uncovered = [n for n in scoped if n not in {p.nos_code for p in bank.items}]
            if uncovered:
                self.add_error(
                    "scoped_nos",
                    _("No approved question covers %(nos)s.") % {"nos": ", ".join(uncovered)},
                )
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


class _AssessmentsInScope:
    """The viewset's pages list and open only the assessments the user may read
    (``assessments_with_results_for``): another centre's is a 404, as a missing one. Users
    without the model's rights are left to Wagtail's own refusal."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(  # type: ignore[misc]
                pk__in=assessments_with_results_for(self.request.user).values("pk")  # type: ignore[attr-defined]
            )
        )

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if (
            pk is not None
            and request.user.has_perm("adaptive.view_assessment")
            and not assessments_with_results_for(request.user).filter(pk=unquote(str(pk))).exists()
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _scoped(view_class: type) -> type:
    return type(f"Scoped{view_class.__name__}", (_AssessmentsInScope, view_class), {})


class AssessmentViewSet(ModelViewSet):
    model = Assessment
    index_view_class = _scoped(ModelViewSet.index_view_class)
    edit_view_class = _scoped(ModelViewSet.edit_view_class)
    copy_view_class = _scoped(ModelViewSet.copy_view_class)
    delete_view_class = _scoped(ModelViewSet.delete_view_class)
    history_view_class = _scoped(ModelViewSet.history_view_class)
    usage_view_class = _scoped(ModelViewSet.usage_view_class)
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
    """Every attempt of an assessment: names, time taken, marks and mastery per NOS, practical
    marks, the QP aggregate and pass decision; ``?format=csv|xlsx`` downloads them with rounded
    numbers and times in the centre's time zone."""
    permission_require(request, RESULTS_PERMISSION)
    # An assessment of centres the user does not assess is one they cannot know about: 404.
    assessment = get_object_or_404(assessments_with_results_for(request.user), pk=pk)
    table = assessment_results_table(assessment=assessment, viewer=request.user)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _results_export(assessment, table, fmt)
    # Each row's times are shown in its candidate's centre's zone (the template switches).
    return render(
        request,
        "adaptive/admin/results.html",
        {
            "assessment": assessment,
            "attempts": [r.attempt for r in table["rows"]],
            **table,
            "explanation": MASTERY_EXPLANATION,
            # The "Assign to batches" link only for those whose page it opens.
            "can_assign": assessments_managed_by(request.user).filter(pk=assessment.pk).exists(),
            **_blueprint_summary(assessment),
        },
    )


def _results_export(assessment: Assessment, table: dict, fmt: str) -> HttpResponse:
    label = table["single_time_zone"] or "candidate's centre time"
    header = ["candidate", "name", "attempt", f"started ({label})",
              f"finished ({label})", "time zone", "time taken", "questions", "marks",
              "theory percent", "passed theory", "theta", "standard_error"]  # fmt: skip
    for code in table["nos_codes"]:
        header += [f"{code} theory %", f"{code} practical", f"{code} viva"]
    header += ["QP aggregate %", "QP result", "stop_reason", "overlap_cap"]
    lines = []
    for row in table["rows"]:
        a = row.attempt
        zone_name = row.time_zone
        zone = ZoneInfo(zone_name)
        line = [
            a.user.username, row.name, a.number,
            timezone.localtime(a.started_at, zone).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(a.finished_at, zone).strftime("%Y-%m-%d %H:%M")
            if a.finished_at else "",
            zone_name, row.time_taken_text,
            None if a.max_score is None else round(a.max_score, 2),
            None if a.raw_score is None else round(a.raw_score, 2),
            None if a.percent is None else round(a.percent, 1),
            {True: "pass", False: "not yet", None: ""}[a.passed],
            None if a.theta is None else round(a.theta, 2),
            None if a.standard_error is None else round(a.standard_error, 2),
        ]  # fmt: skip
        for n in row.nos:
            line += [
                None if n.theory_percent is None else round(n.theory_percent, 1),
                n.practical,
                n.viva,
            ]
        line += [
            row.aggregate,
            {True: "pass", False: "not yet", None: ""}[row.passed],
            a.stop_reason,
            round(cap, 3) if isinstance(cap := a.state.get("overlap_cap", ""), float) else cap,
        ]
        lines.append(line)
    return table_download(
        name=f"{assessment.slug}-results", header=header, rows=lines, fmt=fmt, sheet_title="Results"
    )


class NosMarksForm(forms.Form):
    """Practical and viva marks per NOS for one candidate, each up to the NOS's maximum."""

    def __init__(self, *args, nos_rows: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for n in nos_rows:
            for kind in ("practical", "viva"):
                if n[kind] > 0:
                    self.fields[f"{kind}:{n['code']}"] = forms.DecimalField(
                        label=(
                            _("%(code)s practical (of %(maximum)s)")
                            if kind == "practical"
                            else _("%(code)s viva (of %(maximum)s)")
                        )
                        % {"code": n["code"], "maximum": f"{n[kind]:g}"},
                        required=False,
                        min_value=0,
                        max_value=n[kind],
                        decimal_places=2,
                    )


def _mark_shown(mark: Decimal | None) -> str | None:
    """A stored mark as an assessor wrote it: 39, not 39.00 (the column keeps two decimals)."""
    return None if mark is None else format(mark.normalize(), "f")


def assessment_nos_marks(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """The assessor enters a candidate's practical/viva marks per NOS."""
    permission_require(request, RESULTS_PERMISSION, "adaptive.change_assessment")
    assessment = get_object_or_404(assessments_with_results_for(request.user), pk=pk)
    # Another centre's candidate is one the assessor cannot know about: 404, as a missing one.
    attempt = (
        attempts_with_results_for(request.user, assessment=assessment)
        .filter(user_id=user_pk)
        .select_related("user")
        .first()
    )
    if attempt is None:
        raise Http404
    table = assessment_results_table(assessment=assessment, viewer=request.user)
    existing = {
        m.nos_code: m for m in NosMark.objects.filter(assessment=assessment, user_id=user_pk)
    }
    initial = {}
    for code, m in existing.items():
        initial[f"practical:{code}"], initial[f"viva:{code}"] = (
            _mark_shown(m.practical),
            _mark_shown(m.viva),
        )
    form = NosMarksForm(request.POST or None, nos_rows=table["nos_rows"], initial=initial)
    if request.method == "POST" and form.is_valid():
        nos_marks_save(
            assessment=assessment, user=attempt.user, marks=form.cleaned_data, by=request.user
        )
        messages.success(request, _("Practical marks of %(user)s saved.") % {"user": attempt.user})
        return redirect("assessment_results", pk=assessment.pk)
    return render(
        request,
        "adaptive/admin/nos_marks.html",
        {"assessment": assessment, "candidate": attempt.user, "form": form},
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
    """Send a grade again to its LMS links and say what happened to each."""
    permission_require(request, RESULTS_PERMISSION, "adaptive.change_assessment")
    attempt = get_object_or_404(
        attempts_with_results_for(request.user).select_related("user", "assessment"), pk=pk
    )
    if attempt.finished_at is None or attempt.percent is None:
        messages.error(request, _("Only finished attempts have a grade."))
        return redirect("assessment_results", pk=attempt.assessment_id)
    outcome = grade_send_again(attempt)
    if not outcome:
        messages.error(
            request,
            _("%(user)s did not reach this assessment from an LMS: no grade to send.")
            % {"user": attempt.user},
        )
    for link in outcome:
        text = _("Grade of %(user)s (attempt %(number)s) to %(where)s: %(status)s") % {
            "user": attempt.user,
            "number": attempt.number,
            "where": link.where,
            "status": link.status,
        }
        if link.queued_now:
            if link.error and link.status == "failed":
                messages.error(
                    request,
                    _("%(text)s: sent again and refused (%(error)s).")
                    % {"text": text, "error": link.error},
                )
            else:
                messages.success(request, _("%(text)s: queued again.") % {"text": text})
        elif link.status in ("pending", "sending"):
            # A second click while the grade is on its way queues nothing new.
            messages.info(
                request, _("%(text)s: already on its way, nothing new was queued.") % {"text": text}
            )
        elif link.status == "sent":
            messages.success(
                request, _("%(text)s: the LMS has it, nothing was sent again.") % {"text": text}
            )
        elif link.error:
            messages.error(request, f"{text} ({link.error}).")
        else:
            messages.success(request, f"{text}.")
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
        path(
            "assessment-results/<int:pk>/marks/<int:user_pk>/",
            assessment_nos_marks,
            name="assessment_nos_marks",
        ),
    ]
