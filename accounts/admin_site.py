"""The Django admin (``/django-admin/``) is for administrators only.

Django lets every staff user sign in to it, and our curators, content editors and assessors are
staff (Wagtail's admin needs that). They have no Django admin work, and some third-party admin
views check nothing but staff status (django-taggit's "merge tags"), so the site itself refuses
anyone who is not an Administrator (superusers count as administrators).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class AdministratorsAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here: this module is loaded with the app registry, before models may be.
        from .roles import Role, user_has_role

        return super().has_permission(request) and user_has_role(request.user, Role.ADMINISTRATOR)


class AdministratorsAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.AdministratorsAdminSite"
