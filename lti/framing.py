"""Who may show our pages in a frame.

Learners meet Kaushal inside their LMS's iframe (Moodle, Blackboard), so learner pages must be
frameable by the registered platforms, and by nobody else (clickjacking). Django's
``X-Frame-Options`` can only say DENY or SAMEORIGIN, so for pages outside the admin this
middleware replaces it with ``Content-Security-Policy: frame-ancestors 'self' <platform
origins>``, the origins being those of the active platform registrations. Admin pages (Wagtail's
and Django's) may be framed by our own origin only, which Wagtail's live preview needs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from .models import PlatformRegistration

# Every page's response asks for these origins; they change when a platform is registered,
# edited or removed (``platform_origins_forget``, on save and delete), so they are cached
# rather than queried per request. The timeout bounds a change made behind the ORM's back.
PLATFORM_ORIGINS_CACHE_KEY = "lti:platform-origins"
PLATFORM_ORIGINS_TIMEOUT = 300

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins() -> list[str]:
    """Origins of the active platforms (issuer and OIDC login URL: the LMS's own site)."""
    try:
        cached = cache.get(PLATFORM_ORIGINS_CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache that is down: ask the database, as before
        cached = None
    if cached is not None:
        return list(cached)
    origins: set[str] = set()
    for issuer, login in PlatformRegistration.objects.filter(is_active=True).values_list(
        "issuer", "auth_login_url"
    ):
        origins.update(o for o in (_origin(issuer), _origin(login)) if o)
    found = sorted(origins)
    with contextlib.suppress(Exception):  # a cache that is down: asked again next time
        cache.set(PLATFORM_ORIGINS_CACHE_KEY, found, PLATFORM_ORIGINS_TIMEOUT)
    return found


def platform_origins_forget(**kwargs) -> None:
    """``post_save``/``post_delete`` receiver of ``PlatformRegistration``: the next response
    reads the origins again (in every process: the cache is shared)."""
    cache.delete(PLATFORM_ORIGINS_CACHE_KEY)


class PlatformFramingMiddleware:
    """Place before ``XFrameOptionsMiddleware`` in MIDDLEWARE so it sees that header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" in response.headers:
            return response
        if request.path.startswith(ADMIN_PREFIXES):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
            response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
            return response
        response.headers.pop("X-Frame-Options", None)
        ancestors = " ".join(["'self'", *platform_origins()])
        response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
        return response


class LaunchWindowMiddleware:
    """A launched page (``?lti_launch=<id>``) that arrives without the session cookie the launch
    just set was blocked from keeping it (a browser that blocks third-party cookies in the LMS's
    iframe). Rather than a login page in the frame, show a page offering to continue in a window
    of its own, where our cookies are first-party (``lti.views.open_in_window``). When the
    cookie did come back, the launch's hand-off is revoked: it is offered only where needed.

    Place after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        launch_id = request.GET.get("lti_launch")
        if launch_id and request.method == "GET" and not request.path.startswith("/lti/"):
            if not request.user.is_authenticated:
                from .views import open_in_window

                return open_in_window(request, launch_id)
            from .launch import handoff_revoke

            handoff_revoke(launch_id=launch_id, user_id=request.user.pk)
        return self.get_response(request)
