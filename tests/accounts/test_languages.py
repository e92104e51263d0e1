"""A person's language: their choice (kept by the switch on every page while signed in) over
their LMS's launch locale over the browser's; on login, the chosen language from the first page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.languages import language_from_locale
from accounts.roles import Role
from tests.question_bank.factories import user_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("hi-IN", "hi"),
        ("hi", "hi"),
        ("HI_in", "hi"),
        (" en-US ", "en"),
        ("en", "en"),
        ("ta-IN", None),
        ("", None),
        ("hindi", None),
        (None, None),
        (42, None),
        ({"locale": "hi"}, None),
    ],
)
def test_lms_locales_map_to_our_languages(locale, language):
    assert language_from_locale(locale) == language


@given(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.lists(st.text(max_size=3))))
def test_any_locale_value_gives_a_language_of_ours_or_none(value):
    assert language_from_locale(value) in {None, *dict(settings.LANGUAGES)}


def _learner(**kwargs):
    user = user_in(Role.LEARNER, **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_logging_in_puts_the_pages_in_the_learners_preferred_language(client):
    learner = _learner(preferred_language="hi")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # an earlier visitor's choice
    response = client.post(
        reverse("login"),
        {"username": learner.username, "password": PASSWORD},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert '<html lang="hi">' in html and "आपके मूल्यांकन" in html


def test_without_a_choice_the_browser_language_decides(client):
    learner = _learner()
    client.force_login(learner)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="hi-IN,hi;q=0.9").content
    assert '<html lang="hi">' in html.decode()
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-IN").content
    assert '<html lang="en">' in html.decode()


def test_the_language_switch_keeps_a_signed_in_persons_choice(client):
    learner = _learner()
    client.force_login(learner)
    response = client.post(reverse("set_language"), {"language": "hi", "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    learner.refresh_from_db()
    assert learner.preferred_language == "hi"
    # Next time, from another browser that says English, the pages are in Hindi.
    other = type(client)()
    other.force_login(learner)
    html = other.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="hi">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    learner.refresh_from_db()
    assert learner.preferred_language == "en"


def test_the_switch_refuses_unknown_languages_and_unsafe_next_and_works_logged_out(client):
    learner = _learner(preferred_language="hi")
    client.force_login(learner)
    response = client.post(
        reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    learner.refresh_from_db()
    assert learner.preferred_language == "hi"
    client.logout()
    response = client.post(reverse("set_language"), {"language": "hi", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    assert client.get(reverse("set_language")).status_code == 405
