"""Redirects our forms take from the request go to this site only (no open redirect)."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.question_bank.factories import user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client):
    client.force_login(user_in(Role.SSC_CURATOR))
    return client


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_the_item_bank_bulk_form_never_redirects_to_another_site(target, curator_client):
    """The bulk form's "next" was taken straight from the POST."""
    response = curator_client.post("/admin/items/bulk/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/admin/items/"


def test_the_item_bank_bulk_form_returns_to_the_filtered_list(curator_client):
    back = "/admin/items/?status=draft"
    response = curator_client.post("/admin/items/bulk/", {"next": back})
    assert response["Location"] == back
