"""A refused launch is logged with the issuer and client id its id_token *claims* (read without
verifying it, and marked so), never with the token itself (issue 11, part 5)."""

from __future__ import annotations

import logging

import pytest

from tests.lti.conftest import launch, platform, registration  # noqa: F401  (fixtures)
from tests.lti.platform import KeyPair

pytestmark = pytest.mark.django_db


def test_a_forged_launch_is_logged_with_its_unverified_claims_but_not_its_token(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    caplog,
):
    caplog.set_level(logging.WARNING, logger="lti.views")
    platform.sign_with = KeyPair.generate()
    platform.header_kid = platform.signing_key.kid
    response = launch(client, platform)
    assert response.status_code == 403
    (line,) = [r.getMessage() for r in caplog.records if r.name == "lti.views"]
    assert "signature is invalid" in line
    assert f"unverified id_token iss={platform.issuer!r}" in line
    assert f"client_id={platform.client_id!r}" in line
    assert response.posted["id_token"] not in caplog.text
    assert response.posted["id_token"].split(".")[2] not in caplog.text  # nor its signature


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "x" * 30_000])
def test_a_garbage_token_is_logged_without_claims(client, db, caplog, token):
    caplog.set_level(logging.WARNING, logger="lti.views")
    response = client.post("/lti/launch/", {"id_token": token, "state": "s"})
    assert response.status_code in (400, 403)
    assert "unverified id_token iss=- client_id=-" in caplog.text
    assert token not in caplog.text


def test_claims_cannot_forge_log_lines(client, platform, registration, caplog):  # noqa: F811
    caplog.set_level(logging.WARNING, logger="lti.views")

    def evil(claims):
        claims["iss"] = "https://x\nCRITICAL forged line"
        return claims

    platform.mutate_claims = evil
    launch(client, platform)
    assert "\nCRITICAL forged line" not in caplog.text
