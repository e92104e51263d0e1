"""Signing in for browser tests: one helper, so every test logs in the way a person does and a
change to the login page is fixed in one place.

The site's pages have a language-switch button in the header besides the login form's own, so
the helper presses the button of the form that holds the password field, never "the" submit
button of the page.
"""

from __future__ import annotations

from urllib.parse import quote

from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

LOGIN_BUTTON = "form:has(input[name=password]) button[type=submit]"


def log_in(
    page: Page,
    base_url: str,
    username: str,
    password: str,
    *,
    next_path: str = "",
    login_path: str = "/accounts/login/",
) -> None:
    """Open the login page (``login_path``: ours, or Wagtail's ``/admin/login/``), type the
    username and password, press the form's button and wait for the page it leads to
    (``next_path`` when given). Fails, saying so, when the login form is still shown after."""
    url = f"{base_url}{login_path}"
    if next_path:
        url += f"?next={quote(next_path)}"
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click(LOGIN_BUTTON)
    page.wait_for_load_state("load")
    assert page.locator("input[name=password]").count() == 0, (
        f"{username} could not log in at {login_path} (the login form is shown again)"
    )


def signed_in_context(
    chromium: Browser, base_url: str, user, *, width: int, height: int = 900, **options
) -> BrowserContext:
    """A browser context already signed in as ``user`` (Django's test client logs in and the
    session cookie is handed to the browser): for tests about a page, not about logging in."""
    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport={"width": width, "height": height}, **options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return context
