"""Essay marking: an essay is stored when answered and marked by an assessor, never by the
engine. Until marked its response has no score (``Response.score`` is None), IRT leaves it
out, the attempt's result says "awaiting marking" and no grade goes to the LMS. Each mark is an
``EssayMark`` row (who, when, mark, comment), so re-marking keeps the audit trail; the latest
mark is the response's score, and the attempt is scored again (``delivery.attempt_rescore``).

Whose essays: an assessor marks the candidates whose results they read
(``adaptive.selectors.attempts_with_results_for``: candidates of the centres they assess), and
the queue, its count on the dashboard and the marking itself all go through that one rule.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet

from question_bank.api import item_type_spec
from question_bank.models import ItemType

from .delivery import attempt_rescore
from .models import Assessment, EssayMark, Response
from .selectors import attempts_with_results_for

HAND_MARKED_TYPES = [ItemType.ESSAY]


def _essay_responses(*, marked: bool, user) -> QuerySet[Response]:
    """Essay responses of finished, counted attempts ``user`` may read: unmarked, or marked
    (``marked=True``)."""
    return Response.objects.filter(
        attempt__in=attempts_with_results_for(user),
        attempt__is_preview=False,
        attempt__finished_at__isnull=False,
        item_version__item_type__in=HAND_MARKED_TYPES,
        score__isnull=not marked,
    )


def essays_to_mark(*, assessment: Assessment, user, marked: bool = False) -> QuerySet[Response]:
    """Essay responses of an assessment's finished, counted attempts of the candidates ``user``
    marks: unmarked first (the queue), or those already marked (``marked=True``)."""
    return (
        _essay_responses(marked=marked, user=user)
        .filter(attempt__assessment=assessment)
        .select_related("user", "attempt", "item_version")
        .order_by("attempt__finished_at", "id")
    )


def essays_to_mark_counts(*, assessments, user) -> dict[int, int]:
    """Per assessment (pk), how many essays of the candidates ``user`` marks wait for their
    mark, in one query."""
    return dict(
        _essay_responses(marked=False, user=user)
        .filter(attempt__assessment__in=assessments)
        .values("attempt__assessment_id")
        .annotate(n=Count("pk"))
        .values_list("attempt__assessment_id", "n")
    )


def essay_response_for_marking(*, assessment: Assessment, pk: int, user) -> Response:
    """The essay answer ``pk`` of ``assessment`` if ``user`` marks its candidate, else
    ``Response.DoesNotExist``."""
    return (
        Response.objects.select_related("user", "attempt", "item_version")
        .prefetch_related("essay_marks__marked_by", "item_version__translations")
        .get(
            pk=pk,
            attempt__in=attempts_with_results_for(user, assessment=assessment),
            attempt__assessment=assessment,
            attempt__is_preview=False,
            attempt__finished_at__isnull=False,
            item_version__item_type__in=HAND_MARKED_TYPES,
        )
    )


def essay_mark(*, response: Response, marks: str | Decimal, comment: str = "", by) -> EssayMark:
    """Record an assessor's mark (``marks`` out of the item's default mark) and score the
    attempt again. ValidationError, and nothing written, for a mark outside 0..default mark."""
    version = response.item_version
    if item_type_spec(version.item_type).auto_scored:
        raise ValidationError("Only essays are marked by an assessor.")
    try:
        given = Decimal(str(marks).strip())
    except InvalidOperation as exc:
        raise ValidationError(f"{marks!r} is not a number of marks.") from exc
    maximum = version.default_mark or Decimal(1)
    if not given.is_finite() or not 0 <= given <= maximum:
        raise ValidationError(f"The mark must lie between 0 and {maximum.normalize():f}.")
    fraction = float(given / maximum)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        mark = EssayMark.objects.create(
            response=locked, score=fraction, comment=comment.strip(), marked_by=by
        )
        locked.score = fraction
        locked.is_correct = fraction >= 1
        locked.save(update_fields=["score", "is_correct"])
        if locked.attempt is not None:
            attempt_rescore(locked.attempt)
    return mark
