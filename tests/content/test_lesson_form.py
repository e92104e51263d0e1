"""The lesson form's own server-side check, independent of the choices it offers."""

from __future__ import annotations

import pytest

from content.models import LessonPage

pytestmark = pytest.mark.django_db


def test_clean_rejects_tags_from_another_nos_even_if_offered(modules):
    first, second = modules
    form_class = LessonPage.get_edit_handler().get_form_class()
    form = form_class(
        data={"title": "T", "slug": "t", "summary": "", "body-count": "0", "body": "[]"},
        instance=LessonPage(),
        parent_page=first,
        for_user=None,
    )
    # Widen the choices as a forged or buggy form would: clean() must still refuse.
    form.fields["generic_skills"].queryset = type(second.nos.generic_skills.first()).objects.all()
    form.data = {**form.data, "generic_skills": [second.nos.generic_skills.first().pk]}
    assert not form.is_valid()
    assert "generic_skills" in form.errors
    assert "not part of this module" in str(form.errors["generic_skills"])
