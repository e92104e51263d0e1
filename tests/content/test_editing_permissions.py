"""Content editors write lessons in the Wagtail admin under the course index; the lesson review
workflow sends them to reviewers (SSC curators, administrators), whose approval publishes them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.models import LessonPage
from content.services import LESSON_WORKFLOW_NAME

from .factories import Role, UserFactory

pytestmark = pytest.mark.django_db


def _form(slug: str, ku_pk: int, action: str) -> dict:
    data = nested_form_data(
        {
            "title": "An editor's lesson",
            "slug": slug,
            "summary": "",
            "body": streamfield([("text", rich_text("<p>Written by an editor.</p>"))]),
        }
    )
    data["knowledge_items"] = [str(ku_pk)]
    data[action] = "1"
    return data


def test_editor_creates_a_lesson_and_submits_it_for_review(client, modules, editor):
    module = modules[0]
    ku = module.nos.knowledge_items.first()
    add_url = reverse("wagtailadmin_pages:add", args=("content", "lessonpage", module.pk))
    client.force_login(editor)
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, _form("by-editor", ku.pk, "action-submit"))
    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="by-editor")
    assert not lesson.live
    assert list(lesson.knowledge_items.all()) == [ku]
    state = lesson.current_workflow_state
    assert state is not None and state.workflow.name == LESSON_WORKFLOW_NAME

    reviewer = UserFactory(role=Role.SSC_CURATOR)
    task_state = lesson.current_workflow_task_state
    task = task_state.task.specific
    assert "approve" in [name for name, _label, _modal in task.get_actions(lesson, reviewer)]
    assert task.get_actions(lesson, editor) == []
    task.on_action(task_state, reviewer, "approve")
    lesson.refresh_from_db()
    assert lesson.live


def test_editor_cannot_publish_directly(client, modules, editor):
    module = modules[0]
    add_url = reverse("wagtailadmin_pages:add", args=("content", "lessonpage", module.pk))
    client.force_login(editor)
    client.post(
        add_url, _form("tries-publish", module.nos.knowledge_items.first().pk, "action-publish")
    )
    lesson = LessonPage.objects.filter(slug="tries-publish").first()
    assert lesson is None or not lesson.live


def test_learners_have_no_access_to_the_admin(client, modules, learner):
    client.force_login(learner)
    add_url = reverse("wagtailadmin_pages:add", args=("content", "lessonpage", modules[0].pk))
    response = client.get(add_url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editors_may_add_and_choose_images_and_documents(course, editor, learner):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    for model in (get_image_model(), get_document_model()):
        policy = policy_registry.get_by_type(model)
        assert policy.user_has_permission(editor, "add")
        assert policy.user_has_permission(editor, "choose")
        assert not policy.user_has_permission(learner, "add")
