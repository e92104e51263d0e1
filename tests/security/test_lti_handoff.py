"""The cookie-less hand-off (issue 11, part 4).

A launch in a frame whose browser blocks third-party cookies may continue in a window of its
own. The hand-off is a secret that reaches the browser only in the launch redirect's URL
fragment (never sent to a server, so never in an access log), is posted in a form body, works
once, for two minutes, for its own launch, and only after the framed page showed the cookie was
really lost. A signed-in user is never switched silently, and the launched page shows nothing
personal to anyone but the launch's own signed-in user.
"""

from __future__ import annotations

import logging
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from lti.launch import HANDOFF_SECONDS, _key
from lti.models import PlatformUser
from tests.lti.conftest import launch, platform, registration  # noqa: F401  (fixtures)
from tests.lti.platform import LaunchSpec

pytestmark = pytest.mark.django_db
NAME = "Asha Verma"


def launched(client, platform, **spec) -> tuple[str, str, str]:  # noqa: F811
    """(URL the frame opens, launch id, secret) of a launch to our own launched page."""
    location = launch(client, platform, LaunchSpec(**spec))["Location"]
    url, _, fragment = location.partition("#")
    assert fragment.startswith("lti-handoff=")
    return url, url.rstrip("/").rsplit("/", 1)[-1], fragment.removeprefix("lti-handoff=")


def signed_in_user(client: Client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def handoff(client: Client, launch_id: str, secret: str):
    return client.post("/lti/continue/", {"launch": launch_id, "secret": secret})


def test_the_secret_is_only_in_the_fragment_and_a_post_body(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    caplog,
):
    caplog.set_level(logging.DEBUG)
    url, launch_id, secret = launched(client, platform)
    assert secret not in url and len(secret) >= 40
    frame = Client()
    page = frame.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'id="lti-handoff"' in body
    assert secret not in body  # read by the page's script from its own fragment
    assert 'method="post"' in body and 'action="/lti/continue/"' in body
    window = Client()
    assert handoff(window, launch_id, secret).status_code == 302
    assert signed_in_user(window).lti_identities.get().sub == "user-1"
    assert secret not in caplog.text


def test_the_launch_id_alone_signs_nobody_in(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url, launch_id, _secret = launched(client, platform)
    attacker = Client()  # has the URL from an access log, not the fragment
    page = attacker.get(url)
    assert NAME not in page.content.decode()
    for guess in ("", "x", launch_id):
        assert handoff(attacker, launch_id, guess).status_code == 403
    assert attacker.get(f"/lti/continue/{launch_id}/").status_code == 404  # the old GET form
    assert signed_in_user(attacker) is None


def test_a_launch_that_kept_its_cookie_has_no_handoff(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url, launch_id, secret = launched(client, platform)
    assert NAME in client.get(url).content.decode()  # the frame kept our cookie
    other = Client()
    other.get(url)  # even if someone then opens the framed URL without a cookie
    assert handoff(other, launch_id, secret).status_code == 403
    assert signed_in_user(other) is None


def test_the_handoff_needs_the_frame_to_have_lost_the_cookie_first(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    _url, launch_id, secret = launched(client, platform)
    window = Client()
    assert handoff(window, launch_id, secret).status_code == 403
    assert signed_in_user(window) is None


def test_the_handoff_works_once(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url, launch_id, secret = launched(client, platform)
    Client().get(url)
    assert handoff(Client(), launch_id, secret).status_code == 302
    late = Client()
    assert handoff(late, launch_id, secret).status_code == 403
    assert signed_in_user(late) is None


def test_the_handoff_lasts_minutes(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    assert HANDOFF_SECONDS <= 300
    url, launch_id, secret = launched(client, platform)
    Client().get(url)
    record = cache.get(_key("handoff", launch_id))
    cache.set(_key("handoff", launch_id), {**record, "issued": time.time() - HANDOFF_SECONDS - 1})
    window = Client()
    assert handoff(window, launch_id, secret).status_code == 403
    assert signed_in_user(window) is None


def test_a_secret_is_bound_to_its_launch(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url_a, launch_a, secret_a = launched(Client(), platform, sub="a")
    url_b, launch_b, _secret_b = launched(Client(), platform, sub="b")
    Client().get(url_a)
    Client().get(url_b)
    window = Client()
    assert handoff(window, launch_b, secret_a).status_code == 403
    assert signed_in_user(window) is None


def test_a_different_signed_in_user_is_asked_before_switching(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url, launch_id, secret = launched(client, platform)
    Client().get(url)
    someone = get_user_model().objects.create_user("trainer-tarun", password="x")
    window = Client(enforce_csrf_checks=True)
    window.force_login(someone)

    asked = handoff(window, launch_id, secret)
    assert asked.status_code == 200
    assert 'id="lti-handoff-confirm"' in asked.content.decode()
    assert signed_in_user(window) == someone  # not switched

    token = window.cookies["csrftoken"].value
    switched = window.post(
        "/lti/continue/confirm/",
        {"launch": launch_id, "secret": secret, "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    assert signed_in_user(window) == PlatformUser.objects.get(sub="user-1").user


def test_the_switch_confirmation_needs_the_csrf_token(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url, launch_id, secret = launched(client, platform)
    Client().get(url)
    someone = get_user_model().objects.create_user("victim", password="x")
    window = Client(enforce_csrf_checks=True)
    window.force_login(someone)
    response = window.post("/lti/continue/confirm/", {"launch": launch_id, "secret": secret})
    assert response.status_code == 403
    assert signed_in_user(window) == someone


def test_the_same_user_signed_in_is_not_asked(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url, launch_id, secret = launched(client, platform)
    Client().get(url)
    window = Client()
    window.force_login(PlatformUser.objects.get(sub="user-1").user)
    assert handoff(window, launch_id, secret).status_code == 302


def test_the_launched_page_shows_nothing_personal_to_anyone_else(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    url, _launch_id, _secret = launched(client, platform)
    assert NAME in client.get(url).content.decode()  # the launch's own signed-in user

    anonymous = Client().get(url)
    assert NAME not in anonymous.content.decode()
    assert "asha@example.org" not in anonymous.content.decode()

    other = Client()
    other.force_login(get_user_model().objects.create_user("someone-else", password="x"))
    page = other.get(url)
    assert page.status_code == 403
    assert NAME not in page.content.decode()
