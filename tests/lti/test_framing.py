"""Registered LMS platforms may frame learner pages; other sites may not; admin only by us."""

from __future__ import annotations

import pytest

from lti.models import PlatformRegistration

pytestmark = pytest.mark.django_db


def _register(issuer: str, active: bool = True) -> None:
    PlatformRegistration.objects.create(
        name="Moodle",
        issuer=issuer,
        client_id=f"client-{issuer}",
        auth_login_url=f"{issuer}/mod/lti/auth.php",
        auth_token_url=f"{issuer}/mod/lti/token.php",
        key_set_url=f"{issuer}/mod/lti/certs.php",
        deployment_ids=["1"],
        is_active=active,
    )


def test_learner_pages_may_be_framed_by_registered_platforms_only(client):
    _register("https://moodle.example.org")
    _register("https://old-lms.example.org", active=False)
    response = client.get("/accounts/login/")
    assert "X-Frame-Options" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert policy == "frame-ancestors 'self' https://moodle.example.org"


def test_without_platforms_only_our_own_origin_may_frame(client):
    response = client.get("/accounts/login/")
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_admin_pages_are_framed_by_our_own_origin_only(client):
    _register("https://moodle.example.org")
    response = client.get("/admin/login/")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_the_framing_origins_are_cached_and_a_registration_change_is_seen_at_once(
    client, django_assert_num_queries
):
    """Every page asks for the origins, so they are cached (no query per response); a platform
    registered, switched off or removed changes the next response's policy all the same."""
    from lti.framing import platform_origins

    _register("https://moodle.example.org")
    assert platform_origins() == ["https://moodle.example.org"]
    with django_assert_num_queries(0):
        assert platform_origins() == ["https://moodle.example.org"]
    _register("https://blackboard.example.org")
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "https://blackboard.example.org" in policy
    registration = PlatformRegistration.objects.get(issuer="https://moodle.example.org")
    registration.is_active = False
    registration.save()
    assert platform_origins() == ["https://blackboard.example.org"]
    PlatformRegistration.objects.all().delete()
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert policy == "frame-ancestors 'self'"
