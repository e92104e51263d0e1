"""The LTI launch's ``launch_presentation.locale`` sets the pages' language when the learner has
not chosen one, never over their choice, and never as their choice; a rogue platform's odd
values are ignored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lti.models import PlatformUser

from .conftest import launch
from .platform import LaunchSpec

pytestmark = pytest.mark.django_db


def _page_language(client) -> str:
    html = client.get(reverse("dashboard")).content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("locale", ["hi-IN", "hi"])
def test_a_hindi_launch_puts_an_unchosen_learners_pages_in_hindi(
    client, platform, registration, locale
):
    response = launch(client, platform, LaunchSpec(launch_presentation={"locale": locale}))
    assert response.status_code == 302
    assert _page_language(client) == "hi"
    user = PlatformUser.objects.get(sub="user-1").user
    assert user.preferred_language == ""  # the LMS's language is not the learner's choice


def test_the_learners_own_choice_wins_over_the_launch_locale(client, platform, registration):
    launch(client, platform, LaunchSpec(launch_presentation={"locale": "en-US"}))
    user = PlatformUser.objects.get(sub="user-1").user
    user.preferred_language = "en"
    user.save()
    client.logout()
    launch(client, platform, LaunchSpec(launch_presentation={"locale": "hi-IN"}))
    assert _page_language(client) == "en"


def test_a_later_launch_in_english_replaces_the_earlier_hindi(client, platform, registration):
    launch(client, platform, LaunchSpec(launch_presentation={"locale": "hi-IN"}))
    assert _page_language(client) == "hi"
    launch(client, platform, LaunchSpec(launch_presentation={"locale": "en-GB"}))
    assert _page_language(client) == "en"


@pytest.mark.parametrize(
    "presentation", [{"locale": "ta-IN"}, {"locale": 7}, {"locale": ["hi"]}, "hi", [], {}]
)
def test_odd_launch_presentations_are_ignored(client, platform, registration, presentation):
    response = launch(client, platform, LaunchSpec(launch_presentation=presentation))
    assert response.status_code == 302
    assert _page_language(client) == "en"
