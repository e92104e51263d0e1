"""No LTI role opens an admin by itself (issue 11, part 1).

A platform says who is an administrator in its own world; what that is worth here is decided per
platform by a Kaushal administrator (PlatformRegistration.administrator_role and friends), and a
launch never makes anyone staff, so the Django admin stays closed to every LTI user.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import Role, user_assign_role, user_roles
from lti.models import PlatformUser
from tests.lti.conftest import launch, platform, registration  # noqa: F401  (fixtures)
from tests.lti.platform import LIS, LaunchSpec

pytestmark = pytest.mark.django_db
EVERY_ADMIN_ROLE = (
    "administrator",  # institution/person#Administrator
    LIS + "system/person#Administrator",
    LIS + "system/person#SysAdmin",
    LIS + "membership#Administrator",
    LIS + "membership/Administrator#Administrator",
    "content_developer",
    "instructor",
)


def launched_user(client, platform, *, sub="lms-admin"):  # noqa: F811
    response = launch(client, platform, LaunchSpec(sub=sub, roles=EVERY_ADMIN_ROLE))
    assert response.status_code == 302, response.content.decode()[:500]
    return PlatformUser.objects.get(sub=sub).user


def assert_no_admin(client):
    for path in ("/admin/", "/admin/pages/", "/django-admin/", "/django-admin/lti/"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert "login" in response["Location"], (path, response["Location"])


def test_an_lms_administrator_is_a_learner_and_trainer_here_by_default(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    user = launched_user(client, platform)
    assert user_roles(user) == {Role.LEARNER, Role.TRAINER}
    assert not user.is_staff and not user.is_superuser
    assert not user.has_perm("wagtailadmin.access_admin")
    assert_no_admin(client)


def test_an_approved_administrator_mapping_opens_wagtail_but_never_the_django_admin(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    registration.administrator_role = Role.ADMINISTRATOR.value
    registration.save()
    user = launched_user(client, platform)
    assert Role.ADMINISTRATOR in user_roles(user)
    assert not user.is_staff and not user.is_superuser
    assert client.get("/admin/").status_code == 200  # approved for this platform
    for path in ("/django-admin/", "/django-admin/lti/platformregistration/"):
        response = client.get(path)
        assert response.status_code == 302 and "login" in response["Location"], path


def test_the_mapping_of_one_platform_does_not_apply_to_another(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    from lti.models import PlatformRegistration

    PlatformRegistration.objects.create(
        name="Other",
        issuer="https://other.example",
        client_id=registration.client_id,
        auth_login_url="https://other.example/auth",
        auth_token_url="https://other.example/token",
        key_set_url="https://other.example/jwks",
        administrator_role=Role.ADMINISTRATOR.value,
    )
    user = launched_user(client, platform)
    assert Role.ADMINISTRATOR not in user_roles(user)


def test_only_an_approver_may_change_what_lms_roles_become(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
):
    """A Kaushal administrator may edit registrations, but the role mapping needs the
    approve_role_mapping permission, which no role has by default (superusers do)."""
    admin = get_user_model().objects.create_user("kaushal-admin", password="x", is_staff=True)
    user_assign_role(user=admin, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    url = f"/django-admin/lti/platformregistration/{registration.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="administrator_role"' not in page  # shown read-only
    data = {
        "name": "Test Moodle",
        "issuer": registration.issuer,
        "client_id": registration.client_id,
        "auth_login_url": registration.auth_login_url,
        "auth_token_url": registration.auth_token_url,
        "key_set_url": registration.key_set_url,
        "auth_audience": "",
        "deployment_ids": '["dep-1"]',
        "is_active": "on",
        "administrator_role": Role.ADMINISTRATOR.value,
    }
    assert client.post(url, data).status_code == 302
    registration.refresh_from_db()
    assert registration.administrator_role == Role.LEARNER.value

    superuser = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(superuser)
    assert 'name="administrator_role"' in client.get(url).content.decode()
    data.update(instructor_role="Trainer", content_developer_role="Learner")
    assert client.post(url, data).status_code == 302
    registration.refresh_from_db()
    assert registration.administrator_role == Role.ADMINISTRATOR.value


def test_roster_sync_follows_the_same_mapping(platform, registration):  # noqa: F811
    from lti import services
    from lti.models import Batch

    batch = Batch.objects.create(
        name="B",
        registration=registration,
        context_id="course-42",
        context_memberships_url=f"{platform.url}/NRPS/course-42/Memberships",
    )
    platform.members = [
        {"user_id": "m-1", "roles": [LIS + "institution/person#Administrator"], "status": "Active"}
    ]
    services.batch_roster_sync(batch=batch)
    user = PlatformUser.objects.get(sub="m-1").user
    assert user_roles(user) == {Role.LEARNER}
    assert not user.is_staff


def test_users_made_by_earlier_launches_lose_unapproved_staff_and_admin_roles(db):
    """lti/migrations/0003: what unapproved mappings granted before is taken back from users
    who exist only through LTI; local accounts are left alone."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "lti.migrations.0003_lti_only_users_lose_unapproved_staff_and_admin_roles"
    )
    User = get_user_model()
    lti_only = User.objects.create(username="lti-abc", is_staff=True)
    lti_only.set_unusable_password()
    lti_only.save()
    local = User.objects.create_user("local-admin", password="x", is_staff=True)
    for user, sub in ((lti_only, "s-1"), (local, "s-2")):
        user_assign_role(user=user, role=Role.ADMINISTRATOR)
        user_assign_role(user=user, role=Role.LEARNER)
        PlatformUser.objects.create(issuer="https://lms.example", sub=sub, user=user)

    migration.lti_only_users_demote(apps, None)

    lti_only.refresh_from_db()
    local.refresh_from_db()
    assert not lti_only.is_staff and user_roles(lti_only) == {Role.LEARNER}
    assert local.is_staff and Role.ADMINISTRATOR in user_roles(local)
