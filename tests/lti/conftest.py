"""Fixtures: a live test platform (tests/lti/platform.py) registered with the tool, and a helper
that runs the whole OIDC login -> auth -> launch flow with real HTTP to the platform."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests

from lti.keys import tool_jwks
from lti.models import PlatformRegistration, ToolKey
from tests.adaptive.assessment_factories import approver, small_bank  # noqa: F401  (fixtures)
from tests.question_bank.factories import asc_q0202  # noqa: F401  (fixture)

from .platform import KeyPair, LaunchSpec, TestPlatform


@pytest.fixture
def platform(db):
    p = TestPlatform()
    snapshot = {}

    def tool_keys():
        return snapshot["jwks"]

    # Our signing key, from the same pool (RSA generation dominates test time).
    pair = KeyPair.generate()
    ToolKey.objects.create(
        kid=f"tool-{pair.kid}",
        private_key_pem=pair.private_pem,
        public_jwk={**pair.jwk(), "kid": f"tool-{pair.kid}"},
        status=ToolKey.Status.ACTIVE,
    )
    p.refresh_tool_keys = lambda: snapshot.__setitem__("jwks", tool_jwks())
    p.refresh_tool_keys()
    p.connect_tool("http://testserver", tool_key_set=tool_keys)
    yield p
    p.close()


@pytest.fixture
def registration(platform):
    return PlatformRegistration.objects.create(name="Test Moodle", **platform.registration_fields())


def form_fields(page: str) -> tuple[str, dict]:
    action = unescape(re.search(r'action="([^"]+)"', page).group(1))
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
    }
    return action, fields


def platform_auth(login_response) -> tuple[str, dict]:
    """Follow the tool's redirect to the platform (real HTTP) and read the auto-post form."""
    assert login_response.status_code == 302, login_response.content[:500]
    answer = requests.get(login_response["Location"], timeout=10)
    assert answer.status_code == 200, answer.text
    return form_fields(answer.text)


def launch(client, platform, spec: LaunchSpec | None = None, *, login_overrides=None, tamper=None):
    """Run login initiation, the platform's auth endpoint and the launch POST; return the
    launch response (and the posted form, for replays)."""
    params = platform.login_params(spec, **(login_overrides or {}))
    login_response = client.get("/lti/login/", params)
    action, fields = platform_auth(login_response)
    if tamper:
        fields = tamper(fields)
    response = client.post(urlsplit(action).path, fields)
    response.posted = fields
    response.action = action
    return response
