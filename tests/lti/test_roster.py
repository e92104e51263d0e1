"""Names and Role Provisioning: a context's roster synced into its batch, across pages."""

from __future__ import annotations

import pytest

from accounts.roles import Role, user_has_role
from lti import services
from lti.connector import _next_link
from lti.models import Batch, BatchMembership, PlatformUser
from lti.tasks import roster_sync_all

from .conftest import launch
from .platform import ROLES, LaunchSpec

pytestmark = pytest.mark.django_db


def member(n: int, role: str = "learner", status: str = "Active") -> dict:
    return {
        "user_id": f"m-{n}",
        "name": f"Member {n}",
        "email": f"m{n}@example.org",
        "roles": [ROLES[role]],
        "status": status,
    }


@pytest.fixture
def batch(client, platform, registration):
    launch(client, platform, LaunchSpec(sub="trainer-1", roles=("instructor",)))
    batch = Batch.objects.get()
    # Ask for pages of 2 so the roster spans several pages (Link: <...>; rel=next).
    batch.context_memberships_url += "?limit=2"
    batch.save()
    return batch


def test_roster_sync_follows_every_page(platform, batch):
    platform.members = [member(1), member(2), member(3, "instructor"), member(4), member(5)]
    counts = services.batch_roster_sync(batch=batch)
    nrps_calls = [c for c in platform.calls if c[1].startswith("/NRPS/")]
    assert len(nrps_calls) == 3
    subs = set(PlatformUser.objects.values_list("sub", flat=True))
    assert {"m-1", "m-2", "m-3", "m-4", "m-5"} <= subs
    assert counts["added"] == 5
    trainer = PlatformUser.objects.get(sub="m-3").user
    assert user_has_role(trainer, Role.TRAINER)
    assert BatchMembership.objects.get(batch=batch, user=trainer).role == "trainer"
    assert PlatformUser.objects.get(sub="m-1").user.email == "m1@example.org"
    batch.refresh_from_db()
    assert batch.roster_synced_at is not None


def test_members_gone_from_the_roster_are_deactivated(platform, batch):
    platform.members = [member(1), member(2)]
    first = services.batch_roster_sync(batch=batch)
    assert first["deactivated"] == 1  # the trainer who launched is not on the roster
    platform.members = [member(1), member(2, status="Inactive")]
    services.batch_roster_sync(batch=batch)
    active = set(
        BatchMembership.objects.filter(batch=batch, is_active=True).values_list(
            "user__lti_identities__sub", flat=True
        )
    )
    assert active == {"m-1"}


def test_periodic_sync_covers_every_batch_with_a_roster(platform, batch):
    platform.members = [member(1)]
    assert roster_sync_all() == 1
    assert PlatformUser.objects.filter(sub="m-1").exists()


def test_sync_failure_changes_nothing(platform, batch):
    platform.members = [member(1), member(2), member(3)]
    original = platform.service

    def fail_second_page(method, path, query, headers, body):
        if path.startswith("/NRPS/") and query.get("page") == 2:
            return 503, {}, "down"
        return original(method, path, query, headers, body)

    platform.service = fail_second_page
    with pytest.raises(services.ServiceTemporaryError):
        services.batch_roster_sync(batch=batch)
    assert not PlatformUser.objects.filter(sub__startswith="m-").exists()


def test_admin_can_sync_a_roster_on_demand(platform, batch, admin_client):
    platform.members = [member(1)]
    admin_client.post(
        "/django-admin/lti/batch/", {"action": "sync_roster", "_selected_action": [batch.pk]}
    )
    assert PlatformUser.objects.filter(sub="m-1").exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://p.example/NRPS/C1?page=2>; rel="next"', "https://p.example/NRPS/C1?page=2"),
        ("<https://p.example/X?page=2>; rel=next", "https://p.example/X?page=2"),
        (
            '<https://p.example/a>; rel="prev", <https://p.example/b>; rel="next"',
            "https://p.example/b",
        ),
        ('<https://p.example/a>; rel="prev"', None),
        ("", None),
    ],
)
def test_link_header_next_is_found_with_its_case_kept(header, expected):
    assert _next_link(header) == expected


def test_unmapped_roles_do_not_join_the_batch(platform, batch):
    platform.members = [
        member(1),
        {
            "user_id": "obs",
            "roles": [ROLES["learner"].replace("membership#Learner", "membership#Mentor")],
        },
    ]
    services.batch_roster_sync(batch=batch)
    assert not BatchMembership.objects.filter(user__lti_identities__sub="obs").exists()
    assert BatchMembership.objects.filter(user__lti_identities__sub="m-1").exists()
