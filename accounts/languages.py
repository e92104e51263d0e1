"""Which language a person's pages are in.

Order, for a signed-in person: the language they chose (``User.preferred_language``, set by the
language switch on every page while signed in), else the language their LMS launched them in
(the LTI ``launch_presentation`` claim's ``locale``, kept in the session by ``lms_language_keep``:
it does not count as a choice, so the next launch may bring another), else Django's own choice
(the language cookie, then the browser's Accept-Language). A visitor who is not signed in gets
Django's own choice. ``PreferredLanguageMiddleware`` applies this on every request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .models import User

LMS_LANGUAGE_SESSION_KEY = "kaushal_lms_language"

__all__ = [
    "LMS_LANGUAGE_SESSION_KEY",
    "PreferredLanguageMiddleware",
    "interface_language",
    "language_from_locale",
    "language_switch",
    "lms_language_keep",
    "user_preferred_language_set",
]


def _supported() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def language_from_locale(locale: object) -> str | None:
    """The interface language for a BCP 47 locale as an LMS sends it ("hi-IN", "hi", "en_US",
    "HI"): its primary language when Kaushal has it, else None (e.g. "ta-IN", "", junk)."""
    if not isinstance(locale, str):
        return None
    primary = locale.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in _supported() else None


def interface_language(
    *, user: AbstractBaseUser | None, session_language: str | None = None
) -> str | None:
    """The language a signed-in person's pages must be in, or None to leave it to Django."""
    if user is None or not user.is_authenticated:
        return None
    chosen = getattr(user, "preferred_language", "")
    if chosen in _supported():
        return chosen
    if session_language in _supported():
        return session_language
    return None


def user_preferred_language_set(*, user: User, language: str) -> bool:
    """Record the language a person chose (the switch on every page); False when Kaushal has no
    such language (nothing changes)."""
    if language not in _supported():
        return False
    if getattr(user, "preferred_language", None) != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return True


def lms_language_keep(request: HttpRequest, *, locale: object) -> str | None:
    """After an LTI launch signed the person in: keep the launch's locale as this session's
    language (used only while they have not chosen one). Returns the language kept, if any."""
    language = language_from_locale(locale)
    if language is None:
        request.session.pop(LMS_LANGUAGE_SESSION_KEY, None)
    else:
        request.session[LMS_LANGUAGE_SESSION_KEY] = language
    return language


class PreferredLanguageMiddleware:
    """Puts a signed-in person's pages in their language (see the module docstring). Comes
    after ``AuthenticationMiddleware`` (it needs ``request.user``) and after ``LocaleMiddleware``,
    whose choice it overrides."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        language = interface_language(
            user=getattr(request, "user", None),
            session_language=session.get(LMS_LANGUAGE_SESSION_KEY) if session is not None else None,
        )
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switch on every page: Django's ``set_language`` (the cookie, the redirect
    back to a safe ``next``), and for a signed-in person their preferred language too, so it
    follows them to their next login and LTI launch."""
    response = set_language(request)
    if request.user.is_authenticated:
        user_preferred_language_set(
            user=request.user,  # type: ignore[arg-type]  # authenticated: our User
            language=request.POST.get("language", ""),
        )
    return response
