"""Learner actions: mark a lesson complete, answer a knowledge-check question.

Thin: they read the form, call ``content.services`` and show the result. A knowledge-check form
carries the token of the page view that served it; the service answers only for what it served.
A knowledge-check answer comes back as JSON when the page's script sent it, and as a page of its
own without script.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import LessonPage


def _live_lesson(lesson_id: int) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live(), pk=lesson_id)


@require_POST
@login_required
def lesson_complete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _live_lesson(lesson_id)
    services.lesson_complete(user=request.user, lesson=lesson)
    messages.success(request, _("Lesson marked as complete."))
    return redirect(lesson.get_url(request) or "/")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def knowledge_check_answer(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _live_lesson(lesson_id)
    answer = request.POST.getlist("answer")
    try:
        item_version_id = int(request.POST.get("item_version", ""))
        if not answer:
            raise ValidationError(_("Choose an answer first."))
        result = services.knowledge_check_answer(
            user=request.user,
            lesson=lesson,
            token=request.POST.get("token", ""),
            item_version_id=item_version_id,
            answer=answer if len(answer) > 1 else answer[0],
            language=get_language() or "en",
        )
    except (ValueError, ValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else _("Unknown question.")
        if _wants_json(request):
            return JsonResponse({"error": message}, status=400)
        messages.error(request, message)
        return redirect(lesson.get_url(request) or "/")
    payload = {
        "correct": result["correct"],
        "score": result["score"],
        "feedback_html": str(result.get("feedback_html") or ""),
        "option_feedback": result.get("option_feedback") or {},
        "correct_keys": list(result.get("correct_keys") or []),
    }
    if _wants_json(request):
        return JsonResponse(payload)
    return render(
        request, "content/knowledge_check_feedback.html", {"lesson": lesson, "result": payload}
    )
