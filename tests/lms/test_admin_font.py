"""The Wagtail admin loads Noto Sans Devanagari (issue 13): Hindi page titles and bodies in the
editor must not show as boxes on a machine without a Devanagari font."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from accounts.roles import Role
from tests.question_bank.factories import user_in

pytestmark = pytest.mark.django_db

STYLESHEET = '<link rel="stylesheet" href="/static/lms/admin-devanagari.css">'


@pytest.mark.parametrize("role", [Role.CONTENT_EDITOR, Role.SSC_CURATOR, Role.ADMINISTRATOR])
def test_every_admin_page_links_the_devanagari_stylesheet(client, role):
    client.force_login(user_in(role))
    for url in ("/admin/", "/admin/account/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert STYLESHEET in response.content.decode(), url


def test_the_admin_login_page_links_it_too(client):
    assert STYLESHEET in client.get("/admin/login/").content.decode()


def test_the_stylesheet_puts_the_shipped_font_first_in_wagtails_font_stack():
    path = finders.find("lms/admin-devanagari.css")
    assert path, "lms/admin-devanagari.css is not a static file"
    css = Path(path).read_text(encoding="utf-8")
    assert re.search(r'--w-font-sans:\s*"Noto Sans Devanagari",', css)
    imported = re.findall(r"@import url\(([^)]+\.css)\)", css)
    assert imported == ["devanagari-font.css"]
    faces = Path(finders.find(f"lms/{imported[0]}")).read_text(encoding="utf-8")
    fonts = re.findall(r"url\(([^)]+\.woff2)\)", faces)
    assert fonts
    for font in fonts:
        assert finders.find(f"lms/{font}"), font


def test_the_devanagari_faces_are_declared_once_for_both_stylesheets():
    """kaushal.css and admin-devanagari.css import one file of @font-face rules for the
    Devanagari subset instead of each carrying its own copy."""
    for name in ("lms/kaushal.css", "lms/admin-devanagari.css"):
        css = Path(finders.find(name)).read_text(encoding="utf-8")
        assert "@import url(devanagari-font.css);" in css, name
        assert "devanagari-devanagari-" not in css, name
    faces = Path(finders.find("lms/devanagari-font.css")).read_text(encoding="utf-8")
    assert faces.count("@font-face") == 2
