"""Every check of the 1EdTech Security Framework, each proved by a launch that breaks it.

A refused launch answers 4xx with a page that says what was wrong, and creates nothing.
"""

from __future__ import annotations

import json
import time

import jwt
import pytest

from lti.models import Batch, PlatformUser, ResourceLink

from .conftest import launch
from .platform import KeyPair, LaunchSpec

pytestmark = pytest.mark.django_db
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def assert_refused(response, text: str, status: int = 403):
    body = response.content.decode()
    assert response.status_code == status, body[:500]
    assert text in body
    assert not PlatformUser.objects.exists()
    assert not Batch.objects.exists()
    assert not ResourceLink.objects.exists()


def mutate(platform, fn):
    def apply(claims):
        fn(claims)
        return claims

    platform.mutate_claims = apply


def test_signature_by_a_key_the_platform_did_not_publish_is_refused(client, platform, registration):
    forger = KeyPair.generate()
    platform.sign_with = forger
    platform.header_kid = platform.signing_key.kid  # claims to be the platform's key
    assert_refused(launch(client, platform), "signature is invalid")


def test_unknown_kid_refreshes_the_jwks_once_then_refuses(client, platform, registration):
    launch(client, platform)  # caches the JWKS
    PlatformUser.objects.all().delete()
    Batch.objects.all().delete()
    ResourceLink.objects.all().delete()
    fetches = platform.jwks_fetches
    platform.sign_with = KeyPair.generate()
    response = launch(client, platform)
    assert_refused(response, "has no key with kid")
    assert platform.jwks_fetches == fetches + 1


def test_platform_key_rotation_is_followed_with_one_refresh(client, platform, registration):
    assert launch(client, platform).status_code == 302
    assert platform.jwks_fetches == 1
    platform.rotate_key()
    assert launch(client, platform, LaunchSpec(sub="user-2")).status_code == 302
    assert platform.jwks_fetches == 2
    assert launch(client, platform, LaunchSpec(sub="user-3")).status_code == 302
    assert platform.jwks_fetches == 2  # cached again


def test_alg_none_or_hmac_is_refused(client, platform, registration):
    def unsigned(fields):
        claims = jwt.decode(fields["id_token"], options={"verify_signature": False})
        fields["id_token"] = jwt.encode(
            claims,
            "secret-guess-0123456789-abcdefghijkl",
            algorithm="HS256",
            headers={"kid": platform.signing_key.kid},
        )
        return fields

    assert_refused(launch(client, platform, tamper=unsigned), "not signed with RS256")


def test_wrong_issuer_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update(iss="https://evil.example"))
    assert_refused(launch(client, platform), "issuer (iss)")


def test_audience_without_our_client_id_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update(aud="someone-else", azp="someone-else"))
    assert_refused(launch(client, platform), "audience (aud)")


def test_several_audiences_without_azp_are_refused(client, platform, registration):
    def several(c):
        c["aud"] = [platform.client_id, "other-client"]
        del c["azp"]

    mutate(platform, several)
    assert_refused(launch(client, platform), "several audiences but no azp")


def test_azp_other_than_our_client_id_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update(aud=[platform.client_id, "other"], azp="other"))
    assert_refused(launch(client, platform), "azp is not our client id")


def test_several_audiences_with_our_azp_are_accepted(client, platform, registration):
    mutate(platform, lambda c: c.update(aud=[platform.client_id, "other"], azp=platform.client_id))
    assert launch(client, platform).status_code == 302


def test_expired_token_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update(iat=int(time.time()) - 600, exp=int(time.time()) - 120))
    assert_refused(launch(client, platform), "expired (exp)")


def test_token_expired_within_the_leeway_is_accepted(client, platform, registration):
    mutate(platform, lambda c: c.update(exp=int(time.time()) - 10))
    assert launch(client, platform).status_code == 302


def test_token_issued_in_the_future_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update(iat=int(time.time()) + 300, exp=int(time.time()) + 900))
    assert_refused(launch(client, platform), "issued in the future (iat)")


def test_small_clock_skew_on_iat_is_accepted(client, platform, registration):
    mutate(platform, lambda c: c.update(iat=int(time.time()) + 10))
    assert launch(client, platform).status_code == 302


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_token_without_exp_or_iat_is_refused(client, platform, registration, claim):
    mutate(platform, lambda c: c.pop(claim))
    assert_refused(launch(client, platform), f"has no {claim} claim")


def test_reposted_launch_is_refused(client, platform, registration):
    first = launch(client, platform)
    assert first.status_code == 302
    replay = client.post("/lti/launch/", first.posted)
    assert replay.status_code == 403
    assert "Unknown or expired state" in replay.content.decode()
    assert PlatformUser.objects.count() == 1


def test_nonce_used_once_even_with_a_fresh_state(client, platform, registration):
    first = launch(client, platform)
    used_nonce = jwt.decode(first.posted["id_token"], options={"verify_signature": False})["nonce"]
    PlatformUser.objects.all().delete()
    Batch.objects.all().delete()
    ResourceLink.objects.all().delete()
    mutate(platform, lambda c: c.update(nonce=used_nonce))
    assert_refused(launch(client, platform), "nonce does not match")


def test_nonce_other_than_the_login_nonce_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update(nonce="nonce-made-up"))
    assert_refused(launch(client, platform), "nonce does not match")


def test_missing_state_is_refused(client, platform, registration):
    response = launch(client, platform, tamper=lambda f: {"id_token": f["id_token"]})
    assert_refused(response, "has no state", status=400)


def test_unknown_state_is_refused(client, platform, registration):
    response = launch(client, platform, tamper=lambda f: {**f, "state": "state-forged"})
    assert_refused(response, "Unknown or expired state")


def test_state_cookie_of_another_login_is_refused(client, platform, registration):
    def other_cookie(fields):
        client.cookies[f"lti1p3-{fields['state']}"] = "state-other"
        return fields

    assert_refused(launch(client, platform, tamper=other_cookie), "does not match this browser")


def test_missing_state_cookie_falls_back_to_server_side_state(client, platform, registration):
    def no_cookies(fields):
        client.cookies.clear()  # what a browser blocking third-party cookies sends
        return fields

    assert launch(client, platform, tamper=no_cookies).status_code == 302


def test_unregistered_deployment_is_refused(client, platform, registration):
    response = launch(client, platform, LaunchSpec(deployment_id="dep-unknown"))
    assert_refused(response, "Deployment dep-unknown is not registered")


def test_second_registered_deployment_is_accepted(client, platform, registration):
    registration.deployment_ids = ["dep-1", "dep-2"]
    registration.save()
    assert launch(client, platform, LaunchSpec(deployment_id="dep-2")).status_code == 302


def test_deployment_other_than_the_login_one_is_refused(client, platform, registration):
    registration.deployment_ids = ["dep-1", "dep-2"]
    registration.save()
    mutate(platform, lambda c: c.update({CLAIM + "deployment_id": "dep-2"}))
    assert_refused(launch(client, platform), "differs from the one given at login")


def test_unsupported_message_type_is_refused(client, platform, registration):
    response = launch(client, platform, LaunchSpec(message_type="LtiSubmissionReviewRequest"))
    assert_refused(response, "Unsupported message type")


def test_wrong_lti_version_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update({CLAIM + "version": "1.1.0"}))
    assert_refused(launch(client, platform), "Unsupported LTI version")


def test_resource_link_launch_without_resource_link_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.pop(CLAIM + "resource_link"))
    assert_refused(launch(client, platform), "Missing Resource Link Id")


def test_target_link_uri_other_than_the_login_one_is_refused(client, platform, registration):
    mutate(platform, lambda c: c.update({CLAIM + "target_link_uri": "https://evil.example/x"}))
    assert_refused(launch(client, platform), "target_link_uri is not the one")


def test_token_of_an_inactive_registration_is_refused_at_login(client, platform, registration):
    registration.is_active = False
    registration.save()
    response = client.get("/lti/login/", platform.login_params())
    assert response.status_code == 403
    assert "Could not find registration" in response.content.decode()


def test_login_for_a_foreign_target_link_uri_is_refused(client, platform, registration):
    params = platform.login_params(target_link_uri="https://evil.example/lti/launch/")
    response = client.get("/lti/login/", params)
    assert response.status_code == 400
    assert "target_link_uri does not point to this tool" in response.content.decode()


def test_login_without_login_hint_is_refused(client, platform, registration):
    params = platform.login_params()
    del params["login_hint"]
    assert client.get("/lti/login/", params).status_code == 400


def test_id_token_that_is_not_a_jwt_is_refused(client, platform, registration):
    response = launch(client, platform, tamper=lambda f: {**f, "id_token": "not.a-jwt"})
    assert_refused(response, "JWT must contain 3 parts")


def test_refusals_are_logged(client, platform, registration, caplog):
    mutate(platform, lambda c: c.update(iss="https://evil.example"))
    with caplog.at_level("WARNING", logger="lti.views"):
        launch(client, platform)
    assert any("LTI launch rejected" in r.getMessage() for r in caplog.records)


def _resigned(fields, *, key: str | bytes | None, algorithm: str, headers: dict) -> dict:
    claims = jwt.decode(fields["id_token"], options={"verify_signature": False})
    fields["id_token"] = jwt.encode(claims, key, algorithm=algorithm, headers=headers)
    return fields


def test_alg_none_is_refused(client, platform, registration):
    """The literal "none" algorithm: a token with no signature at all."""
    kid = platform.signing_key.kid

    def unsigned(fields):
        return _resigned(fields, key=None, algorithm="none", headers={"kid": kid})

    assert_refused(launch(client, platform, tamper=unsigned), "not signed with RS256")


def test_a_token_without_kid_is_refused(client, platform, registration):
    """Without a kid the tool cannot say which published key signed it: no guessing."""
    key = platform.signing_key.private_pem

    def no_kid(fields):
        return _resigned(fields, key=key, algorithm="RS256", headers={})

    response = launch(client, platform, tamper=no_kid)
    assert response.status_code in (400, 403)
    assert not PlatformUser.objects.exists()


def test_rsa_with_another_hash_is_refused(client, platform, registration):
    """RS512 by the platform's own key: only RS256 is the LTI algorithm."""
    key, kid = platform.signing_key.private_pem, platform.signing_key.kid

    def rs512(fields):
        return _resigned(fields, key=key, algorithm="RS512", headers={"kid": kid})

    assert_refused(launch(client, platform, tamper=rs512), "not signed with RS256")


def _b64(value) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("header", "body"),
    [
        (["RS256"], {"iss": "x"}),
        ({"alg": "RS256", "kid": "k"}, ["not", "an", "object"]),
        ({"alg": "RS256", "kid": ["k"]}, {"aud": [{"x": 1}], "iss": None}),
        ({"alg": "RS256", "kid": 7}, "a string"),
        ({"alg": ["RS256"], "kid": {"a": 1}}, {"iss": ["x"], "aud": {"a": 1}}),
    ],
)
def test_a_malformed_token_is_refused_not_a_server_error(
    client, platform, registration, header, body
):
    """A token that is three base64 parts but not what a JWT holds: a 4xx page, nothing made."""

    def malformed(fields):
        fields["id_token"] = f"{_b64(header)}.{_b64(body)}.c2ln"
        return fields

    response = launch(client, platform, tamper=malformed)
    assert 400 <= response.status_code < 500, response.status_code
    assert not PlatformUser.objects.exists()


# -- gaps found in the audit of December 2026 ---------------------------------------------------

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def test_an_anonymous_launch_is_refused_with_a_clear_reason(client, platform, registration):
    """LTI 1.3 core 5.3.6 lets a platform leave ``sub`` out; Kaushal teaches and grades people."""
    mutate(platform, lambda claims: claims.pop("sub"))
    assert_refused(launch(client, platform), "no user (an anonymous launch)")


@pytest.mark.parametrize("sub", ["x" * 256, 12345, ["a"]])
def test_a_sub_that_is_not_a_short_string_is_refused(client, platform, registration, sub):
    """OpenID Connect Core 1.0, 2: at most 255 ASCII characters (our column's width too)."""
    mutate(platform, lambda claims: claims.update(sub=sub))
    response = launch(client, platform)
    assert_refused(response, "")
    body = response.content.decode()
    assert "sub is not a string of at most 255" in body or "Subject must be a string" in body


def test_an_oversized_id_token_is_refused_before_it_is_parsed(client, platform, registration):
    def inflate(fields):
        fields["id_token"] = "e" * 70_000 + "." + fields["id_token"]
        return fields

    assert_refused(launch(client, platform, tamper=inflate), "too large", status=400)


@pytest.mark.parametrize(
    "return_url",
    [
        "https://evil.example/collect",
        "javascript:alert(document.cookie)",
        "http://127.0.0.1:6379/",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_a_deep_linking_return_url_off_the_platform_is_refused(
    client, platform, registration, return_url
):
    """Our signed response is posted by the browser to this address: another site would get it,
    and a ``javascript:`` form action would run on our origin."""
    mutate(platform, lambda claims: claims[DL_SETTINGS].update(deep_link_return_url=return_url))
    spec = LaunchSpec(sub="teacher-1", roles=("instructor",), message_type="LtiDeepLinkingRequest")
    response = launch(client, platform, spec)
    assert_refused(response, "deep linking return address is not the platform&#x27;s own")
    assert "lti-deep-link-return" not in response.content.decode()  # no form, no signed JWT


def test_forged_kids_refresh_the_jwks_once_per_cooldown_not_once_per_launch(
    client, platform, registration, settings
):
    """Anyone may start a login, so an unknown kid must not buy a JWKS fetch every time."""
    settings.LTI_JWKS_REFRESH_SECONDS = 60
    assert launch(client, platform).status_code == 302
    fetches = platform.jwks_fetches
    for _ in range(3):
        platform.sign_with = KeyPair.generate()
        assert launch(client, platform).status_code == 403
    assert platform.jwks_fetches == fetches + 1


def test_a_jwks_redirect_is_not_followed(client, platform, registration):
    platform.fault = lambda method, path: (
        (302, {"Location": f"{platform.url}/elsewhere"}, "") if path == "/jwks" else None
    )
    assert_refused(launch(client, platform), "key set could not be fetched (HTTP 302)")
    assert ("GET", "/elsewhere") not in platform.calls


def test_a_huge_jwks_is_not_read_into_memory(client, platform, registration):
    keys = {"keys": [platform.signing_key.jwk()] * 2000}
    platform.fault = lambda method, path: (
        (200, {"Content-Type": "application/json"}, json.dumps(keys)) if path == "/jwks" else None
    )
    assert_refused(launch(client, platform), "larger than")
