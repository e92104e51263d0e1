"""Project-level pages: health check, the role-aware dashboard (where everyone lands after
logging in: each role finds its own work there, with counts, not an empty menu), and our error
pages."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from accounts.roles import user_roles
from adaptive.views import database_outage_response
from lms.selectors import dashboard_summary


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database and the cache answer."""
    status: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        status["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        status["cache"] = "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as exc:  # noqa: BLE001
        status["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    roles = user_roles(request.user)
    return render(
        request,
        "lms/dashboard.html",
        {
            "roles": sorted(role.label for role in roles),
            **dashboard_summary(user=request.user, roles=roles),
        },
    )


# Error pages (handler403/404/500 and CSRF_FAILURE_VIEW): ours, in the visitor's language, with no
# stack trace and no exception text (Django logs the exception, never shows it). 403, 404 and the
# CSRF page have a request, so they are drawn in the site's design with its navigation and
# language switch; the 500 page uses nothing from the request or the database, so that it
# renders even when the database is what failed.


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "404.html", 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "403.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Our 500 page; but a database that cannot be reached (a restart, a failover) is a 503
    saying to try again, on every page, also where it fails outside a view (the session or
    the user in a middleware). The assessment pages answer that themselves
    (``adaptive.views.database_outage_answered``); this is the same page for the rest."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_outage_response(request)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(request, "403_csrf.html", 403)
