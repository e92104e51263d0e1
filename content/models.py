"""Course pages and learner progress.

CourseIndexPage -> CoursePage (one QualificationPack) -> ModulePage (one NOS of that QP, in the
QP's order) -> LessonPage (a StreamField body, tagged with the PCs, knowledge items and generic
skills of its module's NOS that it teaches). Pages point at the framework row that was current
when they were created; a later revision of the QP/NOS adds new rows and the pages show which
revision they follow.

LessonCompletion records that a learner finished a lesson. Progress is counted by the lesson's
``translation_key``, so finishing the Hindi copy of a lesson counts for the English one too.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from question_bank.models import (
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)

from .blocks import LessonStreamBlock

INTRO_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class LearnerPageMixin:
    """Course, module and lesson pages are for signed-in people: progress is per learner."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)  # type: ignore[misc]


class CourseIndexPage(Page):
    intro = RichTextField(features=INTRO_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.CoursePage"]

    class Meta:
        verbose_name = _("course index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.objects.child_of(self).live().specific()
        return context


class CoursePage(LearnerPageMixin, Page):
    qualification_pack = models.ForeignKey(
        QualificationPack,
        on_delete=models.PROTECT,
        related_name="course_pages",
        verbose_name=_("qualification pack"),
        help_text=_("The revision of the QP this course follows."),
    )
    intro = RichTextField(features=INTRO_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("qualification_pack"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["content.CourseIndexPage"]
    subpage_types = ["content.ModulePage"]

    class Meta:
        verbose_name = _("course")
        permissions = [
            ("view_coverage_report", "Can view the content coverage report"),
            ("create_course", "Can create a course from a qualification pack"),
        ]

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_progress

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = course_progress(user=request.user, course=self)
        return context


class ModulePage(LearnerPageMixin, Page):
    nos = models.ForeignKey(
        NationalOccupationalStandard,
        on_delete=models.PROTECT,
        related_name="module_pages",
        verbose_name=_("national occupational standard"),
        help_text=_("The revision of the NOS this module teaches."),
    )
    intro = RichTextField(features=INTRO_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("nos"), FieldPanel("intro")]
    parent_page_types = ["content.CoursePage"]
    subpage_types = ["content.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def get_context(self, request, *args, **kwargs):
        from .selectors import module_lessons_with_progress

        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = module_lessons_with_progress(user=request.user, module=self)
        return context


class LessonPageForm(WagtailAdminPageForm):
    """Offers only the PCs, knowledge items and generic skills of the module's NOS, and refuses
    any other on save (a forged POST included)."""

    TAG_FIELDS = ("performance_criteria", "knowledge_items", "generic_skills")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.module_nos = self._module_nos()
        for name in self.TAG_FIELDS:
            field = self.fields.get(name)
            if field is None:
                continue
            model = field.queryset.model
            field.queryset = (
                model.objects.filter(nos=self.module_nos)
                if self.module_nos is not None
                else model.objects.none()
            )
            # Codes alone mean little to an editor: "KU3 — statement".
            field.label_from_instance = lambda tag: f"{tag.code} — {tag.text}"

    def _module_nos(self):
        parent = getattr(self, "parent_page", None)
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        if parent is None:
            return None
        parent = parent.specific
        return getattr(parent, "nos", None)

    def clean(self):
        cleaned = super().clean()
        for name in self.TAG_FIELDS:
            for tagged in cleaned.get(name) or []:
                if self.module_nos is None or tagged.nos_id != self.module_nos.pk:
                    self.add_error(
                        name,
                        ValidationError(
                            _("%(item)s is not part of this module's NOS."),
                            params={"item": tagged},
                            code="outside_nos",
                        ),
                    )
        return cleaned


class LessonPage(LearnerPageMixin, Page):
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown in the module's list.")
    )
    body = StreamField(LessonStreamBlock(), blank=True)
    performance_criteria = ParentalManyToManyField(
        PerformanceCriterion, blank=True, related_name="lessons", verbose_name=_("PCs taught")
    )
    knowledge_items = ParentalManyToManyField(
        KnowledgeItem, blank=True, related_name="lessons", verbose_name=_("knowledge taught")
    )
    generic_skills = ParentalManyToManyField(
        GenericSkill, blank=True, related_name="lessons", verbose_name=_("generic skills taught")
    )

    base_form_class = LessonPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("performance_criteria", widget=forms.CheckboxSelectMultiple),
                FieldPanel("knowledge_items", widget=forms.CheckboxSelectMultiple),
                FieldPanel("generic_skills", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("What this lesson teaches (from the module's NOS)"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["content.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    @property
    def module(self) -> ModulePage | None:
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    def get_context(self, request, *args, **kwargs):
        from .selectors import lesson_is_completed

        context = super().get_context(request, *args, **kwargs)
        context["module"] = self.module
        context["completed"] = lesson_is_completed(user=request.user, lesson=self)
        context["next_lesson"] = (
            self.get_next_siblings().live().type(LessonPage).first() if self.pk else None
        )
        return context


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lesson completion")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.lesson_id}"


class ServedQuestion(models.Model):
    """One knowledge-check question as one page view showed it to one learner.

    The check endpoint answers only for a (token, item version) pair the server itself served to
    that learner, on that lesson, within ``KNOWLEDGE_CHECK_WINDOW``, once: without it the
    endpoint would hand out the key of any item id a learner cares to post. ``option_order`` is
    the order the options were shown in; it goes to the recorded response.
    """

    token = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    item_version = models.ForeignKey(
        "question_bank.ItemVersion", on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, default="en")
    option_order = models.JSONField(default=list, blank=True)
    served_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("served knowledge-check question")
        constraints = [
            models.UniqueConstraint(
                fields=["token", "item_version"], name="served_question_once_per_view"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_version_id} served to {self.user_id} ({self.token[:8]})"
