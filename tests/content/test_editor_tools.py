"""The content editor's tools of issue #13: KU/GS/PC tick-boxes with their statements, "create
lesson" from the coverage report with the PC/KU ticked, knowledge checks with pinned items, the
preview of what a knowledge check would draw, the item chooser, and "used in" on the bank."""

from __future__ import annotations

import pytest
from django.urls import reverse

from content.choosers import pinnable_items
from content.item_usage import item_used_in
from content.selectors import knowledge_check_item_versions
from content.services import LessonTags, lesson_create_or_update

from .factories import Role, UserFactory, approved_item_create

pytestmark = pytest.mark.django_db


def _lesson(module, *, pinned=(), number=2, tags=None):
    return lesson_create_or_update(
        module=module,
        slug="checked",
        title="Checked lesson",
        summary="",
        body=[
            {
                "type": "knowledge_check",
                "value": {
                    "title": "Try it",
                    "number_of_questions": number,
                    "pinned_items": list(pinned),
                },
            }
        ],
        tags=tags or LessonTags(knowledge_items=("KU1",)),
    )


@pytest.fixture
def nos(modules):
    return modules[0].nos


@pytest.fixture
def tagged_version(nos):
    return approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC1"),
        knowledge_items=[nos.knowledge_items.get(code="KU1")],
        stem="Drawn for KU1",
    )


@pytest.fixture
def untagged_version(nos):
    """A practice item the lesson's tags would not draw (PC2, no KU): only a pin shows it."""
    return approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC2"), stem="Pinned one"
    )


def test_lesson_editor_shows_ku_gs_and_pc_with_their_statements(client, modules, editor):
    client.force_login(editor)
    response = client.get(reverse("content_lesson_create", args=[modules[0].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for tag in (
        modules[0].nos.knowledge_items.get(code="KU1"),
        modules[0].nos.generic_skills.get(code="GS2"),
        modules[0].nos.performance_criteria.get(code="PC1"),
    ):
        assert f"{tag.code} — {tag.text}" in html


def test_create_lesson_from_coverage_ticks_its_pc_and_ku_of_the_module_only(
    client, qualification_pack, modules, editor
):
    client.force_login(editor)
    nos, other = modules[0].nos, modules[1].nos
    pc, ku = nos.performance_criteria.get(code="PC2"), nos.knowledge_items.get(code="KU1")
    foreign = other.knowledge_items.get(code="KU2")
    report = client.get(reverse("content_coverage_report", args=[qualification_pack.pk]))
    link = reverse("content_lesson_create", args=[modules[0].pk]) + f"?pc={pc.pk}"
    assert link in report.content.decode()
    response = client.get(
        reverse("content_lesson_create", args=[modules[0].pk]),
        {"pc": pc.pk, "ku": [ku.pk, foreign.pk]},
    )
    form = response.context["form"]
    assert [t.pk for t in form.initial["performance_criteria"]] == [pc.pk]
    assert [t.pk for t in form.initial["knowledge_items"]] == [ku.pk]
    html = response.content.decode()
    assert f'value="{pc.pk}"' in html and "checked" in html


def test_learner_cannot_open_the_create_lesson_page(client, modules, learner):
    client.force_login(learner)
    response = client.get(reverse("content_lesson_create", args=[modules[0].pk]))
    assert response.status_code in (302, 403)


def test_pinned_items_come_first_then_drawn_ones(modules, tagged_version, untagged_version):
    lesson = _lesson(modules[0], pinned=[untagged_version.item_id])
    versions = knowledge_check_item_versions(
        lesson=lesson, limit=2, pinned_item_ids=[untagged_version.item_id]
    )
    assert [v.pk for v in versions] == [untagged_version.pk, tagged_version.pk]


def test_a_pinned_item_no_longer_approved_is_left_out(modules, tagged_version, untagged_version):
    from question_bank.items.services import item_version_retire

    retirer = UserFactory(role=Role.SSC_CURATOR)
    item_version_retire(version=untagged_version, user=retirer, comment="outdated")
    versions = knowledge_check_item_versions(
        lesson=_lesson(modules[0]), limit=2, pinned_item_ids=[untagged_version.item_id]
    )
    assert [v.pk for v in versions] == [tagged_version.pk]


def test_lesson_page_shows_the_pinned_item(client, modules, untagged_version, learner):
    lesson = _lesson(modules[0], pinned=[untagged_version.item_id])
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "Pinned one" in html
    assert "Yes, exactly." not in html  # no feedback (nor key) before answering


def test_knowledge_check_preview_lists_pinned_and_drawn_items_without_the_key(
    client, modules, editor, tagged_version, untagged_version
):
    lesson = _lesson(modules[0], pinned=[untagged_version.item_id])
    client.force_login(editor)
    response = client.get(reverse("content_knowledge_check_preview", args=[lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Pinned one") < html.index("Drawn for KU1")
    assert "pinned" in html and "drawn" in html
    assert "Yes, exactly." not in html and "Because the standard" not in html
    from content.models import ServedQuestion

    assert not ServedQuestion.objects.exists()


def test_learner_cannot_open_the_knowledge_check_preview(client, modules, learner):
    lesson = _lesson(modules[0])
    client.force_login(learner)
    response = client.get(reverse("content_knowledge_check_preview", args=[lesson.pk]))
    assert response.status_code in (302, 403)


def test_chooser_lists_only_approved_practice_items(client, modules, editor, tagged_version, nos):
    summative = approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC2"),
        stem="For assessments only",
        purpose="summative",
    )
    assert set(pinnable_items()) == {tagged_version.item}
    client.force_login(editor)
    response = client.get(reverse("knowledge_check_item_chooser:choose"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Drawn for KU1" in body and "For assessments only" not in body
    assert "The right one" not in body  # options, let alone the key, are not listed
    chosen = client.get(
        reverse("knowledge_check_item_chooser:chosen", args=[tagged_version.item_id])
    )
    assert "Drawn for KU1" in chosen.content.decode()
    refused = client.get(reverse("knowledge_check_item_chooser:chosen", args=[summative.item_id]))
    assert refused.status_code == 404


def test_learner_cannot_open_the_item_chooser(client, modules, learner, tagged_version):
    client.force_login(learner)
    response = client.get(reverse("knowledge_check_item_chooser:choose"))
    assert response.status_code in (302, 403)
    assert "Drawn for KU1" not in response.content.decode()


def test_item_page_lists_the_lessons_that_use_it(client, modules, tagged_version, untagged_version):
    _lesson(modules[0], pinned=[untagged_version.item_id])
    uses = {u.label: u.note for u in item_used_in(untagged_version.item)}
    assert uses == {"Checked lesson": "pinned in its knowledge check"}
    uses = {u.label: u.note for u in item_used_in(tagged_version.item)}
    assert uses == {"Checked lesson": "its knowledge check may draw it"}
    curator = UserFactory(role=Role.SSC_CURATOR)
    client.force_login(curator)
    html = client.get(reverse("items:detail", args=[untagged_version.item_id])).content.decode()
    assert "Checked lesson" in html and "pinned in its knowledge check" in html


def test_item_page_lists_the_assessments_whose_pool_may_draw_it(qualification_pack, nos):
    from adaptive.models import Assessment

    summative = approved_item_create(
        performance_criterion=nos.performance_criteria.get(code="PC1"), purpose="summative"
    )
    Assessment.objects.create(
        slug="final", title="Final", qualification_pack_code=qualification_pack.code
    )
    Assessment.objects.create(
        slug="other",
        title="Other NOS only",
        qualification_pack_code=qualification_pack.code,
        scoped_nos=["XYZ/N9999"],
    )
    uses = [(u.kind, u.label, u.note) for u in item_used_in(summative.item)]
    assert uses == [("assessment", f"Final ({qualification_pack.code})", "in the pool")]
