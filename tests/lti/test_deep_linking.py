"""Deep Linking 2.0: an instructor picks from our catalogue; the platform gets ltiResourceLink
items (with a line item for graded ones) and launching them opens what was picked."""

from __future__ import annotations

import re
from html import unescape

import jwt
import pytest

from lti.models import LaunchTarget, ResourceLink
from question_bank.models import NationalOccupationalStandard, QualificationPack

from .conftest import launch
from .platform import LaunchSpec

pytestmark = pytest.mark.django_db
DL = LaunchSpec(message_type="LtiDeepLinkingRequest", roles=("instructor",), sub="trainer-1")


@pytest.fixture
def catalogue(db):
    QualificationPack.objects.create(
        code="ELE/Q5901", title="Solar PV Installer", source_checksum="x"
    )
    NationalOccupationalStandard.objects.create(
        code="ELE/N5901", title="Assess the site", content_checksum="y"
    )
    LaunchTarget.objects.create(
        target_type="assessment", target_key="pv-final", title="PV final assessment"
    )


def returned_jwt(page: str) -> tuple[str, str]:
    action = unescape(re.search(r'action="([^"]+)"', page).group(1))
    value = unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1))
    return action, value


def test_deep_linking_round_trip(client, platform, registration, catalogue):
    response = launch(client, platform, DL)
    assert response.status_code == 302
    picker_url = response["Location"]
    assert picker_url.startswith("/lti/deep-link/")

    picker = client.get(picker_url).content.decode()
    for value in ("course:ELE/Q5901", "module:ELE/N5901", "assessment:pv-final"):
        assert f'value="{value}"' in picker

    answer = client.post(picker_url, {"item": ["course:ELE/Q5901", "assessment:pv-final"]})
    assert answer.status_code == 200
    action, token = returned_jwt(answer.content.decode())
    assert action == f"{platform.url}/deep_link_return"

    items = platform.deep_link_items(token)  # verified by lti1p3platform against our JWKS
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == platform.client_id and claims["aud"] == [platform.issuer]
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == {"opaque": "x1"}
    course, assessment = items
    assert course["type"] == assessment["type"] == "ltiResourceLink"
    assert course["custom"] == {"target_type": "course", "target_key": "ELE/Q5901"}
    assert "lineItem" not in course
    assert assessment["lineItem"] == {
        "scoreMaximum": 100,
        "label": "PV final assessment",
        "resourceId": "assessment:pv-final",
    }

    # The platform now launches the new link with the custom parameters we gave it.
    spec = LaunchSpec(sub="learner-9", resource_link_id="rl-new", custom=assessment["custom"])
    opened = client.get(launch(client, platform, spec)["Location"]).content.decode()
    assert "pv-final" in opened and "PV final assessment" in opened
    link = ResourceLink.objects.get(resource_link_id="rl-new")
    assert (link.target.target_type, link.target.target_key) == ("assessment", "pv-final")


def test_deep_linking_response_can_be_sent_only_once(client, platform, registration, catalogue):
    picker_url = launch(client, platform, DL)["Location"]
    assert client.post(picker_url, {"item": ["course:ELE/Q5901"]}).status_code == 200
    again = client.post(picker_url, {"item": ["course:ELE/Q5901"]})
    assert again.status_code == 404


def test_learner_cannot_pick_content(client, platform, registration, catalogue):
    spec = LaunchSpec(message_type="LtiDeepLinkingRequest", roles=("learner",))
    picker_url = launch(client, platform, spec)["Location"]
    response = client.get(picker_url)
    assert response.status_code == 403
    assert "Only instructors" in response.content.decode()


def test_unknown_catalogue_item_is_refused(client, platform, registration, catalogue):
    picker_url = launch(client, platform, DL)["Location"]
    response = client.post(picker_url, {"item": ["course:NOPE/Q0000"]})
    assert response.status_code == 400
    assert "Unknown item" in response.content.decode()


def test_picking_nothing_asks_again(client, platform, registration, catalogue):
    picker_url = launch(client, platform, DL)["Location"]
    response = client.post(picker_url, {})
    assert response.status_code == 400
    assert "Choose at least one" in response.content.decode()


def test_response_has_no_data_claim_when_the_platform_sent_none(
    client, platform, registration, catalogue
):
    spec = LaunchSpec(
        message_type="LtiDeepLinkingRequest", roles=("instructor",), deep_link_data=None
    )
    picker_url = launch(client, platform, spec)["Location"]
    answer = client.post(picker_url, {"item": ["module:ELE/N5901"]})
    _action, token = returned_jwt(answer.content.decode())
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "https://purl.imsglobal.org/spec/lti-dl/claim/data" not in claims
    (item,) = platform.deep_link_items(token)
    assert item["custom"] == {"target_type": "module", "target_key": "ELE/N5901"}


def test_a_platform_that_accepts_one_item_gets_one(client, platform, registration, catalogue):
    single = LaunchSpec(
        message_type="LtiDeepLinkingRequest",
        roles=("instructor",),
        sub="trainer-1",
        accept_multiple=False,
    )
    picker_url = launch(client, platform, single)["Location"]
    picker = client.get(picker_url).content.decode()
    assert 'type="radio" name="item" value="assessment:pv-final"' in picker
    assert 'type="checkbox"' not in picker

    refused = client.post(picker_url, {"item": ["course:ELE/Q5901", "assessment:pv-final"]})
    assert refused.status_code == 400
    assert "accepts one item only" in refused.content.decode()

    answer = client.post(picker_url, {"item": ["assessment:pv-final"]})
    assert answer.status_code == 200
    (item,) = platform.deep_link_items(returned_jwt(answer.content.decode())[1])
    assert item["custom"] == {"target_type": "assessment", "target_key": "pv-final"}
