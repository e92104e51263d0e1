"""Registration: LTI Dynamic Registration both ways, and the admin form for manual registration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lti import services
from lti.models import DynamicRegistrationInvite, PlatformRegistration

from .conftest import launch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_http_platform(settings):
    """The test platform serves plain http on loopback, which dynamic registration accepts in
    DEBUG only (tests/security/test_lti_registration.py proves the refusal outside it)."""
    settings.DEBUG = True


def register(client, platform, invite, token="reg-token-1"):
    return client.get(
        f"/lti/register/{invite.token}/",
        {
            "openid_configuration": f"{platform.url}/.well-known/openid-configuration",
            "registration_token": token,
        },
    )


def test_dynamic_registration_completes_both_ways(client, platform):
    invite = services.dynamic_registration_invite_create(name="College Moodle")
    response = register(client, platform, invite)

    assert response.status_code == 200
    assert "org.imsglobal.lti.close" in response.content.decode()
    registration = PlatformRegistration.objects.get()
    assert registration.issuer == platform.issuer
    assert registration.client_id == platform.client_id
    assert registration.deployment_ids == [platform.deployment_id]
    assert registration.auth_login_url == f"{platform.url}/auth"
    assert registration.auth_token_url == f"{platform.url}/token"
    assert registration.key_set_url == f"{platform.url}/jwks"
    assert registration.name == "College Moodle"

    (sent,) = platform.registrations
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert sent["jwks_uri"] == "http://testserver/lti/jwks/"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"]
    assert "contextmembership.readonly" in sent["scope"]
    tool_config = sent["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert {m["type"] for m in tool_config["messages"]} == {
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
    }
    assert tool_config["custom_parameters"]

    # The platform can now launch us with what it was given.
    assert launch(client, platform).status_code == 302


def test_registration_link_works_once(client, platform):
    invite = services.dynamic_registration_invite_create()
    assert register(client, platform, invite).status_code == 200
    again = register(client, platform, invite)
    assert again.status_code == 400
    assert "already used" in again.content.decode()


def test_expired_registration_link_is_refused(client, platform):
    invite = services.dynamic_registration_invite_create(valid_for=timedelta(seconds=-1))
    assert register(client, platform, invite).status_code == 400
    assert not PlatformRegistration.objects.exists()


def test_unknown_registration_link_is_refused(client, platform):
    response = client.get(
        "/lti/register/nope/",
        {"openid_configuration": f"{platform.url}/.well-known/openid-configuration"},
    )
    assert response.status_code == 404


def test_platform_refusing_the_registration_creates_nothing(client, platform):
    invite = services.dynamic_registration_invite_create()
    response = register(client, platform, invite, token="wrong")
    assert response.status_code == 400
    assert "refused the registration" in response.content.decode()
    assert not PlatformRegistration.objects.exists()


def test_configuration_whose_issuer_does_not_match_its_url_is_refused(client, platform):
    platform.issuer = "https://other.example"
    invite = services.dynamic_registration_invite_create()
    response = register(client, platform, invite)
    assert response.status_code == 400
    assert "issuer does not match" in response.content.decode()


def test_admin_registers_a_platform_by_hand(admin_client, platform):
    fields = platform.registration_fields()
    data = {
        **fields,
        "name": "Blackboard",
        "deployment_ids": '["d1", "d2"]',
        "is_active": "on",
        "auth_audience": "",
        "instructor_role": "Trainer",
        "content_developer_role": "Learner",
        "administrator_role": "Learner",
    }
    response = admin_client.post("/django-admin/lti/platformregistration/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PlatformRegistration.objects.get().deployment_ids == ["d1", "d2"]


def test_admin_form_refuses_deployment_ids_that_are_not_a_list(admin_client, platform):
    data = {**platform.registration_fields(), "deployment_ids": '{"a": 1}', "is_active": "on"}
    response = admin_client.post("/django-admin/lti/platformregistration/add/", data)
    assert response.status_code == 200
    assert "JSON list of deployment ids" in response.content.decode()
    assert not PlatformRegistration.objects.exists()


def test_configuration_page_lists_the_urls_for_manual_registration(client, db):
    config = client.get("/lti/config/").json()
    assert config["initiate_login_url"] == "http://testserver/lti/login/"
    assert config["redirection_uris"] == ["http://testserver/lti/launch/"]
    assert config["public_keyset_url"] == "http://testserver/lti/jwks/"


def test_admin_creates_a_registration_link_to_paste_into_the_platform(admin_client, platform):
    response = admin_client.post(
        "/django-admin/lti/dynamicregistrationinvite/add/",
        {"name": "College Moodle", "expires_at_0": "2099-01-01", "expires_at_1": "00:00:00"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    invite = DynamicRegistrationInvite.objects.get()
    assert len(invite.token) >= 40
    listing = admin_client.get("/django-admin/lti/dynamicregistrationinvite/").content.decode()
    assert f"http://testserver/lti/register/{invite.token}/" in listing
