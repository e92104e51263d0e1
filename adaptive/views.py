"""Candidate pages of a graded assessment: the list, the start page, one question at a time,
and the result. Thin: the work is in ``adaptive.delivery``.

Learners take the assessments assigned to their batches, inside the assignment's window (the
window is enforced in ``delivery.attempt_start``, not only hidden here); assessors, trainers and
administrators may preview any assessment as a candidate would see it, in attempts that never
count. Everyone only ever reaches their own attempts (someone else's is a 404, so attempt
numbers reveal nothing). The question page is built from
``question_bank.api.item_for_learner`` (no answer key) with the options in the attempt's order
(``adaptive.options``); its input is an include chosen by the item's type
(``adaptive/widgets/<type>.html``). The result page shows marks, abilities and per-PC strengths
and gaps, never which options were correct; the review page shows the answers, the key and the
feedback only when the assessment's ``review_after`` allows it (``adaptive.review``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, user_has_role

from . import delivery, drafts
from .models import Assessment, Attempt
from .progress import attempt_progress
from .review import (
    attempt_pc_feedback,
    attempt_review,
    attempt_review_decision,
    attempt_subscores,
)
from .selectors import (
    assessment_start_decision,
    assessments_linked_for_candidate,
    assignments_for_candidate,
)

PREVIEW_ROLES = (Role.ASSESSOR, Role.TRAINER, Role.ADMINISTRATOR)
logger = logging.getLogger(__name__)


def database_outage_answered(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A database that goes away mid-sitting (restart, failover) fails the request cleanly: the
    answer's transaction has rolled back, so nothing is half-written, and the candidate gets a
    503 saying to try again (their attempt resumes where it was) instead of a server error.
    Rendered without the request's context processors, which would ask the database again."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            logger.exception("database unavailable during %s %s", request.method, request.path)
            if request.path.endswith("/draft/"):
                message = _("The server is busy for a moment; your choice was not saved yet.")
                return JsonResponse({"saved": False, "message": message}, status=503)
            return database_outage_response(request)

    return wrapped


def database_outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 "try again" page for a database that cannot be reached, drawn from a template
    alone (no context processors, nothing from the database); ``lms.views.server_error``
    answers with it too, where the outage strikes outside an assessment view."""
    page = render_to_string("adaptive/try_again.html", {"path": request.path})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = "10"
    return response


def _is_staff_previewer(user) -> bool:
    return any(user_has_role(user, role) for role in PREVIEW_ROLES)


def _require_learner(request: HttpRequest) -> None:
    """Learners, and the staff who may preview (their attempts are previews)."""
    if not (user_has_role(request.user, Role.LEARNER) or _is_staff_previewer(request.user)):
        raise PermissionDenied(_("Only learners take assessments."))


def _previewing(request: HttpRequest) -> bool:
    """Staff who are not also learners only ever preview."""
    return _is_staff_previewer(request.user) and not user_has_role(request.user, Role.LEARNER)


def _own_attempt(request: HttpRequest, pk: int) -> Attempt:
    """The candidate's attempt with what its question page needs in the same round trips (the
    question on screen, its options and texts): the answer step is the hot path under load."""
    return get_object_or_404(
        Attempt.objects.select_related("assessment", "current_item_version__item").prefetch_related(
            "current_item_version__options", "current_item_version__translations"
        ),
        pk=pk,
        user=request.user,
        assessment__isnull=False,
    )


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """A learner: the assessments assigned to their batches, with windows in the centre's time
    zone, then those their LMS courses link to (the LMS sets when). Staff: every active
    assessment, to preview."""
    _require_learner(request)
    if _previewing(request):
        assessments = Assessment.objects.filter(is_active=True).order_by("title")
        return render(
            request, "adaptive/assessment_list.html", {"assessments": assessments, "preview": True}
        )
    now = timezone.now()
    rows = [
        {
            "assignment": a,
            "assessment": a.assessment,
            "zone": a.batch.time_zone,
            "state": "open" if a.opens_at <= now < a.closes_at else
            ("upcoming" if now < a.opens_at else "closed"),
        }
        for a in assignments_for_candidate(user=request.user)
    ]  # fmt: skip
    listed = {row["assessment"].pk for row in rows}
    rows += [
        {"assignment": None, "assessment": a, "zone": None, "state": "lms"}
        for a in assessments_linked_for_candidate(user=request.user)
        if a.pk not in listed
    ]
    return render(request, "adaptive/assessment_list.html", {"rows": rows})


@database_outage_answered
@login_required
def assessment_start(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what the assessment is and the candidate's attempts; POST: start or resume."""
    _require_learner(request)
    assessment = get_object_or_404(Assessment, slug=slug)
    preview = _previewing(request)
    if request.method == "POST":
        try:
            attempt = delivery.attempt_start(
                user=request.user, assessment=assessment, preview=preview
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("adaptive:assessment_start", slug=slug)
        return redirect("adaptive:attempt", pk=attempt.pk)
    attempts = Attempt.objects.filter(
        user=request.user, assessment=assessment, is_preview=preview
    ).order_by("number")
    in_progress = next((a for a in attempts if a.finished_at is None), None)
    decision = (
        None if preview else assessment_start_decision(user=request.user, assessment=assessment)
    )
    return render(
        request,
        "adaptive/assessment_start.html",
        {
            "assessment": assessment,
            "attempts": attempts,
            "in_progress": in_progress,
            "preview": preview,
            "decision": decision,
            "assignment": decision.assignment if decision else None,
            "attempts_allowed": decision.attempts_allowed if decision else None,
            "can_start": preview
            or (in_progress is not None and assessment.is_active)
            or bool(decision and decision.allowed),
            "pass_percentage": delivery.pass_percentage(assessment),
        },
    )


@database_outage_answered
@login_required
def attempt_question(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the question on screen; POST records its answer (then redirects: PRG)."""
    _require_learner(request)
    attempt = _own_attempt(request, pk)
    changed = delivery.attempt_expire_if_due(attempt)
    if request.method == "GET" and delivery.attempt_refresh(attempt):
        messages.info(request, _("A question was withdrawn from the bank; here is another."))
        changed = True
    if changed:
        attempt = _own_attempt(request, pk)
    if attempt.finished_at is not None:
        return redirect("adaptive:attempt_result", pk=attempt.pk)
    language = get_language() or "en"
    if request.method == "POST":
        answer = [a for a in request.POST.getlist("answer") if a.strip()]
        try:
            item_version_id = int(request.POST.get("item_version", ""))
        except ValueError:
            messages.error(request, _("Unknown question."))
            return redirect("adaptive:attempt", pk=attempt.pk)
        # Each item type's widget names its own fields (adaptive/widgets/<type>.html).
        form = {name: request.POST.getlist(name) for name in request.POST}
        try:
            attempt = delivery.attempt_answer(
                attempt=attempt,
                user=request.user,
                item_version_id=item_version_id,
                answer=delivery.attempt_answer_from_page(
                    attempt=attempt, item_version_id=item_version_id, values=answer, form=form
                ),
                language=language,
            )
        except delivery.DuplicateResponseError as exc:
            messages.info(request, exc.messages[0])
            attempt = _own_attempt(request, pk)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            attempt = _own_attempt(request, pk)
        if attempt.finished_at is not None:
            return redirect("adaptive:attempt_result", pk=attempt.pk)
        return redirect("adaptive:attempt", pk=attempt.pk)
    assessment = attempt.assessment
    assert assessment is not None and attempt.current_item_version is not None
    progress = attempt_progress(attempt=attempt)
    seconds_left = (
        max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        if attempt.deadline
        else None
    )
    question = delivery.attempt_question_for_learner(attempt=attempt, language=language)
    return render(
        request,
        "adaptive/attempt_question.html",
        {
            "attempt": attempt,
            "assessment": assessment,
            "question": question,
            "widget_template": delivery.question_widget_template(question["type"]),
            "progress": progress,
            "number": progress.number,
            "total": progress.total,
            "is_adaptive": progress.is_adaptive,
            # The last question of a paper: its button finishes the attempt, so it confirms.
            "is_last": not progress.is_adaptive and progress.number >= progress.total,
            "seconds_left": seconds_left,
            "draft": drafts.attempt_draft_values(attempt),
        },
    )


@database_outage_answered
@login_required
@require_POST
def attempt_draft(request: HttpRequest, pk: int) -> JsonResponse:
    """Autosave (static/adaptive/autosave.js): keep the choice on screen, unsubmitted, so a
    reload shows it again. Never scores; refused for any question but the one on screen."""
    _require_learner(request)
    attempt = _own_attempt(request, pk)
    try:
        item_version_id = int(request.POST.get("item_version", ""))
    except ValueError:
        return JsonResponse({"saved": False, "message": _("Unknown question.")}, status=400)
    try:
        drafts.attempt_draft_save(
            attempt=attempt,
            user=request.user,
            item_version_id=item_version_id,
            values=request.POST.getlist("answer"),
        )
    except drafts.DraftRefusedError as exc:
        return JsonResponse({"saved": False, "message": exc.messages[0]}, status=409)
    except ValidationError as exc:
        return JsonResponse({"saved": False, "message": exc.messages[0]}, status=400)
    return JsonResponse({"saved": True})


@database_outage_answered
@login_required
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    _require_learner(request)
    attempt = _own_attempt(request, pk)
    if attempt.finished_at is None:
        return redirect("adaptive:attempt", pk=attempt.pk)
    return render(
        request,
        "adaptive/attempt_result.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "pass_percentage": delivery.pass_percentage(attempt.assessment),
            "pc_feedback": attempt_pc_feedback(attempt=attempt),
            "subscores": attempt_subscores(attempt=attempt),
            "review": attempt_review_decision(attempt=attempt),
        },
    )


@login_required
def attempt_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's answers with the key and feedback, only when the assessment allows it:
    otherwise back to the result page with the reason (nothing of the key is sent)."""
    _require_learner(request)
    attempt = _own_attempt(request, pk)
    if attempt.finished_at is None:
        return redirect("adaptive:attempt", pk=attempt.pk)
    decision = attempt_review_decision(attempt=attempt)
    if not decision.allowed:  # the result page says why (once: no message repeating it)
        return redirect("adaptive:attempt_result", pk=attempt.pk)
    return render(
        request,
        "adaptive/attempt_review.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "questions": attempt_review(attempt=attempt, language=get_language() or "en"),
        },
    )
