"""The assessor's own assignment page (``/admin/assessment-assign/<pk>/``): an assessor assigns
an assessment they manage to batches of the centres they assess, with one window typed in each
centre's own time, attempts allowed and the reassessment rule. Thin: who may assign what to
which batch is ``lms.selectors``; the write is ``lms.services.assessment_batches_assign``, the
same rules as the batch page's (one assignment per assessment and batch, so a second submit
re-times it instead of adding one).

Refusals: staff who do not assign at all (curators, editors, trainers), and an assessor or
administrator on an assessment they can read but not assign (it is closed), get a 403 page that
says why; an assessment they cannot read (another centre's, or no such id) is a 404, so nobody
learns from the answer which assessment ids exist elsewhere. The link to this page is shown
only where it opens (``adaptive.selectors.assessments_managed_by``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Role, user_has_role
from adaptive.models import Assessment
from lms import services
from lms.admin_batches import AssignmentWindowForm
from lms.selectors import (
    assessments_managed_by,
    assessments_with_results_for,
    batches_assessable_by,
)
from lti.models import Batch


class BatchChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Batch) -> str:
        where = f"{obj.centre} ({obj.time_zone})" if obj.centre else f"no centre ({obj.time_zone})"
        return f"{obj.name} · {where}"


class AssessorAssignForm(AssignmentWindowForm):
    """One window for the ticked batches; each batch reads the times in its centre's zone."""

    batches = BatchChoiceField(
        Batch.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Batches",
        help_text="Batches of the centres you assess, trained for this assessment's QP.",
    )
    field_order = ["batches"]

    def __init__(self, *args, batches, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batches"].queryset = batches


def _refused(request: HttpRequest, reason: str, assessment=None) -> HttpResponse:
    context = {"reason": reason, "assessment": assessment}
    return render(request, "lms/admin/assign_refused.html", context, status=403)


def assessment_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign ``pk`` to batches; the assessment's assignments the user may see are listed, each
    window in its centre's time zone."""
    if not (
        user_has_role(request.user, Role.ASSESSOR)
        or user_has_role(request.user, Role.ADMINISTRATOR)
    ):
        return _refused(
            request,
            _(
                "Only assessors (for the centres they assess) and administrators assign "
                "assessments to batches."
            ),
        )
    readable: Assessment = get_object_or_404(assessments_with_results_for(request.user), pk=pk)
    managed = assessments_managed_by(request.user).filter(pk=pk).first()
    if managed is None:
        if not readable.is_active:
            reason = _("%(title)s is closed: make it active again before assigning it.")
        else:
            reason = _(
                "You do not manage %(title)s: an assessor assigns the assessments they created "
                "and those assigned at a centre they assess."
            )
        return _refused(request, reason % {"title": readable.title}, readable)
    assessment = managed
    batches = (
        batches_assessable_by(request.user, assessment=assessment)
        .select_related("centre")
        .order_by("centre__name", "name")
    )
    form = AssessorAssignForm(request.POST or None, batches=batches)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = list(data.pop("batches"))
        try:
            result = services.assessment_batches_assign(
                assessment=assessment, batches=chosen, user=request.user, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if result.created:
                names = ", ".join(a.batch.name for a in result.created)
                messages.success(request, f"{assessment.title} assigned to {names}.")
            if result.retimed:
                names = ", ".join(a.batch.name for a in result.retimed)
                messages.success(
                    request, f"{names} already had {assessment.title}: its window was updated."
                )
            return redirect("lms_assessment_assign", pk=assessment.pk)
    assignments = (
        assessment.assignments.filter(batch__in=batches_assessable_by(request.user))
        .select_related("batch__centre")
        .order_by("batch__centre__name", "batch__name")
    )
    return render(
        request,
        "lms/admin/assessment_assign.html",
        {"assessment": assessment, "form": form, "assignments": assignments},
    )
