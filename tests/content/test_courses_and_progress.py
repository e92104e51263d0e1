"""Courses built from a QP, lessons tagged within their NOS, and learner progress."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from content.models import CoursePage, LessonCompletion, LessonPage, ModulePage
from content.selectors import course_progress, module_lessons_with_progress
from content.services import (
    LessonTags,
    course_create,
    lesson_complete,
    lesson_create_or_update,
)

from .factories import Role, UserFactory

pytestmark = pytest.mark.django_db


def _lesson(module, slug="lesson-one", tags=LessonTags(knowledge_items=("KU1",)), publish=True):
    return lesson_create_or_update(
        module=module,
        slug=slug,
        title=f"Lesson {slug}",
        summary="A short summary.",
        body=[{"type": "text", "value": "<p>Real words.</p>"}],
        tags=tags,
        publish=publish,
    )


def test_course_has_one_module_per_nos_in_the_qps_order(qualification_pack, course, modules):
    expected = [link.nos for link in qualification_pack.nos_links.order_by("position")]
    assert [m.nos for m in modules] == expected
    assert course.qualification_pack == qualification_pack
    assert course.live and all(m.live for m in modules)


def test_creating_a_course_twice_adds_nothing(qualification_pack, course):
    again = course_create(qualification_pack=qualification_pack)
    assert again.pk == course.pk
    assert CoursePage.objects.count() == 1
    assert ModulePage.objects.count() == qualification_pack.nos_links.count()


def test_lesson_tags_must_come_from_the_modules_nos(modules):
    first, second = modules
    lesson = _lesson(first, tags=LessonTags(performance_criteria=("PC1",), generic_skills=("GS2",)))
    assert [pc.nos for pc in lesson.performance_criteria.all()] == [first.nos]
    with pytest.raises(ValidationError):
        _lesson(first, slug="other", tags=LessonTags(knowledge_items=("KU9",)))
    assert not LessonPage.objects.filter(slug="other").exists()
    assert second.nos.knowledge_items.filter(code="KU1").exists()  # exists, but elsewhere


def test_course_progress_counts_completed_live_lessons_per_nos(course, modules, learner):
    first, second = modules
    done = _lesson(first, slug="a")
    _lesson(first, slug="b")
    _lesson(first, slug="draft", publish=False)
    _lesson(second, slug="c")
    lesson_complete(user=learner, lesson=done)
    lesson_complete(user=learner, lesson=done)  # idempotent
    progress = course_progress(user=learner, course=course)
    assert [(p.nos, p.lessons_completed, p.lessons_total) for p in progress] == [
        (first.nos, 1, 2),
        (second.nos, 0, 1),
    ]
    assert progress[0].percent == 50
    assert LessonCompletion.objects.filter(user=learner).count() == 1


def test_learners_see_only_their_own_progress(modules, learner):
    lesson = _lesson(modules[0])
    other = UserFactory(role=Role.LEARNER)
    lesson_complete(user=other, lesson=lesson)
    rows = module_lessons_with_progress(user=learner, module=modules[0])
    assert [(r.lesson.pk, r.completed) for r in rows] == [(lesson.pk, False)]


def test_a_draft_lesson_cannot_be_completed(modules, learner):
    draft = _lesson(modules[0], publish=False)
    with pytest.raises(ValidationError):
        lesson_complete(user=learner, lesson=draft)


def test_learner_pages_require_login(client, course, modules):
    lesson = _lesson(modules[0])
    for page in (course, modules[0], lesson):
        response = client.get(page.url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_marking_a_lesson_complete_shows_on_module_and_course(client, course, modules, learner):
    lesson = _lesson(modules[0])
    client.force_login(learner)
    assert "Not completed yet" in client.get(modules[0].url).content.decode()
    response = client.post(reverse("content:lesson_complete", args=[lesson.pk]))
    assert response.status_code == 302 and response["Location"] == lesson.url
    assert "You have completed this lesson" in client.get(lesson.url).content.decode()
    assert "Completed" in client.get(modules[0].url).content.decode()
    assert "1 of 1 lessons complete" in client.get(course.url).content.decode()


def test_completing_needs_post_and_login(client, modules, learner):
    lesson = _lesson(modules[0])
    url = reverse("content:lesson_complete", args=[lesson.pk])
    assert client.post(url).status_code == 302  # to login
    assert not LessonCompletion.objects.exists()
    client.force_login(learner)
    assert client.get(url).status_code == 405
    assert not LessonCompletion.objects.exists()


def test_course_keeps_its_qp_revision_and_says_when_a_newer_one_exists(
    client, qualification_pack, course, learner
):
    qualification_pack.is_current = False
    qualification_pack.save()
    newer = type(qualification_pack).objects.create(
        code=qualification_pack.code, revision=2, title="Revised", source_checksum="new"
    )
    course.refresh_from_db()
    assert course.qualification_pack_id == qualification_pack.pk != newer.pk
    client.force_login(learner)
    assert "a newer revision of this QP exists" in client.get(course.url).content.decode()


def test_a_lesson_links_to_the_next_published_lesson(client, modules, learner):
    first = _lesson(modules[0], slug="first")
    _lesson(modules[0], slug="draft-between", publish=False)
    last = _lesson(modules[0], slug="last")
    client.force_login(learner)
    html = client.get(first.url).content.decode()
    assert f'<a href="{last.url}">Next lesson: Lesson last</a>' in html
    assert "Next lesson" not in client.get(last.url).content.decode()
