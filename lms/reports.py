"""Pages that combine the apps: trainers' mastery per NOS for their batches, learners' own.

A trainer sees only batches they train (BatchMembership with the trainer role); administrators
see every batch; a learner sees only their own mastery. Data comes from
``adaptive.mastery.mastery_per_nos``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.roles import Role, user_has_role
from adaptive.mastery import mastery_per_nos
from lti.models import Batch, BatchMembership
from question_bank.models import QualificationPack


def _batches_visible_to(user):
    if user_has_role(user, Role.ADMINISTRATOR):
        return Batch.objects.all()
    if user_has_role(user, Role.TRAINER):
        return Batch.objects.filter(
            memberships__user=user,
            memberships__role=BatchMembership.Role.TRAINER,
            memberships__is_active=True,
        )
    return Batch.objects.none()


@login_required
def trainer_batches(request: HttpRequest) -> HttpResponse:
    if not (
        user_has_role(request.user, Role.TRAINER) or user_has_role(request.user, Role.ADMINISTRATOR)
    ):
        raise PermissionDenied
    batches = _batches_visible_to(request.user).order_by("name")
    return render(request, "lms/trainer_batches.html", {"batches": batches})


@login_required
def batch_mastery(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(_batches_visible_to(request.user), pk=pk)
    pack = QualificationPack.objects.filter(
        code=batch.qualification_pack_code, is_current=True
    ).first()
    learners = list(
        batch.memberships.filter(role=BatchMembership.Role.LEARNER, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    table = (
        mastery_per_nos(user_ids=[m.user_id for m in learners], qualification_pack=pack)
        if pack
        else {}
    )
    rows = [(m.user, table.get(m.user_id, [])) for m in learners]
    nos_headers = rows[0][1] if rows else []
    return render(
        request,
        "lms/batch_mastery.html",
        {"batch": batch, "pack": pack, "rows": rows, "nos_headers": nos_headers},
    )


@login_required
def my_mastery(request: HttpRequest) -> HttpResponse:
    codes = set(
        Batch.objects.filter(memberships__user=request.user).values_list(
            "qualification_pack_code", flat=True
        )
    ) | set(request.user.attempts.values_list("qualification_pack_code", flat=True))
    packs = QualificationPack.objects.filter(code__in=codes - {""}, is_current=True).order_by(
        "code"
    )
    sections = [
        (
            pack,
            mastery_per_nos(user_ids=[request.user.pk], qualification_pack=pack)[request.user.pk],
        )
        for pack in packs
    ]
    return render(request, "lms/my_mastery.html", {"sections": sections})
