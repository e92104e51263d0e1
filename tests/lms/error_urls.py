"""The project's URLs plus two views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from lms.urls import handler403, handler404, handler500
from lms.urls import urlpatterns as project_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("secret-detail: the database password is hunter2")


def database_gone(request):
    from django.db import OperationalError

    raise OperationalError("secret-detail: connection to server at 10.0.0.5 refused")


def denied(request):
    raise PermissionDenied("secret-detail: internal rule 42")


urlpatterns = [
    path("test-boom/", boom),
    path("test-database-gone/", database_gone),
    path("test-denied/", denied),
    *project_urlpatterns,
]
