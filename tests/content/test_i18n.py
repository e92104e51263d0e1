"""The interface in Hindi (Django i18n) and lessons in Hindi (Wagtail localisation)."""

from __future__ import annotations

import pytest
from django.conf import settings
from wagtail.models import Locale, Page

from content.models import LessonPage
from content.selectors import course_progress
from content.services import LessonTags, lesson_complete, lesson_create_or_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(modules):
    return lesson_create_or_update(
        module=modules[0],
        slug="planning",
        title="Planning your work",
        summary="",
        body=[{"type": "text", "value": "<p>Plan first.</p>"}],
        tags=LessonTags(knowledge_items=("KU1",)),
    )


@pytest.fixture
def hindi_lesson(lesson):
    """The lesson translated into Hindi, with its parents, all published."""
    hindi = Locale.objects.get_or_create(language_code="hi")[0]
    translated = lesson.copy_for_translation(hindi, copy_parents=True)
    translated.title = "अपने काम की योजना बनाना"
    translated.body = [{"type": "text", "value": "<p>पहले योजना बनाएँ।</p>"}]
    translated.save_revision().publish()
    for page in Page.objects.filter(locale=hindi, live=False):
        page.specific.save_revision().publish()
    return LessonPage.objects.get(pk=translated.pk)


def test_interface_is_in_hindi_when_the_learner_chooses_it(client, course, learner):
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    html = client.get(course.url).content.decode()
    assert '<html lang="hi">' in html
    assert "मॉड्यूल के अनुसार आपकी प्रगति" in html
    assert "Your progress by module" not in html


def test_the_same_address_serves_the_lesson_in_the_chosen_language(
    client, lesson, hindi_lesson, learner
):
    client.force_login(learner)
    english = client.get(lesson.url).content.decode()
    assert "Planning your work" in english and "Plan first." in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get(lesson.url).content.decode()
    assert "अपने काम की योजना बनाना" in hindi and "पहले योजना बनाएँ।" in hindi
    assert "पाठ को पूरा चिह्नित करें" in hindi  # "Mark lesson as complete"


def test_completing_the_hindi_lesson_counts_in_the_english_course(
    course, lesson, hindi_lesson, learner
):
    lesson_complete(user=learner, lesson=hindi_lesson)
    first = course_progress(user=learner, course=course)[0]
    assert (first.lessons_completed, first.lessons_total) == (1, 1)
