"""Admin URLs and menu entries of the content app (courses from QPs, coverage report)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.permissions import PermissionMenuItem

from . import admin_views


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
    ]


@hooks.register("register_admin_menu_item")
def coverage_menu_item():
    return PermissionMenuItem(
        _("Course coverage"),
        reverse("content_coverage_index"),
        icon_name="table",
        order=255,
        permission="content.view_coverage_report",
    )
