"""Autosave of the question on screen, as Moodle's quiz does: an answer chosen but not yet
submitted is kept with the attempt (``Attempt.state["draft"]``) and shown again on a reload.

A draft is only ever the candidate's choice on the question their attempt has on screen; it is
never scored, never a Response, never counted when the time runs out (only submitted answers
are), and a draft for a question the attempt has moved past is ignored. It stores what the page
posted (option positions on screen, or the typed numeric answer), checked against what the page
showed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from question_bank.models import ItemType

from .models import Attempt
from .options import keys_from_shown

__all__ = ["DraftRefusedError", "attempt_draft_save", "attempt_draft_values"]

MAX_DRAFT_VALUES = 20
MAX_DRAFT_LENGTH = 100


class DraftRefusedError(ValidationError):
    """The draft is not for the question on screen of an open attempt of this candidate."""


def attempt_draft_save(*, attempt: Attempt, user, item_version_id: int, values: list[str]) -> None:
    """Keep the candidate's unsubmitted choice for the question on screen. Raises
    DraftRefusedError (not the question on screen, attempt over, someone else's) or
    ValidationError (a value the page did not offer); nothing is written then."""
    if attempt.user_id != user.pk:
        raise DraftRefusedError("This attempt belongs to another candidate.")
    values = [v.strip() for v in values if v.strip()]
    if len(values) > MAX_DRAFT_VALUES or any(len(v) > MAX_DRAFT_LENGTH for v in values):
        raise ValidationError("That is not an answer this question offers.")
    from .delivery import attempt_option_order  # delivery is the heavier module; drafts is leaf

    with transaction.atomic():
        # of=self: PostgreSQL locks no row of the (nullable) joined question.
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("current_item_version")
            .get(pk=attempt.pk)
        )
        if locked.finished_at is not None or (
            locked.deadline is not None and timezone.now() >= locked.deadline
        ):
            raise DraftRefusedError("This attempt is finished.")
        version = locked.current_item_version
        if version is None or version.pk != item_version_id:
            raise DraftRefusedError("That is not the question on your screen.")
        order = attempt_option_order(attempt=locked, item_version=version)
        try:
            keys_from_shown(order, values)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if order and len(values) > 1 and version.item_type != ItemType.MULTIPLE_RESPONSE:
            raise ValidationError("Choose one answer.")
        state = {**locked.state, "draft": {"item_version": item_version_id, "answer": values}}
        # Only the state column: the attempt's other fields belong to the answer path.
        Attempt.objects.filter(pk=locked.pk).update(state=state)


def attempt_draft_values(attempt: Attempt) -> list[str]:
    """The saved, unsubmitted choice for the question on screen (as the page names it)."""
    draft = (attempt.state or {}).get("draft") or {}
    if draft.get("item_version") != attempt.current_item_version_id:
        return []
    return [str(v) for v in draft.get("answer", [])]
