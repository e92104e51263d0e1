"""The assessor's own assignment page (``/admin/assessment-assign/<pk>/``): an assessor assigns
an assessment they manage to batches of the centres they assess, with one window typed in each
centre's own time, attempts allowed and the reassessment rule. Thin: who may assign what to
which batch is ``lms.selectors``; the write is ``lms.services.assessment_batches_assign``, the
same rules as the batch page's (one assignment per assessment and batch, so a second submit
re-times it instead of adding one)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import Role, user_has_role
from adaptive.models import Assessment
from lms import services
from lms.admin_batches import AssignmentWindowForm
from lms.selectors import assessments_managed_by, batches_assessable_by
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


def _require_assessor(request: HttpRequest) -> None:
    if not (
        user_has_role(request.user, Role.ASSESSOR)
        or user_has_role(request.user, Role.ADMINISTRATOR)
    ):
        raise PermissionDenied


def assessment_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign ``pk`` to batches; the assessment's assignments the user may see are listed, each
    window in its centre's time zone."""
    _require_assessor(request)
    assessment: Assessment = get_object_or_404(assessments_managed_by(request.user), pk=pk)
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
