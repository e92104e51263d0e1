"""Reads of the qualification framework for pages and reports."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import (
    Element,
    NationalOccupationalStandard,
    QualificationPack,
    QualificationPackNos,
)


def qualification_pack_list(*, query: str = "", include_old: bool = False) -> QuerySet:
    """QPs matching a search over their code/title and their NOS' codes, titles and PC texts."""
    packs = QualificationPack.objects.select_related("sector", "awarding_body").annotate(
        nos_count=Count("nos_links", distinct=True)
    )
    if not include_old:
        packs = packs.filter(is_current=True)
    if query:
        packs = packs.filter(
            Q(code__icontains=query)
            | Q(title__icontains=query)
            | Q(nos__code__icontains=query)
            | Q(nos__title__icontains=query)
            | Q(nos__performance_criteria__text__icontains=query)
            | Q(nos__knowledge_items__text__icontains=query)
        ).distinct()
    return packs.order_by("code", "-revision")


def standalone_unit_list(*, query: str = "") -> QuerySet:
    """Current units that no current QP lists (e.g. Hong Kong units of competency)."""
    units = NationalOccupationalStandard.objects.filter(is_current=True).exclude(
        pack_links__qualification_pack__is_current=True
    )
    if query:
        units = units.filter(Q(code__icontains=query) | Q(title__icontains=query))
    return units.order_by("code")


def qualification_pack_links(*, qualification_pack: QualificationPack) -> QuerySet:
    return (
        QualificationPackNos.objects.filter(qualification_pack=qualification_pack)
        .select_related("nos")
        .annotate(pc_count=Count("nos__performance_criteria", distinct=True))
        .order_by("position")
    )


def nos_detail(*, pk: int) -> NationalOccupationalStandard:
    """A NOS with its elements, PCs, knowledge items and skills loaded for display."""
    return NationalOccupationalStandard.objects.prefetch_related(
        Prefetch(
            "elements",
            queryset=Element.objects.prefetch_related("performance_criteria").order_by("position"),
        ),
        "knowledge_items",
        "generic_skills",
        "pack_links__qualification_pack",
    ).get(pk=pk)
