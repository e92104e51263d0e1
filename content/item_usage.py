"""Where a bank item is used, for the curator's item page ("used in"): assessments whose pool
may draw it and the attempts that showed it (adaptive), and lessons whose knowledge check pins
it or may draw it (this app). Answers the bank's ``item_used_in`` hook
(``question_bank.items.usage``), registered in ``wagtail_hooks``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from adaptive.models import Assessment, Response
from question_bank.items.usage import ItemUsage
from question_bank.models import Item, ItemPurpose, ItemStatus, QualificationPack

from .blocks import pinned_item_ids
from .models import LessonPage


def item_assessments(*, item: Item) -> list[ItemUsage]:
    """Assessments of a QP listing the item's NOS (and not scoped away from it) draw it while
    it has an approved summative version; attempts that showed it count as issued papers."""
    usages: list[ItemUsage] = []
    approved = item.versions.filter(status=ItemStatus.APPROVED).exists()
    if item.nos_id and approved and item.purpose == ItemPurpose.SUMMATIVE:
        codes = QualificationPack.objects.filter(
            is_current=True, nos_links__nos__code=item.nos.code
        ).values_list("code", flat=True)
        for assessment in Assessment.objects.filter(qualification_pack_code__in=list(codes)):
            if assessment.scoped_nos and item.nos.code not in assessment.scoped_nos:
                continue
            usages.append(
                ItemUsage(
                    kind="assessment",
                    label=str(assessment),
                    url=reverse("assessments:edit", args=[assessment.pk]),
                    note="in the pool" + ("" if assessment.is_active else " (inactive)"),
                )
            )
    shown = (
        Response.objects.filter(item=item, attempt__assessment__isnull=False)
        .values("attempt__assessment__title", "attempt__assessment_id")
        .annotate(attempts=Count("attempt", distinct=True))
        .order_by("attempt__assessment__title")
    )
    for row in shown:
        usages.append(
            ItemUsage(
                kind="paper",
                label=row["attempt__assessment__title"] or "assessment",
                url=reverse("assessments:edit", args=[row["attempt__assessment_id"]]),
                note=f"shown in {row['attempts']} attempt(s)",
            )
        )
    return usages


def item_lessons(*, item: Item) -> list[ItemUsage]:
    """Lessons with a knowledge check that pins the item, or that may draw it because the
    lesson teaches its PC, KUs or GSs (practice items only)."""
    tagged = Q(pk__in=[])
    if item.purpose == ItemPurpose.PRACTICE:
        if item.performance_criterion_id:
            tagged |= Q(performance_criteria=item.performance_criterion_id)
        tagged |= Q(knowledge_items__in=item.knowledge_items.all())
        tagged |= Q(generic_skills__in=item.generic_skills.all())
    drawable = set(LessonPage.objects.filter(tagged).values_list("pk", flat=True))
    usages = []
    # Pins live inside the StreamField's JSON: only lessons with a knowledge check are read.
    for lesson in LessonPage.objects.filter(body__icontains="knowledge_check").order_by("title"):
        checks = [block.value for block in lesson.body if block.block_type == "knowledge_check"]
        pinned = any(item.pk in pinned_item_ids(value) for value in checks)
        if not checks or not (pinned or lesson.pk in drawable):
            continue
        usages.append(
            ItemUsage(
                kind="lesson",
                label=lesson.title,
                url=reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
                note="pinned in its knowledge check"
                if pinned
                else "its knowledge check may draw it",
            )
        )
    return usages


def item_used_in(item: Item) -> list[ItemUsage]:
    return item_assessments(item=item) + item_lessons(item=item)
