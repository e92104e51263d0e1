"""Roles are groups with permissions, created by migrate and kept in sync."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS, Role, roles_sync, user_assign_role, user_has_role

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_role_groups_hold_exactly_their_permissions():
    groups = roles_sync()
    for role, names in ROLE_PERMISSIONS.items():
        got = {f"{p.content_type.app_label}.{p.codename}" for p in groups[role].permissions.all()}
        assert got == set(names), role


def test_curator_may_import_documents_and_learner_may_not():
    curator = User.objects.create_user("cur", password="x")
    learner = User.objects.create_user("lea", password="x")
    user_assign_role(user=curator, role=Role.SSC_CURATOR)
    user_assign_role(user=learner, role=Role.LEARNER)
    curator = User.objects.get(pk=curator.pk)
    learner = User.objects.get(pk=learner.pk)
    assert curator.has_perm("question_bank.import_qualificationpack")
    assert curator.is_staff
    assert not learner.has_perm("question_bank.import_qualificationpack")
    assert not learner.is_staff
    assert user_has_role(learner, Role.LEARNER) and not user_has_role(learner, Role.TRAINER)


def test_a_misspelt_permission_fails_loudly(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.LEARNER, ["question_bank.fly_to_moon"])
    with pytest.raises(LookupError, match="fly_to_moon"):
        roles_sync()


def test_a_requests_role_checks_cost_one_query_and_a_change_of_groups_is_seen(
    django_assert_num_queries,
):
    from accounts.roles import user_roles

    user = User.objects.create_user("memo", password="x")
    user_assign_role(user=user, role=Role.LEARNER)
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert user_has_role(user, Role.LEARNER)
        assert not user_has_role(user, Role.TRAINER)
        assert user_roles(user) == {Role.LEARNER}
    user_assign_role(user=user, role=Role.TRAINER, staff=False)
    assert user_has_role(user, Role.TRAINER)
    user.groups.remove(Group.objects.get(name=Role.LEARNER.value))
    assert user_roles(user) == {Role.TRAINER}
    user.groups.clear()
    assert not user_has_role(user, Role.TRAINER)


@pytest.mark.parametrize(
    "how", ["none", "learner", "direct", "trainer", "editor", "superuser", "inactive"]
)
def test_the_admin_link_check_agrees_with_has_perm(how, django_assert_num_queries):
    from accounts.roles import _permission, user_may_open_admin

    user = User.objects.create_user(f"u-{how}", password="x")
    if how == "learner":
        user_assign_role(user=user, role=Role.LEARNER)
    elif how == "direct":
        user.user_permissions.add(_permission("wagtailadmin.access_admin"))
    elif how == "trainer":
        user_assign_role(user=user, role=Role.TRAINER)
    elif how == "editor":
        user_assign_role(user=user, role=Role.CONTENT_EDITOR)
    elif how in ("superuser", "inactive"):
        user.is_superuser = True
        user.is_active = how == "superuser"
        user.save()
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(0 if how in ("superuser", "inactive") else 1):
        mine = user_may_open_admin(user)
    assert mine == User.objects.get(pk=user.pk).has_perm("wagtailadmin.access_admin")
    assert mine == (how not in ("none", "learner", "inactive"))
