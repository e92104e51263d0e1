"""Resource link launches from the test platform: users, roles, batches, targets, pages."""

from __future__ import annotations

import pytest

from accounts.roles import Role, user_has_role
from lti.models import Batch, BatchMembership, LaunchTarget, PlatformUser, ResourceLink

from .conftest import launch
from .platform import LaunchSpec

pytestmark = pytest.mark.django_db


def test_resource_link_launch_creates_user_batch_and_link_and_opens_fallback_page(
    client, platform, registration
):
    spec = LaunchSpec(custom={"target_type": "course", "target_key": "ELE/Q5901"})
    response = launch(client, platform, spec)

    assert response.status_code == 302
    assert response["Location"].startswith("/lti/launch/lti1p3-launch-")
    identity = PlatformUser.objects.get(issuer=platform.issuer, sub="user-1")
    assert identity.user.full_name == "Asha Verma"
    assert identity.user.email == "asha@example.org"
    assert user_has_role(identity.user, Role.LEARNER)
    batch = Batch.objects.get(registration=registration, context_id="course-42")
    assert batch.name == "Solar PV Installer, batch A"
    assert batch.qualification_pack_code == "ELE/Q5901"
    assert batch.context_memberships_url.endswith("/NRPS/course-42/Memberships")
    assert BatchMembership.objects.get(batch=batch, user=identity.user).role == "learner"
    link = ResourceLink.objects.get(registration=registration, resource_link_id="rl-1")
    assert link.target == LaunchTarget.objects.get(target_type="course", target_key="ELE/Q5901")
    assert link.ags_lineitems_url.endswith("/ags/course-42/lineitems")

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "ELE/Q5901" in page.content.decode()
    assert "Asha Verma" in page.content.decode()
    assert "X-Frame-Options" not in page.headers


@pytest.mark.parametrize(
    ("lti_role", "role", "batch_role"),
    [
        ("learner", Role.LEARNER, "learner"),
        ("instructor", Role.TRAINER, "trainer"),
        # What an LMS's content developers and administrators become is approved per platform
        # (tests/security/test_lti_roles.py); by default they are learners here.
        ("content_developer", Role.LEARNER, "learner"),
        ("administrator", Role.LEARNER, "learner"),
    ],
)
def test_each_lti_role_maps_to_our_role(client, platform, registration, lti_role, role, batch_role):
    response = launch(client, platform, LaunchSpec(sub=f"u-{lti_role}", roles=(lti_role,)))
    assert response.status_code == 302
    user = PlatformUser.objects.get(sub=f"u-{lti_role}").user
    assert user_has_role(user, role)
    assert BatchMembership.objects.get(user=user).role == batch_role


@pytest.mark.parametrize(
    ("lti_role", "field", "role", "batch_role"),
    [
        ("content_developer", "content_developer_role", Role.CONTENT_EDITOR, "content_editor"),
        ("administrator", "administrator_role", Role.ADMINISTRATOR, "administrator"),
    ],
)
def test_an_approved_role_mapping_is_followed(
    client, platform, registration, lti_role, field, role, batch_role
):
    setattr(registration, field, role.value)
    registration.save()
    launch(client, platform, LaunchSpec(sub=f"u-{lti_role}", roles=(lti_role,)))
    user = PlatformUser.objects.get(sub=f"u-{lti_role}").user
    assert user_has_role(user, role)
    assert BatchMembership.objects.get(user=user).role == batch_role
    assert not user.is_staff and not user.is_superuser


def test_launch_logs_the_user_in(client, platform, registration):
    launch(client, platform)
    user = PlatformUser.objects.get(sub="user-1").user
    assert int(client.session["_auth_user_id"]) == user.pk


def test_second_launch_of_same_user_reuses_the_local_user(client, platform, registration):
    launch(client, platform)
    launch(client, platform, LaunchSpec(name="Asha V. Sharma"))
    assert PlatformUser.objects.count() == 1
    assert PlatformUser.objects.get().user.full_name == "Asha V. Sharma"


def test_launch_opens_a_product_page_when_one_is_wired(client, platform, registration, settings):
    settings.LTI_TARGET_URL_NAMES = {"module": ["lti:launched"]}
    response = launch(
        client, platform, LaunchSpec(custom={"target_type": "module", "target_key": "N0001"})
    )
    assert response["Location"].startswith("/lti/launch/N0001/?lti_launch=lti1p3-launch-")


def test_link_without_custom_target_keeps_the_target_chosen_before(client, platform, registration):
    launch(client, platform, LaunchSpec(custom={"target_type": "assessment", "target_key": "pv-1"}))
    launch(client, platform, LaunchSpec(sub="user-2"))
    link = ResourceLink.objects.get(resource_link_id="rl-1")
    assert (link.target.target_type, link.target.target_key) == ("assessment", "pv-1")


def test_login_initiation_by_post_is_accepted(client, platform, registration):
    params = platform.login_params()
    response = client.post("/lti/login/", params)
    assert response.status_code == 302
    assert response["Location"].startswith(platform.url + "/auth?")
    cookie = next(c for name, c in response.cookies.items() if name.startswith("lti1p3-state-"))
    assert cookie["samesite"] == "None" and cookie["secure"]


def test_jwks_publishes_our_signing_key(client, db):
    response = client.get("/lti/jwks/")
    keys = response.json()["keys"]
    assert len(keys) == 1 and keys[0]["alg"] == "RS256" and "d" not in keys[0]


def test_launch_opens_the_real_course_and_module_pages(client, platform, registration):
    from content.models import ModulePage
    from content.services import course_create_for_code
    from tests.question_bank.factories import ASC, seed_import

    seed_import(ASC)
    course = course_create_for_code(code="ASC/Q0202")
    module = ModulePage.objects.live().get(nos__code="ASC/N0004")

    response = launch(
        client, platform, LaunchSpec(custom={"target_type": "course", "target_key": "ASC/Q0202"})
    )
    assert response["Location"].split("?")[0] == course.get_url()
    response = launch(
        client,
        platform,
        LaunchSpec(
            resource_link_id="rl-2",
            custom={"target_type": "module", "target_key": "ASC/N0004"},
        ),
    )
    assert response["Location"].split("?")[0] == module.get_url()
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    assert "Manage customer relationship" in page.content.decode()
