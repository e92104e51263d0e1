"""``create_course`` and ``load_demo_content`` against the real seed documents."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission, Locale

from accounts.roles import Role
from content.demo_lessons import DEMO_LESSONS
from content.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from question_bank.services import documents_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds_imported(seeds_dir):
    paths = [next(seeds_dir.glob("000_*.txt")), next(seeds_dir.glob("002_*.txt"))]
    documents_import(documents=[(p.name, p.read_text(encoding="utf-8")) for p in paths])


def test_create_course_builds_modules_in_qp_order(seeds_imported):
    call_command("create_course", "SSC/Q2211")
    course = CoursePage.objects.get(qualification_pack__code="SSC/Q2211")
    links = course.qualification_pack.nos_links.order_by("position")
    assert [m.specific.nos for m in course.get_children()] == [link.nos for link in links]
    assert len(links) == 3


def test_create_course_for_an_unknown_code_fails_clearly(seeds_imported):
    with pytest.raises(CommandError, match="XYZ/Q0001"):
        call_command("create_course", "XYZ/Q0001")
    assert not CoursePage.objects.exists()


def test_demo_content_has_written_tagged_lessons_in_english_and_hindi_and_is_idempotent(
    seeds_imported,
):
    call_command("load_demo_content")
    call_command("load_demo_content")
    english = Locale.get_default()
    course = CoursePage.objects.get(qualification_pack__code="ASC/Q0202", locale=english)
    modules = list(ModulePage.objects.child_of(course).specific())
    assert len(modules) == 6
    for module in modules:
        lessons = LessonPage.objects.child_of(module).live().specific()
        assert lessons.count() == len(DEMO_LESSONS[module.nos.code]) >= 1
        for lesson in lessons:
            words = " ".join(str(block.value) for block in lesson.body).split()
            assert len(words) > 150, lesson.title
            assert "lorem" not in " ".join(words).lower()
            assert lesson.knowledge_items.exists() and lesson.generic_skills.exists()
            assert all(k.nos_id == module.nos_id for k in lesson.knowledge_items.all())
    skeleton = CoursePage.objects.get(qualification_pack__code="SSC/Q2211", locale=english)
    assert skeleton.get_children().count() == 3
    assert not LessonPage.objects.descendant_of(skeleton).exists()
    assert CoursePage.objects.filter(locale=english).count() == 2

    # The same course in Hindi: every page mirrored, one lesson translated.
    hindi = Locale.objects.get(language_code="hi")
    index = CourseIndexPage.objects.get(locale=Locale.get_default())
    for page in index.get_descendants(inclusive=True):
        translated = page.get_translation_or_none(hindi)
        assert translated is not None and translated.live, page
    editors_on_hindi_index = GroupPagePermission.objects.filter(
        page=index.get_translation(hindi), group__name=Role.CONTENT_EDITOR.value
    )
    assert editors_on_hindi_index.exists()
    lessons = LessonPage.objects.filter(locale=hindi)
    assert lessons.count() == sum(len(v) for v in DEMO_LESSONS.values())
    # Every lesson, the course and its modules have their own Hindi text (issue 13).
    assert not lessons.filter(alias_of__isnull=False).exists()
    own = lessons.get(slug="planning-your-working-day")
    assert own.title == "अपने कार्यदिवस की योजना बनाना"
    assert own.knowledge_items.exists()
    assert (
        own.translation_key
        == LessonPage.objects.get(slug=own.slug, locale=index.locale).translation_key
    )
    devanagari = re.compile("[\u0900-\u097f]")
    for lesson in lessons.specific():
        assert devanagari.search(lesson.title) and devanagari.search(lesson.summary), lesson.slug
        for block in lesson.body:
            text = (
                block.value.get("title") if block.block_type == "knowledge_check" else block.value
            )
            assert devanagari.search(str(text)), (lesson.slug, block.block_type)
    hindi_course = course.get_translation(hindi)
    assert hindi_course.title == "क्षेत्रीय बिक्री विकास/सीआरएम मैनेजर"
    assert all(devanagari.search(m.title) for m in hindi_course.get_children())


def test_every_demo_lesson_shows_practice_questions_from_the_demo_bank(seeds_imported, client):
    from tests.content.factories import UserFactory

    call_command("load_demo_bank")
    call_command("load_demo_content")
    client.force_login(UserFactory(role=Role.LEARNER))
    english = Locale.get_default()
    lessons = LessonPage.objects.filter(locale=english).live()
    assert lessons.count() == sum(len(v) for v in DEMO_LESSONS.values())
    for lesson in lessons:
        html = client.get(lesson.url).content.decode()
        assert html.count('name="token"') == 3, lesson.title  # the blocks ask for three
        assert "No practice questions" not in html


def test_the_hindi_lessons_ask_the_demo_practice_questions_in_hindi_scored_as_in_english(
    seeds_imported, client, settings
):
    """A learner who chose Hindi sees every knowledge-check stem and option in Hindi; the same
    answer gets the same score and the key in either language."""
    from django.urls import reverse

    from question_bank import api as bank_api
    from question_bank.models import ItemVersion
    from tests.content.factories import UserFactory

    call_command("load_demo_bank")
    call_command("load_demo_content")
    client.force_login(UserFactory(role=Role.LEARNER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    devanagari = re.compile("[\u0900-\u097f]")
    for lesson in LessonPage.objects.filter(locale=Locale.get_default()).live():
        html = client.get(lesson.url).content.decode()
        stems = re.findall(r'<div class="stem" id="stem-\d+" lang="(\w+)">(.*?)</div>', html)
        assert len(stems) == 3, lesson.title
        assert all(lang == "hi" and devanagari.search(text) for lang, text in stems), stems
        options = re.findall(
            r'<input type="(?:radio|checkbox)" name="answer" value="[^"]+"[^>]*> ([^<]*)</label>',
            html,
        )
        assert options and all(devanagari.search(text) for text in options), options
    forms = re.findall(
        r'data-knowledge-check action="([^"]+)"[^>]*>.*?name="token" value="([^"]*)">'
        r'<input type="hidden" '
        r'name="item_version" value="(\d+)"',
        html,
        re.S,
    )
    action, token, version_id = forms[0]
    version = ItemVersion.objects.get(pk=version_id)
    for option in version.options.all():
        english = bank_api.response_evaluate(item_version=version, answer=option.key, language="en")
        assert (
            english["score"]
            == bank_api.response_evaluate(item_version=version, answer=option.key, language="hi")[
                "score"
            ]
        )
    right = next(o.key for o in version.options.all() if o.fraction == 1)
    if version.item_type == "multiple_response":
        right = [o.key for o in version.options.all() if o.fraction > 0]
    response = client.post(
        action,
        {"token": token, "item_version": version_id, "answer": right},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert float(result["score"]) == 1.0 and result["correct"]
    assert devanagari.search(result["feedback_html"]), result
    served_on = LessonPage.objects.get(pk=int(action.strip("/").split("/")[-2]))
    assert action == reverse("content:knowledge_check", args=[served_on.pk])
    assert served_on.locale.language_code == "hi"
