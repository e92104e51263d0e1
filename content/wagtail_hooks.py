"""Admin URLs and menu entries of the content app (courses from QPs, coverage report)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.permissions import PermissionMenuItem
from question_bank.items.usage import HOOK as ITEM_USED_IN

from . import admin_views
from .choosers import item_chooser_viewset
from .item_usage import item_used_in


@hooks.register("register_admin_urls")
def content_admin_urls():
    return [
        path("content/coverage/", admin_views.coverage_index, name="content_coverage_index"),
        path(
            "content/coverage/<int:qualification_pack_id>/",
            admin_views.coverage_report,
            name="content_coverage_report",
        ),
        path(
            "content/courses/create/<int:qualification_pack_id>/",
            admin_views.course_create,
            name="content_course_create",
        ),
        path(
            "content/lessons/new/<int:module_id>/",
            admin_views.lesson_create,
            name="content_lesson_create",
        ),
        path(
            "content/lessons/<int:lesson_id>/knowledge-check/",
            admin_views.knowledge_check_preview,
            name="content_knowledge_check_preview",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_item_chooser():
    return item_chooser_viewset


# The bank's item page asks where an item is used (question_bank.items.usage).
hooks.register(ITEM_USED_IN, item_used_in)


@hooks.register("register_page_header_buttons")
def knowledge_check_preview_button(page, user, view_name, next_url=None):
    from wagtail.admin.widgets import Button

    from .models import LessonPage

    if isinstance(page.specific_deferred, LessonPage) and user.has_perm(
        "content.view_coverage_report"
    ):
        yield Button(
            _("Preview the knowledge check"),
            reverse("content_knowledge_check_preview", args=[page.pk]),
            icon_name="help",
            priority=90,
        )


@hooks.register("register_admin_menu_item")
def coverage_menu_item():
    return PermissionMenuItem(
        _("Course coverage"),
        reverse("content_coverage_index"),
        icon_name="table",
        order=255,
        permission="content.view_coverage_report",
    )
