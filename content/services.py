"""Writes for course content: the course index and who may edit under it, courses built from a
QP, lessons, completions, and knowledge checks (serving questions, answering them).

Editors author lessons below the course index: their role group gets Wagtail page permissions
there (add/edit, no publish) and the "Lesson review" workflow sends what they submit to the
reviewers (administrators and SSC curators), who approve and so publish it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.roles import Role, roles_sync
from question_bank.models import (
    GenericSkill,
    KnowledgeItem,
    PerformanceCriterion,
    QualificationPack,
)

from .models import (
    CourseIndexPage,
    CoursePage,
    LessonCompletion,
    LessonPage,
    ModulePage,
    ServedQuestion,
)

LESSON_WORKFLOW_NAME = "Lesson review"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
REVIEWER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
REVIEWER_ROLES = (Role.ADMINISTRATOR, Role.SSC_CURATOR)
# Images and documents for lesson bodies, on the root collection.
MEDIA_PERMISSIONS = (
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
)


def _publish(page: Page, *, user=None) -> None:
    page.save_revision(user=user, log_action=True).publish(user=user)


def page_aliases_sync(*, page: Page) -> None:
    """Give a new page an alias in every other locale's tree (parents too), as Wagtail's
    WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE does for pages created in the admin: a learner
    reading in Hindi then sees the English page until someone translates it, never a 404."""
    for locale in Locale.objects.exclude(pk=page.locale_id):
        if not page.has_translation(locale):
            page.copy_for_translation(locale, copy_parents=True, alias=True)


def _role_group(role: Role) -> Group:
    group = Group.objects.filter(name=role.value).first()
    return group or roles_sync()[role]


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


@transaction.atomic
def content_permissions_grant(*, course_index: CourseIndexPage) -> Workflow:
    """Page permissions for editors and reviewers on the course index, media permissions on the
    root collection, and the review workflow on the index (idempotent)."""
    grants = [(Role.CONTENT_EDITOR, EDITOR_PAGE_PERMISSIONS)] + [
        (role, REVIEWER_PAGE_PERMISSIONS) for role in REVIEWER_ROLES
    ]
    # The index in every language: Hindi lessons are edited in the Hindi tree.
    indexes = list(course_index.get_translations(inclusive=True))
    for role, codenames in grants:
        group = _role_group(role)
        for codename in codenames:
            for index in indexes:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=index, permission=_page_permission(codename)
                )
    root_collection = Collection.get_first_root_node()
    for role in (Role.CONTENT_EDITOR, *REVIEWER_ROLES):
        group = _role_group(role)
        for dotted in MEDIA_PERMISSIONS:
            app_label, codename = dotted.split(".")
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                ),
            )
    workflow, _ = Workflow.objects.get_or_create(name=LESSON_WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=LESSON_WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=LESSON_WORKFLOW_NAME)
    task.groups.set([_role_group(role) for role in REVIEWER_ROLES])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for index in indexes:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def course_index_ensure(*, title: str = "Courses") -> CourseIndexPage:
    """The course index of the default locale, created under the site's home page if missing."""
    locale = Locale.get_default()
    index = CourseIndexPage.objects.filter(locale=locale).first()
    if index is None:
        site = Site.objects.filter(is_default_site=True).first()
        parent = site.root_page if site else Page.get_first_root_node()
        index = CourseIndexPage(title=title, slug="courses", locale=parent.locale)
        parent.add_child(instance=index)
        _publish(index)
    page_aliases_sync(page=index)
    content_permissions_grant(course_index=index)
    return index


@transaction.atomic
def course_create(
    *, qualification_pack: QualificationPack, course_index: CourseIndexPage | None = None, user=None
) -> CoursePage:
    """The course for a QP, with one module per NOS in the QP's order, published.

    Idempotent: when a course for this QP code exists, missing modules are added and nothing
    else changes, so re-running the demo or the command is safe.
    """
    index = course_index or course_index_ensure()
    course = (
        CoursePage.objects.child_of(index)
        .filter(qualification_pack__code=qualification_pack.code)
        .first()
    )
    if course is None:
        course = CoursePage(
            title=qualification_pack.title,
            slug=slugify(qualification_pack.code),
            qualification_pack=qualification_pack,
            intro=f"<p>{qualification_pack.code}: {qualification_pack.title}</p>",
        )
        index.add_child(instance=course)
        _publish(course, user=user)
        page_aliases_sync(page=course)
    existing = set(ModulePage.objects.child_of(course).values_list("nos__code", flat=True))
    for link in qualification_pack.nos_links.select_related("nos").order_by("position"):
        if link.nos.code in existing:
            continue
        module = ModulePage(
            title=link.nos.title,
            slug=slugify(link.nos.code),
            nos=link.nos,
            intro=f"<p>{link.nos.description}</p>" if link.nos.description else "",
        )
        course.add_child(instance=module)
        _publish(module, user=user)
        page_aliases_sync(page=module)
    return course


def course_create_for_code(*, code: str, user=None) -> CoursePage:
    qualification_pack = QualificationPack.objects.filter(code=code, is_current=True).first()
    if qualification_pack is None:
        raise ValidationError(f"No imported qualification pack has the code {code!r}.")
    return course_create(qualification_pack=qualification_pack, user=user)


@dataclass(frozen=True)
class LessonTags:
    performance_criteria: tuple[str, ...] = ()
    knowledge_items: tuple[str, ...] = ()
    generic_skills: tuple[str, ...] = ()


def _by_codes(queryset, codes: Iterable[str], what: str) -> list:
    codes = list(codes)
    found = {obj.code: obj for obj in queryset.filter(code__in=codes).order_by("-position")}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(f"{what} not in the module's NOS: {', '.join(missing)}")
    return [found[code] for code in codes]


@transaction.atomic
def lesson_create_or_update(
    *,
    module: ModulePage,
    slug: str,
    title: str,
    summary: str,
    body: list,
    tags: LessonTags,
    publish: bool = True,
    user=None,
) -> LessonPage:
    """A lesson under a module, tagged by code with items of the module's NOS only."""
    nos = module.nos
    pcs = _by_codes(PerformanceCriterion.objects.filter(nos=nos), tags.performance_criteria, "PCs")
    kus = _by_codes(KnowledgeItem.objects.filter(nos=nos), tags.knowledge_items, "Knowledge items")
    gss = _by_codes(GenericSkill.objects.filter(nos=nos), tags.generic_skills, "Generic skills")
    lesson = LessonPage.objects.child_of(module).filter(slug=slug).first()
    if lesson is None:
        # A new page starts as a draft; publishing the first revision makes it live.
        lesson = LessonPage(slug=slug, title=title, summary=summary, body=body, live=False)
        module.add_child(instance=lesson)
    else:
        lesson = lesson.specific
        lesson.title, lesson.summary, lesson.body = title, summary, body
    lesson.performance_criteria.set(pcs)
    lesson.knowledge_items.set(kus)
    lesson.generic_skills.set(gss)
    revision = lesson.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)  # also updates the lesson's existing aliases
    lesson = LessonPage.objects.get(pk=lesson.pk)
    page_aliases_sync(page=lesson)
    return lesson


@transaction.atomic
def lesson_translate(
    *, page: LessonPage, title: str, summary: str, body: list, user=None
) -> LessonPage:
    """Give a lesson in another locale its own text: an alias (which mirrors the source lesson)
    becomes a translation, keeps its tags and translation_key, and is published."""
    if page.alias_of_id:
        ConvertAliasPageAction(page, user=user).execute(skip_permission_checks=True)
        page = LessonPage.objects.get(pk=page.pk)
    page.title, page.summary, page.body = title, summary, body
    page.save_revision(user=user, log_action=True).publish(user=user)
    return LessonPage.objects.get(pk=page.pk)


def page_title_translate(*, page: Page, title: str, user=None) -> Page:
    """Give a course or module in another locale its own title (an alias becomes a translation
    and is published); its lessons and tags stay as they are."""
    if page.alias_of_id:
        ConvertAliasPageAction(page, user=user).execute(skip_permission_checks=True)
    page = Page.objects.get(pk=page.pk).specific
    page.title = title
    page.draft_title = title
    page.save_revision(user=user, log_action=True).publish(user=user)
    return Page.objects.get(pk=page.pk).specific


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> LessonCompletion:
    """Mark a live lesson done for this user (idempotent: the first completion time stays)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to record progress.")
    if not lesson.live:
        raise ValidationError("This lesson is not published.")
    completion, _ = LessonCompletion.objects.get_or_create(
        user=user, lesson=lesson, defaults={"completed_at": timezone.now()}
    )
    return completion


@dataclass(frozen=True)
class KnowledgeCheckServed:
    """What one render of a knowledge-check block shows: the token its forms carry and the
    questions (no keys, options in the order served)."""

    token: str
    questions: list[dict]


def knowledge_check_window() -> timedelta:
    """How long a served question may be answered (setting ``KNOWLEDGE_CHECK_WINDOW_MINUTES``)."""
    return timedelta(minutes=getattr(settings, "KNOWLEDGE_CHECK_WINDOW_MINUTES", 120))


@transaction.atomic
def knowledge_check_serve(
    *,
    user,
    lesson: LessonPage,
    limit: int,
    language: str = "en",
    pinned_item_ids: list[int] | None = None,
) -> KnowledgeCheckServed:
    """Draw a knowledge check's questions and record, server-side, that this page view served
    them to this learner, under a fresh token: only these may be answered, once each.

    Without a signed-in learner or a saved lesson (an editor's preview of a new page) nothing is
    recorded and the token is empty, so nothing can be answered."""
    from adaptive.options import option_order, option_order_seed, options_in_order
    from question_bank import api as bank_api

    from .selectors import knowledge_check_item_versions

    versions = knowledge_check_item_versions(
        lesson=lesson, limit=limit, language=language, pinned_item_ids=pinned_item_ids or []
    )
    record = bool(getattr(user, "is_authenticated", False) and lesson.pk)
    token = secrets.token_urlsafe(32) if record else ""
    now = timezone.now()
    questions, served = [], []
    for version in versions:
        order = option_order(
            item_version=version,
            seed=option_order_seed(scope=f"knowledge-check:{token}", item_id=version.item_id),
        )
        question = bank_api.item_for_learner(item_version=version, language=language)
        questions.append(options_in_order(question, order))
        if record:
            served.append(
                ServedQuestion(
                    token=token,
                    user=user,
                    lesson=lesson,
                    item_version=version,
                    language=language,
                    option_order=order,
                    served_at=now,
                )
            )
    if record:
        # Keep the table to what can still be answered: this learner's expired views go.
        ServedQuestion.objects.filter(
            user=user, served_at__lt=now - knowledge_check_window()
        ).delete()
        ServedQuestion.objects.bulk_create(served)
    return KnowledgeCheckServed(token=token, questions=questions)


NOT_SERVED = "This question was not shown to you on this page. Reload the lesson and try again."


@transaction.atomic
def knowledge_check_answer(
    *, user, lesson: LessonPage, token: str, item_version_id: int, answer, language: str = "en"
) -> dict:
    """Evaluate a learner's answer to a knowledge-check question and record it as low-stakes
    practice for the adaptive engine; returns the feedback (``response_evaluate``).

    Only a question this learner was served on this lesson under ``token`` (one page view),
    within the window and not answered yet under that token; never an item an active
    assessment holds (it may have become active since the page was served). A malformed
    answer uses nothing up."""
    from adaptive.papers import items_in_active_pools
    from adaptive.services import response_record
    from question_bank import api as bank_api
    from question_bank.models import ItemPurpose, ItemStatus

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to answer.")
    if not lesson.live:
        raise ValidationError("This lesson is not published.")
    served = (
        ServedQuestion.objects.select_for_update(of=("self",))
        .select_related("item_version__item")
        .filter(token=token, item_version_id=item_version_id, user=user, lesson=lesson)
        .first()
        if token
        else None
    )
    if served is None:
        raise ValidationError(NOT_SERVED)
    if served.answered_at is not None:
        raise ValidationError(
            "You have answered this question already. Reload the lesson to try it again."
        )
    if served.served_at < timezone.now() - knowledge_check_window():
        raise ValidationError("This page is too old to answer. Reload the lesson and try again.")
    version = served.item_version
    if (
        version.status != ItemStatus.APPROVED
        or version.item.purpose != ItemPurpose.PRACTICE
        or items_in_active_pools(item_ids=[version.item_id])
    ):
        raise ValidationError("This question is no longer available for practice.")
    # Recording validates the answer (and scores it the same way) before any feedback is shown.
    response_record(
        user=user,
        item_version=version,
        answer=answer,
        mode="practice",
        language=served.language,
        option_order=served.option_order,
    )
    served.answered_at = timezone.now()
    served.save(update_fields=["answered_at"])
    return bank_api.response_evaluate(item_version=version, answer=answer, language=served.language)
