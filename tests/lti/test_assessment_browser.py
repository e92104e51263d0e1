"""In a real browser that blocks third-party cookies: a graded assessment launched in the LMS's
iframe offers its own window, the learner takes the paper there, and the platform's gradebook
receives the score."""

from __future__ import annotations

import json
import os

import pytest

from adaptive.models import Attempt
from lti.models import PlatformRegistration
from tests.adaptive.assessment_factories import assessment_make
from tests.conftest import CHROMIUM

from .platform import LaunchSpec, TestPlatform
from .test_iframe_browser import BLOCK_THIRD_PARTY_COOKIES, CHROMIUM_ARGS

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_assessment_from_a_cookieless_iframe_is_taken_in_its_own_window(
    live_server, tmp_path, playwright_driver, small_bank
):
    assessment_make(length=4)
    platform = TestPlatform()
    try:
        platform.connect_tool(live_server.url)
        PlatformRegistration.objects.create(name="Moodle", **platform.registration_fields())
        platform.frame_src = platform.login_url(
            LaunchSpec(
                sub="learner-3",
                custom={"target_type": "assessment", "target_key": "asc-theory"},
            )
        )
        profile = tmp_path / "profile"
        (profile / "Default").mkdir(parents=True)
        (profile / "Default" / "Preferences").write_text(
            json.dumps({"profile": {"block_third_party_cookies": True, "cookie_controls_mode": 1}})
        )
        context = playwright_driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS + BLOCK_THIRD_PARTY_COOKIES,
        )
        try:
            lms = context.new_page()
            lms.goto(f"{platform.url}/frame")
            frame = lms.frame_locator("#tool")
            frame.locator("#lti-open-window").wait_for(timeout=15000)
            with context.expect_page() as opened:
                frame.locator("#lti-continue").click()
            window = opened.value
            window.get_by_role("button", name="Start the assessment").click()
            for number in range(1, 5):
                window.locator("#progress").get_by_text(f"Question {number} of 4").wait_for()
                window.get_by_label("Right answer").check()
                window.get_by_role("button", name="Submit answer").click()
                if number == 4:  # the last question asks before finishing
                    window.get_by_role("button", name="Yes, finish").click()
            window.locator("#score").wait_for()
            assert "100.0%" in window.locator("#score").inner_text()
        finally:
            context.close()
        attempt = Attempt.objects.get()
        assert attempt.user.lti_identities.get().sub == "learner-3"
        (score,) = platform.scores
        assert (score["userId"], score["scoreGiven"]) == ("learner-3", 100.0)
    finally:
        platform.close()
