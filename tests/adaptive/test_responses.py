# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""Recording responses: exact version, practice vs summative, one answer per item per attempt."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from adaptive.models import Response
from adaptive.services import DuplicateResponseError, attempt_start, response_record
from question_bank.items.services import item_edit
from tests.question_bank.factories import (  # noqa: F401
    asc_q0202,
    content_single,
    curator,
    item_make,
    second_curator,
    user_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(asc_q0202, curator, second_curator):
    return item_make(author=curator, approver=second_curator)


def test_response_points_to_the_exact_version_shown(
    approved, curator, django_capture_on_commit_callbacks
):
    learner = user_in(Role.LEARNER)
    shown = approved.versions.get()
    with django_capture_on_commit_callbacks(execute=True):  # exposure is counted after commit
        response = response_record(user=learner, item_version=shown, answer=["A"])
    item_edit(item=approved, user=curator, content=content_single("Changed later?"))
    response.refresh_from_db()
    assert response.item_version == shown and response.item == approved
    assert (response.score, response.is_correct, response.mode) == (1.0, True, "practice")
    approved.refresh_from_db()
    assert approved.exposure_count == 1


def test_double_submission_in_one_attempt_is_rejected(approved):
    learner = user_in(Role.LEARNER)
    attempt = attempt_start(user=learner, mode="summative")
    version = approved.versions.get()
    response_record(
        user=learner, item_version=version, answer="B", mode="summative", attempt=attempt
    )
    with pytest.raises(DuplicateResponseError, match="already answered"):
        response_record(
            user=learner, item_version=version, answer="A", mode="summative", attempt=attempt
        )
    assert Response.objects.get().answer == ["B"]


def test_practice_and_summative_are_kept_apart_on_one_scale(approved):
    learner = user_in(Role.LEARNER)
    version = approved.versions.get()
    practice = response_record(user=learner, item_version=version, answer="A", mode="practice")
    attempt = attempt_start(user=learner, mode="summative")
    summative = response_record(
        user=learner, item_version=version, answer="A", mode="summative", attempt=attempt
    )
    assert practice.score == summative.score == 1.0
    assert list(Response.objects.filter(mode="summative")) == [summative]


def test_bad_answers_and_mismatched_attempts_are_rejected(approved, curator):
    learner, other = user_in(Role.LEARNER), user_in(Role.LEARNER)
    version = approved.versions.get()
    attempt = attempt_start(user=learner, mode="practice")
    with pytest.raises(ValidationError, match="another user"):
        response_record(user=other, item_version=version, answer="A", attempt=attempt)
    with pytest.raises(ValidationError, match="not summative"):
        response_record(
            user=learner, item_version=version, answer="A", mode="summative", attempt=attempt
        )
    with pytest.raises(ValidationError, match="unknown option"):
        response_record(user=learner, item_version=version, answer="Q", attempt=attempt)
    draft = item_make(author=curator).versions.get()
    with pytest.raises(ValidationError, match="approved"):
        response_record(user=learner, item_version=draft, answer="A", mode="summative")
    assert not Response.objects.exists()
