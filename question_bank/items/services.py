"""Writes on items: create, edit (a new version once approved), the review workflow, enemies,
exposure. Every change leaves an ItemEvent, so the audit trail says who did what when.

Workflow: draft -> submitted -> approved (by a curator other than the author) -> retired; a
submitted version can be returned to draft with a comment. Approving a new version retires the
previously approved one, so an item has at most one approved version at a time.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import (
    GenericSkill,
    Item,
    ItemEvent,
    ItemOption,
    ItemStatus,
    ItemVersion,
    ItemVersionTranslation,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)
from .content import ItemContent, item_content_validate
from .html import html_to_text


def _check_tags(
    *,
    performance_criterion: PerformanceCriterion,
    knowledge_items: Iterable[KnowledgeItem],
    generic_skills: Iterable[GenericSkill],
) -> None:
    wrong = [
        str(tag)
        for tag in [*knowledge_items, *generic_skills]
        if tag.nos_id != performance_criterion.nos_id
    ]
    if wrong:
        raise ValidationError(
            f"KU/GS tags must belong to {performance_criterion.nos.code}: {', '.join(wrong)}"
        )


def _version_write(*, version: ItemVersion, content: ItemContent) -> None:
    """Replace the options and translations of an unlocked version with ``content``."""
    content = content.normalised()
    version.item_type = content.item_type
    version.numeric_answer = content.numeric_answer
    version.numeric_tolerance = content.numeric_tolerance
    version.difficulty_estimate = content.difficulty_estimate
    version.name = content.name
    version.default_mark = content.default_mark
    version.penalty = content.penalty
    version.shuffle_options = content.shuffle_options
    version.type_data = content.type_data
    version.save()
    version.options.all().delete()
    version.translations.all().delete()
    ItemOption.objects.bulk_create(
        ItemOption(version=version, key=key, position=i, fraction=fraction)
        for i, (key, fraction) in enumerate(content.options)
    )
    ItemVersionTranslation.objects.bulk_create(
        ItemVersionTranslation(
            version=version,
            language=lang,
            stem_html=t.stem_html,
            general_feedback_html=t.general_feedback_html,
            options={
                key: {"html": o.html, "feedback_html": o.feedback_html}
                for key, o in t.options.items()
            },
            search_text=" ".join(
                [html_to_text(t.stem_html), *(html_to_text(o.html) for o in t.options.values())]
            ),
        )
        for lang, t in content.translations.items()
    )


def item_content_carry_over(*, content: ItemContent, previous: ItemContent) -> ItemContent:
    """What the editing form does not show (name, marks, shuffle, type data such as hints,
    pairs, accepted-answer rules) stays as it was, so editing an imported item loses nothing."""
    if content.item_type == previous.item_type:
        content.name = content.name or previous.name
        content.default_mark, content.penalty = previous.default_mark, previous.penalty
        content.shuffle_options = previous.shuffle_options
        content.type_data = {**previous.type_data, **content.type_data}
    return content


def _validated(content: ItemContent) -> ItemContent:
    problems = item_content_validate(content)
    if problems:
        raise ValidationError(problems)
    return content.normalised()


@transaction.atomic
def item_create(
    *,
    performance_criterion: PerformanceCriterion | None,
    content: ItemContent,
    author=None,
    knowledge_items: Iterable[KnowledgeItem] = (),
    generic_skills: Iterable[GenericSkill] = (),
    uid: uuid_module.UUID | None = None,
    nos: NationalOccupationalStandard | None = None,
    qualification_pack: QualificationPack | None = None,
    source: dict | None = None,
) -> Item:
    """A new item with version 1 as a draft. Without a PC it is "to be tagged" (an import):
    it keeps its QP (and NOS, where known) and cannot be approved until tagged."""
    content = _validated(content)
    knowledge_items, generic_skills = list(knowledge_items), list(generic_skills)
    if performance_criterion is not None:
        _check_tags(
            performance_criterion=performance_criterion,
            knowledge_items=knowledge_items,
            generic_skills=generic_skills,
        )
        nos_id = performance_criterion.nos_id
    else:
        if qualification_pack is None:
            raise ValidationError("an untagged item needs its qualification pack")
        if (knowledge_items or generic_skills) and nos is None:
            raise ValidationError("KU/GS tags need the item's NOS")
        nos_id = nos.pk if nos else None
    item = Item.objects.create(
        uid=uid or uuid_module.uuid4(),
        nos_id=nos_id,
        performance_criterion=performance_criterion,
        qualification_pack=qualification_pack,
        created_by=author,
        **(source or {}),
    )
    item.knowledge_items.set(knowledge_items)
    item.generic_skills.set(generic_skills)
    version = ItemVersion(item=item, number=1, author=author, item_type=content.item_type)
    _version_write(version=version, content=content)
    ItemEvent.objects.create(
        item=item, version=version, actor=author, action=ItemEvent.Action.CREATED
    )
    return item


@transaction.atomic
def item_tags_set(
    *,
    item: Item,
    user,
    performance_criterion: PerformanceCriterion,
    knowledge_items: Iterable[KnowledgeItem] = (),
    generic_skills: Iterable[GenericSkill] = (),
) -> Item:
    knowledge_items, generic_skills = list(knowledge_items), list(generic_skills)
    _check_tags(
        performance_criterion=performance_criterion,
        knowledge_items=knowledge_items,
        generic_skills=generic_skills,
    )
    item.performance_criterion = performance_criterion
    item.nos_id = performance_criterion.nos_id
    item.suggested_performance_criterion = None
    item.suggestion_score = None
    item.save(
        update_fields=[
            "performance_criterion", "nos", "suggested_performance_criterion", "suggestion_score"
        ]
    )  # fmt: skip
    item.knowledge_items.set(knowledge_items)
    item.generic_skills.set(generic_skills)
    ItemEvent.objects.create(
        item=item,
        actor=user,
        action=ItemEvent.Action.EDITED,
        comment=f"tags: {performance_criterion}, "
        + ", ".join(str(t) for t in [*knowledge_items, *generic_skills]),
    )
    return item


def item_version_latest(*, item: Item) -> ItemVersion:
    return item.versions.order_by("-number").first()


@transaction.atomic
def item_edit(*, item: Item, user, content: ItemContent, comment: str = "") -> ItemVersion:
    """Edit an item's text/options. A draft is edited in place; a submitted version goes back to
    draft; an approved or retired version is never touched: a new draft version is made."""
    content = _validated(content)
    latest = ItemVersion.objects.select_for_update().filter(item=item).order_by("-number").first()
    if latest is not None and not latest.is_locked:
        latest.status = ItemStatus.DRAFT
        latest.submitted_at = None
        _version_write(version=latest, content=content)
        ItemEvent.objects.create(
            item=item, version=latest, actor=user, action=ItemEvent.Action.EDITED, comment=comment
        )
        return latest
    ItemVersion.objects.filter(item=item).update(is_latest=False)
    version = ItemVersion(
        item=item,
        number=(latest.number + 1) if latest else 1,
        author=user,
        item_type=content.item_type,
    )
    _version_write(version=version, content=content)
    ItemEvent.objects.create(
        item=item, version=version, actor=user, action=ItemEvent.Action.NEW_VERSION, comment=comment
    )
    return version


def _require_status(version: ItemVersion, *allowed: str) -> None:
    if version.status not in allowed:
        raise ValidationError(
            f"version {version.number} is {version.get_status_display()}; this needs "
            + " or ".join(str(ItemStatus(s).label) for s in allowed)
        )


@transaction.atomic
def item_version_submit(*, version: ItemVersion, user, comment: str = "") -> ItemVersion:
    _require_status(version, ItemStatus.DRAFT)
    version.status = ItemStatus.SUBMITTED
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    ItemEvent.objects.create(
        item=version.item, version=version, actor=user, action=ItemEvent.Action.SUBMITTED,
        comment=comment,
    )  # fmt: skip
    return version


@transaction.atomic
def item_version_return(*, version: ItemVersion, user, comment: str) -> ItemVersion:
    """Send a submitted version back to its author; the comment says what to change."""
    if not comment.strip():
        raise ValidationError("say what the author should change")
    _require_status(version, ItemStatus.SUBMITTED)
    version.status = ItemStatus.DRAFT
    version.submitted_at = None
    version.save(update_fields=["status", "submitted_at"])
    ItemEvent.objects.create(
        item=version.item, version=version, actor=user, action=ItemEvent.Action.RETURNED,
        comment=comment,
    )  # fmt: skip
    return version


@transaction.atomic
def item_version_approve(*, version: ItemVersion, user, comment: str = "") -> ItemVersion:
    """Approve a submitted version; the approver must not be its author (four-eyes rule)."""
    _require_status(version, ItemStatus.SUBMITTED)
    if version.author_id is not None and user is not None and version.author_id == user.pk:
        raise PermissionDenied("an item must be approved by a curator other than its author")
    if version.item.performance_criterion_id is None:
        # Imported untagged: papers, coverage and calibration count approved items per PC.
        raise ValidationError("tag this item to a NOS and PC before approving it")
    now = timezone.now()
    # Ordered by pk alone: the default ordering joins the item's NOS and PC, which are nullable
    # (untagged imports), and PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    for previous in (
        ItemVersion.objects.select_for_update()
        .filter(item=version.item, status=ItemStatus.APPROVED)
        .order_by("pk")
    ):
        previous.status = ItemStatus.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
        ItemEvent.objects.create(
            item=version.item, version=previous, actor=user, action=ItemEvent.Action.RETIRED,
            comment=f"superseded by version {version.number}",
        )  # fmt: skip
    version.status = ItemStatus.APPROVED
    version.approved_at = now
    version.approved_by = user
    version.save(update_fields=["status", "approved_at", "approved_by"])
    ItemEvent.objects.create(
        item=version.item, version=version, actor=user, action=ItemEvent.Action.APPROVED,
        comment=comment,
    )  # fmt: skip
    return version


@transaction.atomic
def item_version_retire(*, version: ItemVersion, user, comment: str = "") -> ItemVersion:
    _require_status(version, ItemStatus.APPROVED, ItemStatus.SUBMITTED, ItemStatus.DRAFT)
    version.status = ItemStatus.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    ItemEvent.objects.create(
        item=version.item, version=version, actor=user, action=ItemEvent.Action.RETIRED,
        comment=comment,
    )  # fmt: skip
    return version


def item_comment_add(*, item: Item, user, comment: str, version: ItemVersion | None = None):
    if not comment.strip():
        raise ValidationError("the comment is empty")
    return ItemEvent.objects.create(
        item=item, version=version, actor=user, action=ItemEvent.Action.COMMENTED, comment=comment
    )


@transaction.atomic
def item_enemies_set(*, item: Item, enemies: Iterable[Item], user=None) -> Item:
    """Items that must never appear in the same paper as ``item`` (symmetric)."""
    enemies = [e for e in enemies if e.pk != item.pk]
    item.enemies.set(enemies)
    ItemEvent.objects.create(
        item=item, actor=user, action=ItemEvent.Action.ENEMIES,
        comment=", ".join(str(e.uid) for e in enemies),
    )  # fmt: skip
    return item


def item_exposure_record(*, item: Item) -> None:
    """Count one more showing of the item (atomic increment, safe under concurrency)."""
    Item.objects.filter(pk=item.pk).update(
        exposure_count=F("exposure_count") + 1, last_exposed_at=timezone.now()
    )
