"""Our own 403/404/500 and CSRF failure pages, in English and Hindi, with DEBUG off: no stack
trace, no exception text, no Django debug page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.lms.error_urls"


def assert_our_page(response, status: int, title: str):
    body = response.content.decode()
    assert response.status_code == status
    assert f'<h1 id="error-title">{title}</h1>' in body, body[:800]
    for leak in ("Traceback", "secret-detail", "hunter2", "DEBUG = True", "technical"):
        assert leak not in body


@pytest.mark.parametrize(("language", "title"), [("en", "Page not found"), ("hi", "पृष्ठ नहीं मिला")])
def test_unknown_page_is_our_404(client, language, title):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)
    assert_our_page(response, 404, title)
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Access denied"), ("hi", "प्रवेश की अनुमति नहीं है")]
)
def test_permission_denied_is_our_403(client, language, title):
    assert_our_page(client.get("/test-denied/", HTTP_ACCEPT_LANGUAGE=language), 403, title)


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Something went wrong"), ("hi", "कुछ गड़बड़ हो गई")]
)
def test_a_crash_is_our_500_without_the_exception(language, title):
    client = Client(raise_request_exception=False)
    assert_our_page(client.get("/test-boom/", HTTP_ACCEPT_LANGUAGE=language), 500, title)


def test_a_database_that_cannot_be_reached_is_a_503_saying_to_try_again_on_any_page():
    """Pages outside the assessment views too (the login page, the dashboard): a restarted
    PostgreSQL is a clean 503 with a retry message, not the 500 page (issue #15)."""
    response = Client(raise_request_exception=False).get("/test-database-gone/")
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"]
    assert "Please try again in a moment" in body and 'href="/test-database-gone/"' in body
    for leak in ("Traceback", "secret-detail", "10.0.0.5"):
        assert leak not in body


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "The form could not be accepted"), ("hi", "फ़ॉर्म स्वीकार नहीं किया जा सका")],
)
def test_a_csrf_failure_is_our_403(language, title):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "a", "password": "b"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert_our_page(response, 403, title)


def test_the_handlers_are_ours():
    from lms import urls

    assert urls.handler403 == "lms.views.permission_denied"
    assert urls.handler404 == "lms.views.page_not_found"
    assert urls.handler500 == "lms.views.server_error"


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("en", "Please try again in a moment", "कृपया थोड़ी देर में फिर से कोशिश करें"),
        ("hi", "कृपया थोड़ी देर में फिर से कोशिश करें", "Please try again in a moment"),
    ],
)
def test_the_try_again_page_has_the_design_of_our_error_pages_in_both_languages(
    language, first, second
):
    """When an autosave and a submit collide on a locked SQLite database (or PostgreSQL
    restarts), the candidate gets our designed page, not a bare one, in their language first
    and the other below (the page cannot ask the database which language the user chose)."""
    response = Client(raise_request_exception=False).get(
        "/test-database-gone/", HTTP_ACCEPT_LANGUAGE=language
    )
    body = response.content.decode()
    assert response.status_code == 503
    assert "lms/kaushal.css" in body and '<body class="error-page">' in body
    assert f'<h1 id="error-title">{first}</h1>' in body
    assert second in body and body.index(first) < body.index(second)
    assert f'<html lang="{language}">' in body


LANGUAGE_SWITCH = 'class="language-switch" action="/i18n/setlang/"'


@pytest.mark.parametrize("language", ["en", "hi"])
def test_404_403_and_csrf_pages_are_in_the_site_design_with_the_language_switch(client, language):
    client_csrf = Client(enforce_csrf_checks=True)
    pages = [
        client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language),
        client.get("/test-denied/", HTTP_ACCEPT_LANGUAGE=language),
        client_csrf.post("/accounts/login/", {"username": "a"}, HTTP_ACCEPT_LANGUAGE=language),
    ]
    for response in pages:
        body = response.content.decode()
        assert LANGUAGE_SWITCH in body, body[:600]
        assert 'class="site-nav"' in body and 'class="skip" href="#main"' in body
        assert f'<html lang="{language}">' in body


def test_a_signed_in_visitor_keeps_their_navigation_on_the_404(client):
    from tests.content.factories import Role, UserFactory

    client.force_login(UserFactory(role=Role.LEARNER, full_name="Lata Learner"))
    body = client.get("/no/such/page/").content.decode()
    assert "Lata Learner" in body and 'href="/dashboard/"' in body


@pytest.mark.parametrize(
    ("language", "other", "other_title"),
    [("en", "hi", "कुछ गड़बड़ हो गई"), ("hi", "en", "Something went wrong")],
)
def test_the_500_page_is_static_and_says_it_in_both_languages(language, other, other_title):
    client = Client(raise_request_exception=False)
    body = client.get("/test-boom/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in body
    assert f'lang="{other}"' in body and other_title in body
    assert "kaushal.css" in body
    # Nothing that needs the request or the database: no account, no forms, no token.
    assert "<form" not in body and "csrfmiddlewaretoken" not in body
