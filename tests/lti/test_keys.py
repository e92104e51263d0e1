"""Our key rotation: publish, switch signing, retire after the grace period, with a platform that
verifies our token requests against our JWKS over real HTTP (live server)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from lti import keys, services
from lti.models import (
    Batch,
    BatchMembership,
    LaunchTarget,
    PlatformRegistration,
    PlatformUser,
    ResourceLink,
    ScorePost,
    ToolKey,
)

from .platform import TestPlatform


def published_kids(url: str) -> list[str]:
    return [k["kid"] for k in requests.get(url, timeout=10).json()["keys"]]


@pytest.fixture
def live_platform(live_server, transactional_db):
    platform = TestPlatform()
    platform.connect_tool(live_server.url)  # fetches our JWKS from the live server
    registration = PlatformRegistration.objects.create(**platform.registration_fields())
    user = get_user_model().objects.create(username="learner")
    PlatformUser.objects.create(issuer=platform.issuer, sub="s-1", user=user)
    batch = Batch.objects.create(name="B", registration=registration, context_id="c1")
    BatchMembership.objects.create(batch=batch, user=user)
    target = LaunchTarget.objects.create(target_type="assessment", target_key="pv-final")
    ResourceLink.objects.create(
        registration=registration,
        deployment_id="dep-1",
        resource_link_id="rl-1",
        batch=batch,
        target=target,
        ags_lineitems_url=f"{platform.url}/ags/c1/lineitems",
    )
    platform.user = user
    yield platform
    platform.close()


def grade(platform, attempt_key):
    (post,) = services.grade_publish(
        user=platform.user,
        resource_link_or_assessment_key="pv-final",
        score_given=1,
        score_maximum=2,
        attempt_key=attempt_key,
    )
    post.refresh_from_db()
    return post


@pytest.mark.django_db(transaction=True)
def test_rotation_keeps_platforms_working_at_every_step(live_server, live_platform):
    jwks_url = f"{live_server.url}/lti/jwks/"
    old = keys.tool_key_active()
    assert grade(live_platform, "a1").status == ScorePost.Status.SENT

    out = StringIO()
    call_command("lti_keys", "publish", stdout=out)
    new = ToolKey.objects.get(status=ToolKey.Status.NEXT)
    assert published_kids(jwks_url) == [old.kid, new.kid]
    assert keys.tool_key_active() == old  # still signing with the old key

    # A platform that cached our JWKS right after publication...
    cached = requests.get(jwks_url, timeout=10).json()
    live_platform.connect_tool(live_server.url, tool_key_set=lambda: cached)
    call_command("lti_keys", "activate", "--grace-hours", "1", stdout=out)
    assert keys.tool_key_active().kid == new.kid
    # ...still verifies what we now sign with the new key (a new token is requested).
    tokens = len([c for c in live_platform.calls if c[1] == "/token"])
    assert grade(live_platform, "a2").status == ScorePost.Status.SENT
    assert len([c for c in live_platform.calls if c[1] == "/token"]) > tokens

    live_platform.connect_tool(live_server.url)
    assert published_kids(jwks_url) == [old.kid, new.kid]  # grace period
    call_command("lti_keys", "retire", stdout=out)
    assert published_kids(jwks_url) == [old.kid, new.kid]  # grace not over yet
    keys.tool_key_retire_expired(now=timezone.now() + timedelta(hours=2))
    assert published_kids(jwks_url) == [new.kid]
    assert grade(live_platform, "a3").status == ScorePost.Status.SENT
    assert len(live_platform.scores) == 3


@pytest.mark.django_db
def test_activate_without_a_published_key_is_refused():
    keys.tool_key_active()
    with pytest.raises(CommandError, match="no published key"):
        call_command("lti_keys", "activate", stdout=StringIO())


@pytest.mark.django_db
def test_only_one_key_signs_at_a_time():
    keys.tool_key_active()
    call_command("lti_keys", "rotate", stdout=StringIO())
    call_command("lti_keys", "rotate", stdout=StringIO())
    assert ToolKey.objects.filter(status=ToolKey.Status.ACTIVE).count() == 1
    assert ToolKey.objects.filter(status=ToolKey.Status.RETIRING).count() == 2
