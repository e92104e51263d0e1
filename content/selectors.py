"""Reads for course pages: learner progress, the coverage report, knowledge-check items.

Progress counts live lessons and matches completions by ``translation_key``, so a lesson done in
Hindi counts in the English course too. Learners only ever get their own completions: every
function takes the user and filters on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from wagtail.models import Locale

from question_bank.models import (
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)

from .models import CoursePage, LessonCompletion, LessonPage, ModulePage


def _completed_keys(*, user, lessons) -> set:
    if not getattr(user, "is_authenticated", False):
        return set()
    keys = [lesson.translation_key for lesson in lessons]
    return set(
        LessonCompletion.objects.filter(user=user, lesson__translation_key__in=keys).values_list(
            "lesson__translation_key", flat=True
        )
    )


def lesson_is_completed(*, user, lesson: LessonPage) -> bool:
    return bool(_completed_keys(user=user, lessons=[lesson]))


@dataclass
class LessonProgress:
    lesson: LessonPage
    completed: bool


def module_lessons_with_progress(*, user, module: ModulePage) -> list[LessonProgress]:
    """The module's live lessons in page order, each with whether this user completed it."""
    if module.pk is None:  # previewing a module that is not saved yet
        return []
    lessons = list(LessonPage.objects.child_of(module).live().specific())
    done = _completed_keys(user=user, lessons=lessons)
    return [
        LessonProgress(lesson=lesson, completed=lesson.translation_key in done)
        for lesson in lessons
    ]


@dataclass
class ModuleProgress:
    module: ModulePage
    nos: NationalOccupationalStandard
    lessons_total: int
    lessons_completed: int

    @property
    def percent(self) -> int:
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_completed / self.lessons_total)


def course_progress(*, user, course: CoursePage) -> list[ModuleProgress]:
    """Per module (NOS) of the course, in page order: live lessons and how many the user did."""
    if course.pk is None:  # previewing a course that is not saved yet
        return []
    modules = list(ModulePage.objects.child_of(course).live().specific().select_related("nos"))
    lessons = list(LessonPage.objects.descendant_of(course).live())
    done = _completed_keys(user=user, lessons=lessons)
    by_module: dict[str, list[LessonPage]] = {}
    for lesson in lessons:
        by_module.setdefault(lesson.path[: -lesson.steplen], []).append(lesson)
    result = []
    for module in modules:
        own = by_module.get(module.path, [])
        result.append(
            ModuleProgress(
                module=module,
                nos=module.nos,
                lessons_total=len(own),
                lessons_completed=sum(1 for lesson in own if lesson.translation_key in done),
            )
        )
    return result


def course_for_qualification_pack(*, code: str) -> CoursePage | None:
    """The course (in the default locale) built on any revision of the QP with this code."""
    return (
        CoursePage.objects.filter(qualification_pack__code=code, locale=Locale.get_default())
        .order_by("pk")
        .first()
    )


# --- Coverage -------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    kind: str  # "PC", "KU" or "GS" (the code itself may read KA3, SB12...)
    obj: PerformanceCriterion | KnowledgeItem | GenericSkill
    lessons: list[LessonPage]
    has_approved_items: bool

    @property
    def code(self) -> str:
        return self.obj.code

    @property
    def text(self) -> str:
        return self.obj.text

    @property
    def taught(self) -> bool:
        return bool(self.lessons)


@dataclass
class NosCoverage:
    nos: NationalOccupationalStandard
    module: ModulePage | None
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def untaught(self) -> list[CoverageRow]:
        return [row for row in self.rows if not row.taught]

    @property
    def without_items(self) -> list[CoverageRow]:
        return [row for row in self.rows if not row.has_approved_items]


def _approved_item_checker():
    """``obj -> bool``: whether the bank holds an approved item for a PC/KU/GS."""
    from question_bank import api as bank_api

    def has_items(kind: str, obj) -> bool:
        argument = {"PC": "performance_criteria", "KU": "knowledge_items", "GS": "generic_skills"}
        return bool(bank_api.approved_items_for(**{argument[kind]: [obj]}, limit=1))

    return has_items


def _one_per_translation(lessons, default_locale_id: int) -> list[LessonPage]:
    """Live lessons, one per translation_key (the default locale's copy where there is one)."""
    chosen: dict = {}
    for lesson in lessons:
        if not lesson.live:
            continue
        current = chosen.get(lesson.translation_key)
        if current is None or (
            lesson.locale_id == default_locale_id and current.locale_id != default_locale_id
        ):
            chosen[lesson.translation_key] = lesson
    return list(chosen.values())


def coverage_report(*, qualification_pack: QualificationPack) -> list[NosCoverage]:
    """For each NOS of the QP, in the QP's order: every PC, KU and GS with the published lessons
    that teach it and whether the bank has an approved item for it."""
    course = course_for_qualification_pack(code=qualification_pack.code)
    default_locale_id = Locale.get_default().pk
    modules: dict[str, ModulePage] = {}
    if course is not None:
        for module in ModulePage.objects.child_of(course).specific().select_related("nos"):
            modules.setdefault(module.nos.code, module)
    has_items = _approved_item_checker()
    report = []
    for link in qualification_pack.nos_links.select_related("nos").order_by("position"):
        nos = link.nos
        coverage = NosCoverage(nos=nos, module=modules.get(nos.code))
        groups: list[tuple[str, QuerySet]] = [
            ("PC", nos.performance_criteria.all()),
            ("KU", nos.knowledge_items.all()),
            ("GS", nos.generic_skills.all()),
        ]
        for kind, queryset in groups:
            for obj in queryset.prefetch_related("lessons"):
                live = _one_per_translation(obj.lessons.all(), default_locale_id)
                coverage.rows.append(
                    CoverageRow(
                        kind=kind, obj=obj, lessons=live, has_approved_items=has_items(kind, obj)
                    )
                )
        report.append(coverage)
    return report


# --- Knowledge checks ---------------------------------------------------------------------


def knowledge_check_item_versions(
    *, lesson: LessonPage, limit: int, language: str = "en", pinned_item_ids: list[int] = ()
) -> list:
    """The items an editor pinned (their approved practice versions, in the editor's order),
    then approved practice items for what the lesson teaches (its PCs, KUs and GSs).

    Only ``ItemPurpose.PRACTICE`` items, and never one an active assessment may draw (or an
    unfinished attempt holds): a knowledge check shows the key after answering. A pinned item
    that is no longer approved for practice is left out, as if it were not pinned."""
    from adaptive.papers import items_in_active_pools
    from question_bank import api as bank_api
    from question_bank.models import ItemPurpose, ItemStatus, ItemVersion

    pinned: list = []
    if pinned_item_ids:
        found = {
            v.item_id: v
            for v in ItemVersion.objects.filter(
                item_id__in=pinned_item_ids,
                status=ItemStatus.APPROVED,
                item__purpose=ItemPurpose.PRACTICE,
                item_type__in=bank_api.deliverable_types(),
            )
            .select_related("item")
            .prefetch_related("options", "translations")
        }
        pinned = [found[pk] for pk in dict.fromkeys(pinned_item_ids) if pk in found]
    versions = pinned + [
        v
        for v in bank_api.approved_items_for(
            performance_criteria=list(lesson.performance_criteria.all()),
            knowledge_items=list(lesson.knowledge_items.all()),
            generic_skills=list(lesson.generic_skills.all()),
            language=language,
            limit=limit * 2,  # room for the ones an assessment holds, without a second query
            purpose=ItemPurpose.PRACTICE,
        )
        if v.item_id not in {p.item_id for p in pinned}
    ]
    held = items_in_active_pools(item_ids=[v.item_id for v in versions])
    return [v for v in versions if v.item_id not in held][:limit]
