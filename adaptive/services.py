"""Writes of the adaptive app: recording responses.

A response points to the exact ItemVersion shown; its score comes from
``question_bank.api.response_evaluate`` so practice and summative responses share one scale, and
``mode`` keeps them apart. An attempt accepts one answer per item: a second one is rejected.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from question_bank.api import item_exposure_record, response_evaluate
from question_bank.models import ItemStatus, ItemVersion

from .models import Attempt, Mode, Response


class DuplicateResponseError(ValidationError):
    """The same attempt already has an answer to this item."""


@transaction.atomic
def attempt_start(*, user, mode: str = Mode.PRACTICE, qualification_pack_code: str = "") -> Attempt:
    if mode not in Mode.values:
        raise ValidationError(f"unknown mode {mode!r}")
    return Attempt.objects.create(
        user=user, mode=mode, qualification_pack_code=qualification_pack_code
    )


def response_record(
    *,
    user,
    item_version: ItemVersion,
    answer,
    mode: str = Mode.PRACTICE,
    attempt: Attempt | None = None,
    language: str = "en",
    option_order: list[str] | None = None,
) -> Response:
    """Score and store one answer. Raises DuplicateResponseError if ``attempt`` already answered the
    item, ValidationError for a bad answer, an unapproved version, or a mode/user mismatch.
    ``option_order``: the option keys in the order shown (``adaptive.options``), kept for review."""
    if mode not in Mode.values:
        raise ValidationError(f"unknown mode {mode!r}")
    if item_version.status != ItemStatus.APPROVED and mode == Mode.SUMMATIVE:
        raise ValidationError("summative responses need an approved item version")
    if attempt is not None:
        if attempt.user_id != user.pk:
            raise ValidationError("this attempt belongs to another user")
        if attempt.mode != mode:
            raise ValidationError(f"this is a {attempt.mode} attempt, not {mode}")
        if attempt.finished_at is not None:
            raise ValidationError("this attempt is finished")
    evaluation = response_evaluate(item_version=item_version, answer=answer, language=language)
    duplicate = DuplicateResponseError("this item was already answered in this attempt")
    # A second answer to the item in the attempt is refused by the unique constraint
    # (response_once_per_item_per_attempt), in a savepoint, so nothing of it is written.
    try:
        with transaction.atomic():
            response = Response.objects.create(
                user=user,
                attempt=attempt,
                item_id=item_version.item_id,
                item_version=item_version,
                mode=mode,
                language=language,
                answer=answer
                if isinstance(answer, list)
                else [answer]
                if isinstance(answer, str)
                else answer,
                score=evaluation["score"],
                is_correct=evaluation["correct"],
                option_order=list(option_order or []),
            )
    except IntegrityError as exc:  # a double submit (or one that lost the race)
        raise duplicate from exc
    # An answered item was shown: it counts towards the item's exposure. After the commit, so
    # the popular item's row is locked for one statement, not for the rest of every
    # candidate's answer step (a CAT sends many candidates to the same items).
    item = item_version.item
    transaction.on_commit(lambda: item_exposure_record(item=item))
    return response


@transaction.atomic
def nos_marks_save(*, assessment, user, marks: dict, by=None) -> None:
    """Store the practical/viva marks an assessor gave a candidate, keyed "practical:<NOS>" and
    "viva:<NOS>" (None clears a mark)."""
    from .models import NosMark

    by_nos: dict[str, dict] = {}
    for key, value in marks.items():
        kind, code = key.split(":", 1)
        by_nos.setdefault(code, {})[kind] = value
    for code, values in by_nos.items():
        if values.get("practical") is None and values.get("viva") is None:
            NosMark.objects.filter(assessment=assessment, user=user, nos_code=code).delete()
            continue
        NosMark.objects.update_or_create(
            assessment=assessment,
            user=user,
            nos_code=code,
            defaults={
                "practical": values.get("practical"),
                "viva": values.get("viva"),
                "entered_by": by if getattr(by, "pk", None) else None,
            },
        )
