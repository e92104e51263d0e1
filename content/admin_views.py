"""Wagtail admin pages of the content app: courses from imported QPs and the coverage report.

Editors plan their work from the coverage report: per NOS of a QP, which PCs, knowledge items
and generic skills no published lesson teaches and which have no approved bank item, with links
to write the missing lesson or item.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Locale

from question_bank.models import QualificationPack

from . import selectors, services
from .models import CoursePage


def _item_create_url(request: HttpRequest, qualification_pack: QualificationPack) -> str | None:
    """Where this user writes a new bank item for the QP (None if they may not)."""
    if not request.user.has_perm("question_bank.add_item"):
        return None
    return f"{reverse('items:create')}?{urlencode({'qp': qualification_pack.code})}"


@permission_required("content.view_coverage_report", raise_exception=True)
def coverage_index(request: HttpRequest) -> HttpResponse:
    packs = QualificationPack.objects.filter(is_current=True).order_by("code")
    courses = {
        c.qualification_pack.code: c
        for c in CoursePage.objects.filter(locale=Locale.get_default()).select_related(
            "qualification_pack"
        )
    }
    rows = [(qp, courses.get(qp.code)) for qp in packs]
    return render(
        request,
        "content/admin/coverage_index.html",
        {"rows": rows, "can_create": request.user.has_perm("content.create_course")},
    )


@permission_required("content.view_coverage_report", raise_exception=True)
def coverage_report(request: HttpRequest, qualification_pack_id: int) -> HttpResponse:
    qualification_pack = get_object_or_404(QualificationPack, pk=qualification_pack_id)
    report = selectors.coverage_report(qualification_pack=qualification_pack)
    return render(
        request,
        "content/admin/coverage_report.html",
        {
            "qualification_pack": qualification_pack,
            "course": selectors.course_for_qualification_pack(code=qualification_pack.code),
            "report": report,
            "item_create_url": _item_create_url(request, qualification_pack),
            "can_create": request.user.has_perm("content.create_course"),
        },
    )


@require_POST
@permission_required("content.create_course", raise_exception=True)
def course_create(request: HttpRequest, qualification_pack_id: int) -> HttpResponse:
    qualification_pack = get_object_or_404(QualificationPack, pk=qualification_pack_id)
    try:
        course = services.course_create(qualification_pack=qualification_pack, user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("content_coverage_index")
    messages.success(
        request, _("Course “%(title)s” is ready with one module per NOS.") % {"title": course.title}
    )
    return redirect("wagtailadmin_explore", course.pk)
