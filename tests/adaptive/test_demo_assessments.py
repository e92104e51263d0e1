"""The demo's assessments: created once, on ASC/Q0202's bank, and ready to take."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from adaptive.models import Assessment, Delivery
from tests.adaptive.assessment_factories import assigned_start

pytestmark = pytest.mark.django_db


def test_demo_assessments_are_created_once_and_can_be_taken(asc_q0202, candidate):
    call_command("load_demo_bank", stdout=StringIO())  # as make demo does
    call_command("load_demo_assessments", stdout=StringIO())
    out = StringIO()
    call_command("load_demo_assessments", stdout=out)
    assert "Kept assessment asc-q0202-theory" in out.getvalue()
    assert set(Assessment.objects.values_list("slug", "delivery")) == {
        ("asc-q0202-theory", Delivery.LOFT),
        ("asc-q0202-adaptive", Delivery.CAT),
    }
    for assessment in Assessment.objects.all():
        attempt = assigned_start(user=candidate, assessment=assessment)
        assert attempt.current_item_version_id in attempt.pool


def test_no_demo_assessment_without_a_bank(asc_q0202):
    out = StringIO()
    call_command("load_demo_assessments", stdout=out)
    assert "no approved items" in out.getvalue()
    assert not Assessment.objects.exists()
