"""The small parsers: LTI role URIs and HTTP Link headers."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from accounts.roles import Role
from lti.connector import _next_link
from lti.services import lti_roles_map

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


def test_context_institution_system_sub_and_short_roles_are_mapped():
    assert lti_roles_map([LIS + "membership#Learner"]) == [(Role.LEARNER, "learner")]
    assert lti_roles_map([LIS + "membership/Instructor#TeachingAssistant"]) == [
        (Role.TRAINER, "trainer")
    ]
    assert lti_roles_map([LIS + "system/person#Administrator"]) == [
        (Role.ADMINISTRATOR, "administrator")
    ]
    assert lti_roles_map(["ContentDeveloper"]) == [(Role.CONTENT_EDITOR, "content_editor")]


def test_unknown_and_malformed_roles_map_to_nothing():
    assert lti_roles_map([LIS + "membership#Mentor", 42, None, ""]) == []
    assert lti_roles_map(None) == []


URL_CHARS = string.ascii_letters + string.digits + "-._~:/?#@!$&'()*+;=%"


@given(st.text(alphabet=URL_CHARS.replace(",", ""), min_size=1), st.booleans())
def test_next_link_is_returned_exactly_as_given(url, quoted):
    rel = '"next"' if quoted else "next"
    header = f'<https://p.example/prev>; rel="prev", <{url}>; rel={rel}'
    assert _next_link(header) == url


@given(st.text())
def test_link_parser_never_crashes(header):
    result = _next_link(header)
    assert result is None or isinstance(result, str)
