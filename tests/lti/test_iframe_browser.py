"""A launch inside a cross-site iframe (as Moodle shows tools) with third-party cookies blocked:
it must still succeed, because state and launch data are found by id, not by cookie."""

from __future__ import annotations

import json
import os

import pytest

from lti.models import PlatformRegistration, PlatformUser
from tests.conftest import CHROMIUM

from .platform import TestPlatform

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCK_THIRD_PARTY_COOKIES = ["--test-third-party-cookie-phaseout"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("blocked", [True, False], ids=["cookies-blocked", "cookies-allowed"])
def test_launch_in_a_cross_site_iframe(live_server, tmp_path, blocked, playwright_driver, settings):
    # As in production: the session cookie must be sent in the LMS's cross-site frame
    # (Chromium treats http://localhost as a secure context, so Secure cookies work there).
    settings.SESSION_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = True
    platform = TestPlatform()
    try:
        platform.connect_tool(live_server.url)  # tool on localhost, platform on 127.0.0.1
        PlatformRegistration.objects.create(name="Moodle", **platform.registration_fields())
        platform.frame_src = platform.login_url()

        profile = tmp_path / "profile"
        (profile / "Default").mkdir(parents=True)
        (profile / "Default" / "Preferences").write_text(
            json.dumps(
                {
                    "profile": {
                        "block_third_party_cookies": blocked,
                        "cookie_controls_mode": 1 if blocked else 0,
                    }
                }
            )
        )
        context = playwright_driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS + (BLOCK_THIRD_PARTY_COOKIES if blocked else []),
        )
        try:
            page = context.new_page()
            page.goto(f"{platform.url}/frame")
            frame = page.frame_locator("#tool")
            names = {c["name"] for c in context.cookies([live_server.url])}
            if blocked:
                # The tool could not keep any cookie in the iframe; the launch needed none, and
                # the page after it offers a window of its own, showing nothing personal.
                frame.locator("#lti-open-window").wait_for(timeout=15000)
                assert "Asha" not in frame.locator("body").inner_text()
                assert names == set()
            else:
                # Control: with third-party cookies allowed, our SameSite=None; Secure cookies
                # are kept, so the launched page knows its user.
                heading = frame.locator("#lti-launched")
                heading.wait_for(timeout=15000)
                assert heading.inner_text() == "Welcome, Asha Verma"
                names = {c["name"] for c in context.cookies([live_server.url])}
                assert any(n.startswith("lti1p3-state-") for n in names), names
                assert "sessionid" in names
        finally:
            context.close()
        assert PlatformUser.objects.filter(sub="user-1").exists()
    finally:
        platform.close()
