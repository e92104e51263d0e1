"""Dynamic registration cannot take over, change or half-create a platform registration.

Issue 11, part 1: a configuration served from ``http://127.0.0.1:8091`` claiming the issuer
``http://127.0.0.1:809`` (with real names: ``moodle.college.edu.evil.net`` for
``moodle.college.edu``) was accepted, and its client id overwrote an existing registration's
login and key-set URLs. Each test serves the platform's side from a real loopback server.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from unittest import mock

import pytest
import requests
from django.utils import timezone

from lti import services
from lti.models import DynamicRegistrationInvite, PlatformRegistration
from tests.security.attacker import FakeServer, fake_platform_configuration, json_answer

pytestmark = pytest.mark.django_db
CONFIG_PATH = "/.well-known/openid-configuration"
TOOL_CONF = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONF = "https://purl.imsglobal.org/spec/lti-platform-configuration"


@pytest.fixture
def http_allowed(settings):
    """Loopback test servers speak plain http, which only DEBUG allows."""
    settings.DEBUG = True


@pytest.fixture
def fake():
    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def invite():
    return services.dynamic_registration_invite_create(name="College Moodle")


def serve_platform(server: FakeServer, *, issuer: str | None = None, client_id: str = "c-1"):
    server.routes[CONFIG_PATH] = json_answer(
        fake_platform_configuration(server, issuer=issuer or server.url)
    )
    server.routes["/register"] = json_answer(
        {
            "client_id": client_id,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {"deployment_id": "7"},
        }
    )


def register(client, invite, config_url: str):
    return client.get(
        f"/lti/register/{invite.token}/",
        {"openid_configuration": config_url, "registration_token": "t"},
    )


def victim_registration(issuer: str, client_id: str = "victim-client") -> PlatformRegistration:
    return PlatformRegistration.objects.create(
        name="College Moodle",
        issuer=issuer,
        client_id=client_id,
        auth_login_url=f"{issuer}/auth",
        auth_token_url=f"{issuer}/token",
        key_set_url=f"{issuer}/jwks",
        deployment_ids=["1"],
    )


def snapshot(registration: PlatformRegistration) -> dict:
    registration.refresh_from_db()
    return {
        f.name: getattr(registration, f.name)
        for f in PlatformRegistration._meta.fields
        if f.name != "created_at"
    }


def assert_nothing_stored(response, invite, text: str = ""):
    body = response.content.decode()
    assert response.status_code == 400, body[:500]
    assert text in body
    assert "Traceback" not in body
    invite.refresh_from_db()
    assert invite.used_at is None and invite.registration is None


def test_a_lookalike_port_cannot_take_over_a_registration(client, fake, invite, http_allowed):
    victim = victim_registration(fake.url[:-1])  # http://127.0.0.1:809 for a server on :8091
    before = snapshot(victim)
    serve_platform(fake, issuer=victim.issuer, client_id=victim.client_id)

    response = register(client, invite, fake.url + CONFIG_PATH)

    assert_nothing_stored(response, invite, "issuer does not match")
    assert snapshot(victim) == before
    assert PlatformRegistration.objects.count() == 1
    assert ("POST", "/register") not in fake.calls  # refused before registering anything


@pytest.mark.parametrize(
    ("issuer", "configuration_url", "matches"),
    [
        ("https://moodle.college.edu", "https://moodle.college.edu" + CONFIG_PATH, True),
        ("https://moodle.college.edu/", "https://moodle.college.edu" + CONFIG_PATH, True),
        ("https://MOODLE.college.edu", "https://moodle.college.edu:443" + CONFIG_PATH, True),
        (
            "https://moodle.college.edu",
            "https://moodle.college.edu/mod/lti/openid-configuration.php",
            True,
        ),
        ("https://lms.edu/moodle", "https://lms.edu/moodle/mod/lti/openid-configuration.php", True),
        ("https://moodle.college.edu", "https://moodle.college.edu.evil.net" + CONFIG_PATH, False),
        ("https://college.edu", "https://moodle.college.edu" + CONFIG_PATH, False),
        ("https://127.0.0.1:809", "https://127.0.0.1:8091" + CONFIG_PATH, False),
        ("https://lms.edu/moodle", "https://lms.edu/moodle2" + CONFIG_PATH, False),
        ("https://lms.edu/moodle", "https://lms.edu" + CONFIG_PATH, False),
        ("https://lms.edu", "https://lms.edu:8443" + CONFIG_PATH, False),
        ("http://lms.edu", "https://lms.edu" + CONFIG_PATH, False),
        ("https://lms.edu?x=1", "https://lms.edu" + CONFIG_PATH, False),
        ("https://lms.edu#x", "https://lms.edu" + CONFIG_PATH, False),
        ("https://user@lms.edu", "https://lms.edu" + CONFIG_PATH, False),
    ],
)
def test_issuer_must_be_the_origin_and_a_path_prefix_of_the_configuration_url(
    issuer, configuration_url, matches
):
    try:
        result = services.issuer_matches_configuration_url(
            issuer=issuer, configuration_url=configuration_url
        )
    except services.RegistrationFailedError:
        result = False
    assert result is matches


def test_registering_again_with_a_known_client_id_changes_nothing(
    client, fake, invite, http_allowed
):
    victim = victim_registration(fake.url, client_id="c-1")
    before = snapshot(victim)
    serve_platform(fake, client_id="c-1")  # the genuine platform, same client id

    response = register(client, invite, fake.url + CONFIG_PATH)

    assert_nothing_stored(response, invite, "already registered")
    assert snapshot(victim) == before


def test_a_new_client_id_of_a_known_platform_is_a_new_registration(
    client, fake, invite, http_allowed
):
    existing = victim_registration(fake.url, client_id="c-old")
    before = snapshot(existing)
    serve_platform(fake, client_id="c-new")

    response = register(client, invite, fake.url + CONFIG_PATH)

    assert response.status_code == 200, response.content.decode()[:500]
    assert snapshot(existing) == before
    new = PlatformRegistration.objects.get(client_id="c-new")
    assert new.deployment_ids == ["7"]
    # A new registration starts with the safe role mapping.
    assert (new.administrator_role, new.content_developer_role) == ("Learner", "Learner")


def test_plain_http_configuration_is_refused_outside_debug(client, fake, invite, settings):
    settings.DEBUG = False
    serve_platform(fake)
    response = register(client, invite, fake.url + CONFIG_PATH)
    assert_nothing_stored(response, invite, "https")
    assert fake.calls == []  # not even fetched
    assert not PlatformRegistration.objects.exists()


def test_an_unreachable_platform_gets_a_400_page(client, invite, settings):
    settings.DEBUG = False
    response = register(client, invite, "https://127.0.0.1:1" + CONFIG_PATH)
    assert_nothing_stored(response, invite)
    assert not PlatformRegistration.objects.exists()


def test_configuration_whose_endpoints_are_plain_http_is_refused_outside_debug(settings):
    settings.DEBUG = False
    config = {
        "issuer": "https://lms.edu",
        "authorization_endpoint": "https://lms.edu/auth",
        "token_endpoint": "https://lms.edu/token",
        "jwks_uri": "http://lms.edu/jwks",  # a key set anyone on the path could swap
        "registration_endpoint": "https://lms.edu/register",
    }
    with pytest.raises(services.RegistrationFailedError, match="jwks_uri must be an https URL"):
        services._platform_configuration_check(
            config, configuration_url="https://lms.edu" + CONFIG_PATH
        )
    config["jwks_uri"] = "https://lms.edu/jwks"
    services._platform_configuration_check(
        config, configuration_url="https://lms.edu" + CONFIG_PATH
    )


def _config(server, **changes):
    config = fake_platform_configuration(server, issuer=server.url)
    config.update(changes)
    return {k: v for k, v in config.items() if v is not ...}


MALFORMED_CONFIGURATIONS = {
    "not json": lambda s: (200, {"Content-Type": "application/json"}, b"<html>hello</html>"),
    "a json list": lambda s: json_answer([1, 2, 3]),
    "a json string": lambda s: json_answer("issuer"),
    "json null": lambda s: json_answer(None),
    "no issuer": lambda s: json_answer(_config(s, issuer=...)),
    "issuer not a string": lambda s: json_answer(_config(s, issuer=["x"])),
    "no jwks_uri": lambda s: json_answer(_config(s, jwks_uri=...)),
    "jwks_uri not a string": lambda s: json_answer(_config(s, jwks_uri={"a": 1})),
    "endpoint not a url": lambda s: json_answer(_config(s, authorization_endpoint="javascript:x")),
    "endpoint too long": lambda s: json_answer(_config(s, token_endpoint=s.url + "/" + "t" * 600)),
    "audience not a string": lambda s: json_answer(_config(s, authorization_server=42)),
    "scopes with numbers": lambda s: json_answer(_config(s, scopes_supported=["openid", 3])),
    "scopes not a list": lambda s: json_answer(_config(s, scopes_supported="openid")),
    "lti configuration not an object": lambda s: json_answer(
        _config(s, **{PLATFORM_CONF: ["moodle"]})
    ),
    "messages of wrong types": lambda s: json_answer(
        _config(s, **{PLATFORM_CONF: {"messages_supported": ["x", 1]}})
    ),
    "huge body": lambda s: json_answer({**_config(s), "padding": "x" * 200_000}),
    "server error": lambda s: (500, {}, b"oops"),
    "redirect elsewhere": lambda s: (302, {"Location": "http://127.0.0.1:1/"}, b""),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_CONFIGURATIONS))
def test_malformed_configuration_gets_a_400_page_and_stores_nothing(
    client, fake, invite, http_allowed, case
):
    fake.routes[CONFIG_PATH] = MALFORMED_CONFIGURATIONS[case](fake)
    fake.routes["/register"] = json_answer({"client_id": "c-1"})
    response = register(client, invite, fake.url + CONFIG_PATH)
    assert_nothing_stored(response, invite)
    assert not PlatformRegistration.objects.exists()


MALFORMED_ANSWERS = {
    "not json": (200, {}, b"ok"),
    "a json list": json_answer([{"client_id": "c-1"}]),
    "no client_id": json_answer({"client_name": "Kaushal"}),
    "client_id not a string": json_answer({"client_id": ["c-1"]}),
    "tool configuration not an object": json_answer({"client_id": "c-1", TOOL_CONF: "x"}),
    "deployment_id of a wrong type": json_answer(
        {"client_id": "c-1", TOOL_CONF: {"deployment_id": {"id": 1}}}
    ),
    "redirect_uris with numbers": json_answer({"client_id": "c-1", "redirect_uris": [1]}),
    "huge body": json_answer({"client_id": "c-1", "padding": "x" * 200_000}),
    "refused": (401, {}, b"bad registration token"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_ANSWERS))
def test_malformed_registration_answer_gets_a_400_page_and_stores_nothing(
    client, fake, invite, http_allowed, case
):
    fake.routes[CONFIG_PATH] = json_answer(fake_platform_configuration(fake, issuer=fake.url))
    fake.routes["/register"] = MALFORMED_ANSWERS[case]
    response = register(client, invite, fake.url + CONFIG_PATH)
    assert_nothing_stored(response, invite)
    assert not PlatformRegistration.objects.exists()


def test_a_platform_that_never_answers_times_out_with_a_400_page(
    client, invite, http_allowed, settings
):
    settings.LTI_REGISTRATION_TIMEOUT_SECONDS = 0.5
    # A listening socket nobody accepts from: the connection opens, no answer ever comes.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        port = silent.getsockname()[1]
        response = register(client, invite, f"http://127.0.0.1:{port}{CONFIG_PATH}")
    finally:
        silent.close()
    assert_nothing_stored(response, invite, "took too long")
    assert not PlatformRegistration.objects.exists()


@pytest.mark.parametrize(
    "config_url", ["", "not a url", "ftp://127.0.0.1/x", "http://[::1", "https://" + "a" * 600]
)
def test_unusable_configuration_urls_get_a_400_page(client, invite, http_allowed, config_url):
    response = register(client, invite, config_url)
    assert response.status_code == 400
    invite.refresh_from_db()
    assert invite.used_at is None


def test_an_expired_invite_reads_nothing(client, fake, http_allowed):
    invite = DynamicRegistrationInvite.objects.create(
        token="t" * 43, expires_at=timezone.now() - timedelta(seconds=1)
    )
    serve_platform(fake)
    response = register(client, invite, fake.url + CONFIG_PATH)
    assert response.status_code == 400
    assert fake.calls == []


@pytest.mark.parametrize(
    "config_url",
    [
        "https://10.0.0.5/.well-known/openid-configuration",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]:8443/.well-known/openid-configuration",
        "https://metadata.internal.example/.well-known/openid-configuration",  # resolves inside
    ],
)
def test_an_invite_cannot_probe_the_private_network(client, invite, settings, config_url):
    """Whoever holds an invite names the configuration URL: outside DEBUG a private, loopback or
    link-local address is refused before any request, so no status code leaks what is there."""
    settings.DEBUG = False
    sent = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "metadata.internal.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 0))]
        return real_getaddrinfo(host, *args, **kwargs)

    with (
        mock.patch("lti.outbound.socket.getaddrinfo", getaddrinfo),
        mock.patch.object(requests.Session, "send", lambda *a, **k: sent.append(a)),
    ):
        response = register(client, invite, config_url)
    assert_nothing_stored(response, invite, "private or local network")
    assert sent == []


def test_configuration_endpoints_on_the_private_network_are_refused(settings):
    settings.DEBUG = False
    config = {
        "issuer": "https://lms.example.org",
        "authorization_endpoint": "https://lms.example.org/auth",
        "token_endpoint": "https://lms.example.org/token",
        "jwks_uri": "https://169.254.169.254/jwks",
        "registration_endpoint": "https://lms.example.org/register",
    }
    with (
        mock.patch("lti.outbound.socket.getaddrinfo", side_effect=socket.gaierror),
        pytest.raises(services.RegistrationFailedError, match="jwks_uri is on a private"),
    ):
        services._platform_configuration_check(
            config, configuration_url="https://lms.example.org" + CONFIG_PATH
        )


def test_an_on_premises_platform_may_be_allowed_by_setting(settings):
    settings.DEBUG = False
    settings.LTI_ALLOW_PRIVATE_PLATFORMS = True
    assert services.issuer_matches_configuration_url(
        issuer="https://10.0.0.5", configuration_url="https://10.0.0.5" + CONFIG_PATH
    )
