"""The security suite's shared data: one world per test module, built inside a transaction that is
rolled back when the module is done, so hundreds of requests share one setup and nothing leaks
into other tests. Each test still runs in its own savepoint (the ``db`` fixture), so a request
that writes (a logout, a lesson marked complete) cannot change what the next test sees.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client, override_settings

from .world import ANONYMOUS, World, build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        built = build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def session_cookies(world, django_db_blocker) -> dict[str, str]:
    """A signed-in session per role, made once (the sessions live in the world's transaction)."""
    cookies = {}
    with django_db_blocker.unblock():
        for role, user in world.users.items():
            client = Client()
            client.force_login(user)
            cookies[role] = client.cookies["sessionid"].value
        for name, user in (("other_learner", world.other_learner),):
            client = Client()
            client.force_login(user)
            cookies[name] = client.cookies["sessionid"].value
    return cookies


@pytest.fixture
def client_for(db, world, session_cookies):
    """``client_for(role)``: a test client signed in as that role (``anonymous``: signed out)."""

    def make(role: str) -> Client:
        client = Client()
        if role != ANONYMOUS:
            client.cookies["sessionid"] = session_cookies[role]
        return client

    return make
