"""Wagtail admin pages of the content app: courses from imported QPs and the coverage report.

Editors plan their work from the coverage report: per NOS of a QP, which PCs, knowledge items
and generic skills no published lesson teaches and which have no approved bank item, with links
to write the missing lesson or item.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.views.pages.create import CreateView as PageCreateView
from wagtail.models import Locale

from question_bank.models import QualificationPack

from . import selectors, services
from .blocks import pinned_item_ids
from .models import CoursePage, LessonPage, ModulePage


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


class LessonCreateView(PageCreateView):
    """Wagtail's own "add lesson" page, with the PCs/KUs/GSs named in the query (``?pc=1&ku=2``,
    from the coverage report) already ticked. Only tags of the module's NOS are taken; the form
    posts to Wagtail's usual add URL, so saving is unchanged."""

    TAGS = (
        ("pc", "performance_criteria"),
        ("ku", "knowledge_items"),
        ("gs", "generic_skills"),
    )

    def get(self, request):
        nos = getattr(self.parent_page.specific, "nos", None)
        if nos is not None:
            for param, field in self.TAGS:
                ids = [int(i) for i in request.GET.getlist(param) if i.isdigit()]
                if ids:
                    related = LessonPage._meta.get_field(field).related_model
                    setattr(self.page, field, list(related.objects.filter(nos=nos, pk__in=ids)))
        return super().get(request)


def lesson_create(request: HttpRequest, module_id: int) -> HttpResponse:
    module = get_object_or_404(ModulePage, pk=module_id)
    return LessonCreateView.as_view()(request, "content", "lessonpage", module.pk)


@permission_required("content.view_coverage_report", raise_exception=True)
def knowledge_check_preview(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """What each knowledge check of a lesson would show now: the pinned questions, then those
    drawn for the lesson's PCs/KUs/GSs, as a learner sees them (no key). Records nothing."""
    from question_bank import api as bank_api

    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    if not lesson.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    checks = []
    for block in lesson.body:
        if block.block_type != "knowledge_check":
            continue
        pinned = pinned_item_ids(block.value)
        versions = selectors.knowledge_check_item_versions(
            lesson=lesson,
            limit=block.value["number_of_questions"],
            language=lesson.locale.language_code or "en",
            pinned_item_ids=pinned,
        )
        checks.append(
            {
                "title": block.value["title"],
                "number": block.value["number_of_questions"],
                "questions": [
                    {
                        "item_id": v.item_id,
                        "pinned": v.item_id in pinned,
                        "learner": bank_api.item_for_learner(
                            item_version=v, language=lesson.locale.language_code or "en"
                        ),
                    }
                    for v in versions
                ],
                "pinned_missing": [pk for pk in pinned if pk not in {v.item_id for v in versions}],
            }
        )
    return render(
        request,
        "content/admin/knowledge_check_preview.html",
        {
            "lesson": lesson,
            "checks": checks,
            "can_see_bank": request.user.has_perm("question_bank.view_item"),
        },
    )
