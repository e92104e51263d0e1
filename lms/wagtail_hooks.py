"""Admin pages of the project app: batches (``lms.admin_batches``), the assessor's assignment
page (``lms.admin_assignments``), and the Devanagari font on every admin page."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import Role, user_has_role

from . import admin_assignments, admin_batches


@hooks.register("register_admin_urls")
def register_batch_urls():
    return [
        path("batches/", admin_batches.batch_index, name="lms_batch_index"),
        path("batches/new/", admin_batches.batch_create, name="lms_batch_create"),
        path("batches/<int:pk>/", admin_batches.batch_edit, name="lms_batch_edit"),
        path(
            "assessment-assign/<int:pk>/",
            admin_assignments.assessment_assign,
            name="lms_assessment_assign",
        ),
    ]


class BatchMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return user_has_role(request.user, Role.TRAINER) or user_has_role(
            request.user, Role.ADMINISTRATOR
        )


@hooks.register("register_admin_menu_item")
def register_batch_menu_item():
    return BatchMenuItem("Batches", reverse("lms_batch_index"), icon_name="group", order=260)


@hooks.register("insert_global_admin_css")
def devanagari_font_css():
    """Wagtail's admin fonts have no Devanagari: without this, Hindi titles and bodies in the
    editor show as boxes on a machine without a Devanagari font."""
    return format_html('<link rel="stylesheet" href="{}">', static("lms/admin-devanagari.css"))
