"""The small parsers: LTI role URIs and HTTP Link headers."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from accounts.roles import Role
from lti.connector import _next_link
from lti.models import PlatformRegistration
from lti.services import lti_roles_map

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


# A registration as saved, never touching the database: what the platform's roles become.
APPROVED = PlatformRegistration(
    instructor_role="Trainer",
    content_developer_role="Content editor",
    administrator_role="Administrator",
)
DEFAULT = PlatformRegistration()


def test_context_institution_system_sub_and_short_roles_are_mapped():
    assert lti_roles_map([LIS + "membership#Learner"], registration=DEFAULT) == [
        (Role.LEARNER, "learner")
    ]
    assert lti_roles_map(
        [LIS + "membership/Instructor#TeachingAssistant"], registration=DEFAULT
    ) == [(Role.TRAINER, "trainer")]
    assert lti_roles_map([LIS + "system/person#Administrator"], registration=APPROVED) == [
        (Role.ADMINISTRATOR, "administrator")
    ]
    assert lti_roles_map(["ContentDeveloper"], registration=APPROVED) == [
        (Role.CONTENT_EDITOR, "content_editor")
    ]


def test_by_default_lms_administrators_and_content_developers_are_learners():
    roles = [LIS + "system/person#Administrator", LIS + "membership#ContentDeveloper"]
    assert lti_roles_map(roles, registration=DEFAULT) == [(Role.LEARNER, "learner")]


def test_unknown_and_malformed_roles_map_to_nothing():
    assert lti_roles_map([LIS + "membership#Mentor", 42, None, ""], registration=APPROVED) == []
    assert lti_roles_map(None, registration=APPROVED) == []


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
