"""Wagtail admin page where assessors mark essays (``adaptive.marking``): the queue of an
assessment's unmarked essays, each with a mark and comment form, and the marks already given
with who gave them. Assessors only (``adaptive.mark_essay``): the engine never marks an essay."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks

from accounts.permissions import permission_require

from .marking import essay_mark, essay_response_for_marking, essays_to_mark
from .models import Response
from .selectors import assessments_with_results_for

MARK_PERMISSION = "adaptive.mark_essay"


def _row(response: Response) -> dict:
    version = response.item_version
    translation = version.translation(response.language)
    return {
        "response": response,
        "stem_html": translation.stem_html if translation else "",
        "grader_info_html": version.type_data.get("grader_info_html", ""),
        "text": response.answer[0] if isinstance(response.answer, list) else response.answer,
        "maximum": format(version.default_mark.normalize(), "f"),  # 10, not 1E+1
        "marks": list(response.essay_marks.all()),
    }


def assessment_essays(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the essays waiting for a mark, oldest first, and those marked; POST: one mark."""
    permission_require(request, MARK_PERMISSION)
    # Another centre's assessment is one this assessor cannot know about: 404, as a missing one.
    assessment = get_object_or_404(assessments_with_results_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            response = essay_response_for_marking(
                assessment=assessment,
                pk=int(request.POST.get("response", "")),
                user=request.user,
            )
        except (ValueError, Response.DoesNotExist):
            messages.error(request, _("Unknown essay answer."))
            return redirect("assessment_essays", pk=assessment.pk)
        try:
            essay_mark(
                response=response,
                marks=request.POST.get("marks", ""),
                comment=request.POST.get("comment", ""),
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, f"{response.user}: {exc.messages[0]}")
        else:
            messages.success(request, _("Essay of %(user)s marked.") % {"user": response.user})
        return redirect("assessment_essays", pk=assessment.pk)
    waiting = essays_to_mark(assessment=assessment, user=request.user).prefetch_related(
        "essay_marks", "item_version__translations"
    )
    marked = essays_to_mark(assessment=assessment, user=request.user, marked=True).prefetch_related(
        "essay_marks__marked_by", "item_version__translations"
    )
    return render(
        request,
        "adaptive/admin/essays.html",
        {
            "assessment": assessment,
            "waiting": [_row(r) for r in waiting],
            "marked": [_row(r) for r in marked],
        },
    )


@hooks.register("register_admin_urls")
def register_marking_urls():
    return [
        path("assessment-results/<int:pk>/essays/", assessment_essays, name="assessment_essays")
    ]
