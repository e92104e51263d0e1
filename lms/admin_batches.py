"""Wagtail admin pages for batches (``/admin/batches/``): trainers, centre administrators and
administrators create batches (a centre, a QP, dates, a trainer), enrol learners (search by
name, bulk add, a roster CSV) and assign assessments with their windows, entered and shown in the
centre's time zone. Thin: the writes are ``lms.services``; who sees which batch is
``lms.selectors.batches_visible_to`` (another trainer's batch is a 404)."""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role, user_has_role
from adaptive.models import Assessment, Reassessment
from lms import services
from lms.selectors import batches_visible_to, centres_for_batches_of
from lti.models import BatchMembership, TrainingCentre
from question_bank.models import QualificationPack


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.username})"


class BatchForm(forms.Form):
    name = forms.CharField(max_length=300, label=gettext_lazy("Name"))
    centre = forms.ModelChoiceField(
        TrainingCentre.objects.all(), label=gettext_lazy("Training centre")
    )
    qualification_pack_code = forms.ChoiceField(label=gettext_lazy("Qualification pack"))
    starts_on = forms.DateField(
        label=gettext_lazy("Starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    trainer = PersonChoiceField(
        User.objects.filter(groups__name=Role.TRAINER.value).order_by("full_name", "username"),
        label=gettext_lazy("Trainer"),
    )

    def __init__(self, *args, user, batch=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres_for_batches_of(user, batch=batch)
        self.fields["qualification_pack_code"].choices = [
            (code, f"{code} {title}")
            for code, title in QualificationPack.objects.filter(is_current=True)
            .order_by("code")
            .values_list("code", "title")
        ]
        is_admin = user_has_role(user, Role.ADMINISTRATOR)
        if not is_admin and not TrainingCentre.objects.filter(administrators=user).exists():
            # a trainer creates batches they train themselves
            self.fields["trainer"].queryset = User.objects.filter(pk=user.pk)


class EnrolForm(forms.Form):
    lines = forms.CharField(
        required=False,
        label=gettext_lazy("Add learners by name, username or email (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    roster = forms.FileField(
        required=False, label=gettext_lazy("…or upload a roster CSV (username, full_name, email)")
    )


class CentreTimeField(forms.DateTimeField):
    """A date and time as typed, with no zone: ``lms.services`` reads it in the zone of each
    batch's centre (one form may assign batches in Pune and in Dubai)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def to_python(self, value):
        with timezone.override(UTC):
            moment = super().to_python(value)
        return None if moment is None else timezone.make_naive(moment, UTC)


class AssignmentWindowForm(forms.Form):
    """The window of an assignment: when it opens and closes, attempts, reassessment."""

    opens_at = CentreTimeField(label=gettext_lazy("Opens at (the centre's time)"))
    closes_at = CentreTimeField(label=gettext_lazy("Closes at (the centre's time)"))
    attempts_allowed = forms.IntegerField(
        min_value=1, max_value=20, initial=1, label=gettext_lazy("Attempts allowed")
    )
    reassessment = forms.ChoiceField(
        choices=Reassessment.choices,
        initial=Reassessment.FAILED,
        label=gettext_lazy("Reassessment"),
    )
    reassess_after_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=365,
        initial=0,
        label=gettext_lazy("Days to wait before a reassessment"),
        help_text=gettext_lazy(
            "0 or blank: a candidate may sit again at once (within the attempts allowed)."
        ),
    )

    def clean_reassess_after_days(self) -> int:
        return self.cleaned_data.get("reassess_after_days") or 0


class AssignForm(AssignmentWindowForm):
    """The batch page's: one assessment for this batch."""

    assessment = forms.ModelChoiceField(Assessment.objects.filter(is_active=True))
    field_order = ["assessment"]


def _require_batch_staff(request: HttpRequest) -> None:
    if not (
        user_has_role(request.user, Role.TRAINER) or user_has_role(request.user, Role.ADMINISTRATOR)
    ):
        raise PermissionDenied


def batch_index(request: HttpRequest) -> HttpResponse:
    _require_batch_staff(request)
    batches = batches_visible_to(request.user).select_related("centre").order_by("name")
    return render(request, "lms/admin/batch_index.html", {"batches": batches})


def batch_create(request: HttpRequest) -> HttpResponse:
    _require_batch_staff(request)
    form = BatchForm(request.POST or None, user=request.user, initial={"trainer": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_save(batch=None, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Batch “%(name)s” created: now enrol its learners.") % {"name": batch.name},
            )
            return redirect("lms_batch_edit", pk=batch.pk)
    return render(request, "lms/admin/batch_form.html", {"form": form, "batch": None})


def batch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch, its learners (search, bulk add, roster CSV, remove) and its assessments."""
    _require_batch_staff(request)
    batch = get_object_or_404(batches_visible_to(request.user).select_related("centre"), pk=pk)
    trainer = batch.memberships.filter(role=BatchMembership.Role.TRAINER).first()
    initial = {
        "name": batch.name,
        "centre": batch.centre,
        "qualification_pack_code": batch.qualification_pack_code,
        "starts_on": batch.starts_on,
        "ends_on": batch.ends_on,
        "trainer": trainer.user if trainer else None,
    }
    action = request.POST.get("action")
    form = BatchForm(
        request.POST if action == "save" else None, user=request.user, batch=batch, initial=initial
    )
    enrol = EnrolForm(request.POST if action == "enrol" else None, request.FILES or None)
    # Windows are typed in the centre's time: the service reads them in the batch's zone.
    assign = AssignForm(request.POST if action == "assign" else None)
    if action == "assign" and assign.is_valid():
        try:
            services.batch_assessment_assign(batch=batch, user=request.user, **assign.cleaned_data)
            messages.success(
                request,
                _("%(assessment)s assigned.") % {"assessment": assign.cleaned_data["assessment"]},
            )
            return redirect("lms_batch_edit", pk=batch.pk)
        except ValidationError as exc:
            assign.add_error(None, exc)
    if action == "save" and form.is_valid():
        try:
            services.batch_save(batch=batch, by=request.user, **form.cleaned_data)
            messages.success(request, _("Batch saved."))
            return redirect("lms_batch_edit", pk=batch.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    if action == "enrol" and enrol.is_valid():
        chosen = list(
            User.objects.filter(
                pk__in=request.POST.getlist("learner"), groups__name=Role.LEARNER.value
            )
        )
        try:
            if enrol.cleaned_data["roster"]:
                result = services.batch_roster_import(
                    batch=batch, data=enrol.cleaned_data["roster"].read(), by=request.user
                )
            else:
                result = services.batch_learners_enrol(
                    batch=batch, users=chosen, lines=enrol.cleaned_data["lines"], by=request.user
                )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            for problem in result.problems:
                messages.error(request, problem)
            if result.enrolled:
                messages.success(
                    request,
                    _("Enrolled %(count)s learner(s)") % {"count": len(result.enrolled)}
                    + (
                        _(", %(count)s new account(s)") % {"count": len(result.created)}
                        if result.created
                        else ""
                    )
                    + (
                        _("; %(count)s already enrolled") % {"count": len(result.already)}
                        if result.already
                        else ""
                    )
                    + ".",
                )
            return redirect("lms_batch_edit", pk=batch.pk)
    if action == "remove":
        removed = batch.memberships.filter(
            role=BatchMembership.Role.LEARNER, user_id__in=request.POST.getlist("member")
        ).update(is_active=False)
        messages.success(
            request, _("%(count)s learner(s) removed from the batch.") % {"count": removed}
        )
        return redirect("lms_batch_edit", pk=batch.pk)
    query = request.GET.get("q", "")
    members = list(
        batch.memberships.filter(role=BatchMembership.Role.LEARNER, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    member_ids = {m.user_id for m in members}
    return render(
        request,
        "lms/admin/batch_form.html",
        {
            "batch": batch,
            "form": form,
            "enrol": enrol,
            "assign": assign,
            "members": members,
            "query": query,
            "found": [
                u
                for u in services.learners_find(query=query, by=request.user)
                if u.pk not in member_ids
            ],
            "assignments": batch.assessment_assignments.select_related("assessment"),
            "zone": batch.time_zone,
        },
    )
