"""Permission checks shared by every app's admin pages (the lowest layer: any app may use it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from wagtail.admin.menu import MenuItem


def permission_require(request: HttpRequest, *permissions: str) -> None:
    """Refuse the request unless the user has every one of ``permissions``."""
    if not all(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


class PermissionMenuItem(MenuItem):
    """A Wagtail admin menu item shown only to users with ``permission``."""

    def __init__(self, *args, permission: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.permission)
