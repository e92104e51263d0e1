"""A candidate's session comes from the cache, and the sitting goes on while the cache
(Redis) is down: the session is read from its database row (lms.sessions)."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from adaptive.models import Attempt

from .assessment_factories import assessment_make, assign

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again once the socket is: nothing listens


def _cache_goes_down(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }


def test_a_session_read_from_the_cache_costs_no_query(client, candidate, django_assert_num_queries):
    from django.contrib.sessions.models import Session

    from lms.sessions import SessionStore

    client.force_login(candidate)
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()  # written through
    with django_assert_num_queries(0):
        assert SessionStore(key).load()["_auth_user_id"] == str(candidate.pk)


def test_a_candidate_keeps_sitting_while_the_cache_is_down(small_bank, candidate, client, settings):
    """Logged in before Redis went away. (Logging in while it is down fails: the old session's
    cache entry must be deleted, or it would stay valid; ``lms.sessions``.)"""
    assessment = assessment_make(length=4, min_length=4)
    assign(assessment, candidate)
    client.force_login(candidate)
    _cache_goes_down(settings)
    response = client.post(reverse("adaptive:assessment_start", args=[assessment.slug]))
    assert response.status_code == 302
    attempt = Attempt.objects.get(user=candidate)
    page = client.get(reverse("adaptive:attempt", args=[attempt.pk]))
    assert page.status_code == 200
    assert 'name="item_version"' in page.content.decode()
