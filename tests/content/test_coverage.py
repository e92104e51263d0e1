"""The coverage report against a known QP (ASC/Q0202, imported from seed 000)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from content.models import CoursePage, LessonPage
from content.selectors import coverage_report
from content.services import LessonTags, course_create, lesson_create_or_update
from question_bank.services import document_import

from .factories import Role, UserFactory, approved_item_create

pytestmark = pytest.mark.django_db

ASC_Q0202_NOS = ["ASC/N0001", "ASC/N0002", "ASC/N0003", "ASC/N0004", "ASC/N0203", "ASC/N0204"]


@pytest.fixture
def asc_q0202(seeds_dir):
    path = next(seeds_dir.glob("000_*.txt"))
    report = document_import(text=path.read_text(encoding="utf-8"), source_name=path.name)
    return report.qualification_pack


@pytest.fixture
def planned(asc_q0202):
    """A course with one published and one draft lesson in ASC/N0001 and one approved item."""
    course = course_create(qualification_pack=asc_q0202)
    module = course.get_children().specific().get(modulepage__nos__code="ASC/N0001")
    lesson_create_or_update(
        module=module,
        slug="published",
        title="Published",
        summary="",
        body=[],
        tags=LessonTags(
            performance_criteria=("PC1",), knowledge_items=("KU1", "KU2"), generic_skills=("GS3",)
        ),
    )
    lesson_create_or_update(
        module=module,
        slug="draft",
        title="Draft",
        summary="",
        body=[],
        tags=LessonTags(knowledge_items=("KU3",)),
        publish=False,
    )
    nos = module.nos
    approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC2"),
        knowledge_items=[nos.knowledge_items.get(code="KU1")],
    )
    return course


def _rows(report, nos_code):
    coverage = next(c for c in report if c.nos.code == nos_code)
    return coverage, {(row.kind, row.code): row for row in coverage.rows}


def test_report_lists_every_nos_of_the_qp_in_order(asc_q0202, planned):
    report = coverage_report(qualification_pack=asc_q0202)
    assert [c.nos.code for c in report] == ASC_Q0202_NOS
    assert all(c.module is not None for c in report)
    n0004 = next(c for c in report if c.nos.code == "ASC/N0004")
    expected = (
        n0004.nos.performance_criteria.count()
        + n0004.nos.knowledge_items.count()
        + n0004.nos.generic_skills.count()
    )
    assert len(n0004.rows) == expected


def test_report_shows_what_published_lessons_teach_and_what_the_bank_holds(asc_q0202, planned):
    coverage, rows = _rows(coverage_report(qualification_pack=asc_q0202), "ASC/N0001")
    assert rows[("KU", "KU1")].taught and rows[("KU", "KU1")].has_approved_items
    assert rows[("PC", "PC1")].taught and not rows[("PC", "PC1")].has_approved_items
    assert rows[("PC", "PC2")].has_approved_items and not rows[("PC", "PC2")].taught
    assert not rows[("KU", "KU3")].taught  # only a draft lesson teaches it
    assert rows[("GS", "GS3")].taught
    assert {(r.kind, r.code) for r in coverage.untaught} == set(rows) - {
        ("PC", "PC1"),
        ("KU", "KU1"),
        ("KU", "KU2"),
        ("GS", "GS3"),
    }
    assert {(r.kind, r.code) for r in coverage.without_items} == set(rows) - {
        ("PC", "PC2"),
        ("KU", "KU1"),
    }
    _, other = _rows(coverage_report(qualification_pack=asc_q0202), "ASC/N0002")
    assert not any(row.taught or row.has_approved_items for row in other.values())


def test_editors_see_the_report_with_links_to_write_missing_lessons(client, asc_q0202, planned):
    client.force_login(UserFactory(role=Role.CONTENT_EDITOR))
    response = client.get(reverse("content_coverage_report", args=[asc_q0202.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    module = planned.get_children().first()
    assert reverse("wagtailadmin_pages:add", args=("content", "lessonpage", module.pk)) in html
    for code in ASC_Q0202_NOS:
        assert code in html
    index = client.get(reverse("content_coverage_index"))
    assert asc_q0202.code in index.content.decode()


def test_learners_cannot_open_the_report(client, asc_q0202):
    client.force_login(UserFactory(role=Role.LEARNER))
    response = client.get(reverse("content_coverage_report", args=[asc_q0202.pk]))
    assert response.status_code in (302, 403)
    assert b"ASC/N0001" not in response.content


def test_the_admin_action_creates_a_course_for_an_imported_qp(client, asc_q0202):
    url = reverse("content_course_create", args=[asc_q0202.pk])
    client.force_login(UserFactory(role=Role.CONTENT_EDITOR))
    refused = client.post(url)  # Wagtail's admin turns PermissionDenied into a redirect home
    assert refused.status_code in (302, 403) and refused.get("Location") in (None, "/admin/")
    assert not CoursePage.objects.exists()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.post(url)
    course = CoursePage.objects.get(qualification_pack=asc_q0202)
    assert response.status_code == 302
    assert [m.specific.nos.code for m in course.get_children()] == ASC_Q0202_NOS
    assert not LessonPage.objects.exists()


def test_curators_get_links_to_write_missing_questions(client, asc_q0202, planned):
    url = reverse("content_coverage_report", args=[asc_q0202.pk])
    item_link = reverse("items:create") + "?qp=ASC%2FQ0202"
    client.force_login(UserFactory(role=Role.CONTENT_EDITOR))
    assert item_link not in client.get(url).content.decode()  # editors do not write items
    client.force_login(UserFactory(role=Role.SSC_CURATOR))
    html = client.get(url).content.decode()
    assert html.count(item_link) > 1


def test_a_lesson_in_two_languages_is_listed_once(asc_q0202, planned):
    from wagtail.models import Locale

    from content.services import page_aliases_sync

    Locale.objects.create(language_code="hi")
    page_aliases_sync(page=LessonPage.objects.get(slug="published"))
    assert LessonPage.objects.filter(slug="published").count() == 2
    _, rows = _rows(coverage_report(qualification_pack=asc_q0202), "ASC/N0001")
    (lesson,) = rows[("KU", "KU1")].lessons
    assert lesson.locale == Locale.get_default()
