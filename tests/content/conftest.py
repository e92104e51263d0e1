"""Fixtures: a small framework, its course (index -> course -> modules) and users by role."""

from __future__ import annotations

import pytest

from content.models import ModulePage
from content.services import course_create, course_index_ensure

from .factories import Role, UserFactory, framework_build


@pytest.fixture
def qualification_pack(db):
    return framework_build()


@pytest.fixture
def course(qualification_pack):
    return course_create(qualification_pack=qualification_pack, course_index=course_index_ensure())


@pytest.fixture
def modules(course):
    return list(ModulePage.objects.child_of(course).specific())


@pytest.fixture
def learner(db):
    return UserFactory(role=Role.LEARNER)


@pytest.fixture
def editor(db):
    return UserFactory(role=Role.CONTENT_EDITOR)
