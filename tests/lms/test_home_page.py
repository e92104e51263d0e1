"""The site's front door is Kaushal's own page, not Wagtail's placeholder."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_leads_to_courses_and_login(client):
    body = client.get("/").content.decode()
    assert "Welcome to your new Wagtail site" not in body
    assert 'href="/courses/"' in body and "/accounts/login/" in body
