"""A lesson's "what this lesson covers" list shows its PCs, KUs and GS in the page's language:
the curator's Hindi where there is one, the English where not."""

from __future__ import annotations

import pytest
from django.conf import settings

from content.services import LessonTags, lesson_create_or_update

pytestmark = pytest.mark.django_db


def test_lesson_lists_its_pcs_kus_and_gs_in_hindi_with_english_fallback(client, modules, learner):
    module = modules[0]
    lesson = lesson_create_or_update(
        module=module,
        slug="planning",
        title="Planning your work",
        summary="",
        body=[{"type": "text", "value": "<p>Plan first.</p>"}],
        tags=LessonTags(
            performance_criteria=("PC1",), knowledge_items=("KU1",), generic_skills=("GS1",)
        ),
    )
    pc = module.nos.performance_criteria.get(code="PC1")
    ku = module.nos.knowledge_items.get(code="KU1")
    gs = module.nos.generic_skills.get(code="GS1")
    pc.text_hi = "कार्य-क्षेत्र साफ़ रखना"
    pc.save()
    ku.text_hi = "संगठन की नीतियाँ"
    ku.save()
    client.force_login(learner)
    english = client.get(lesson.url).content.decode()
    assert pc.text in english and "कार्य-क्षेत्र साफ़ रखना" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get(lesson.url).content.decode()
    assert "कार्य-क्षेत्र साफ़ रखना" in hindi and "संगठन की नीतियाँ" in hindi
    assert pc.text not in hindi
    assert gs.text in hindi  # no Hindi yet: its English
