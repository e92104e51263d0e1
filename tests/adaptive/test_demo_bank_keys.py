"""The demo bank gives nothing away by position (issue 11, part 3), and keeps its practice items
(knowledge checks) apart from the summative items the demo assessments draw (part 2).

"Always pick the first option" used to score 71.5 % on the demo CAT: every single-choice key was
option A and options were never shuffled. Keys are now spread over the positions in the files,
and the candidate sees them in a per-attempt order, so that strategy scores about chance.
"""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from adaptive import delivery
from adaptive.models import Assessment
from adaptive.papers import bank_build
from question_bank.models import ItemPurpose, ItemStatus, ItemType, ItemVersion
from tests.adaptive.assessment_factories import assigned_start
from tests.question_bank.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_bank(asc_q0202):
    call_command("load_demo_bank", stdout=StringIO())


def _key_positions(item_type: str) -> Counter:
    positions: Counter = Counter()
    versions = ItemVersion.objects.filter(
        status=ItemStatus.APPROVED, item_type=item_type
    ).prefetch_related("options")
    for version in versions:
        for position, option in enumerate(version.options.all()):
            if option.fraction > 0:
                positions[position] += 1
    return positions


def test_demo_bank_keys_are_spread_evenly_over_the_positions(demo_bank):
    single = _key_positions(ItemType.SINGLE_CHOICE)
    total = sum(single.values())
    assert total > 80 and set(single) == {0, 1, 2, 3}
    assert all(0.2 <= n / total <= 0.3 for n in single.values()), single
    multiple = _key_positions(ItemType.MULTIPLE_RESPONSE)
    assert all(n / sum(multiple.values()) >= 0.15 for n in multiple.values()), multiple
    # True/false keep their natural order (True first), so "true" must not be the usual key.
    true_false = _key_positions(ItemType.TRUE_FALSE)
    assert 0.4 <= true_false[0] / sum(true_false.values()) <= 0.6, true_false


def test_demo_practice_items_serve_the_lessons_and_never_the_assessments(demo_bank):
    practice = ItemVersion.objects.filter(
        status=ItemStatus.APPROVED, item__purpose=ItemPurpose.PRACTICE
    )
    assert practice.count() >= 18  # at least 3 for each demo lesson's knowledge check
    assert set(practice.values_list("item__nos__code", flat=True)) == {
        "ASC/N0001",
        "ASC/N0002",
        "ASC/N0003",
        "ASC/N0004",
        "ASC/N0203",
        "ASC/N0204",
    }
    pool = set(bank_build(qualification_pack_code="ASC/Q0202").version_ids)
    assert pool and not pool & set(practice.values_list("pk", flat=True))


def _answer_first_shown(attempt) -> None:
    question = delivery.attempt_question_for_learner(attempt=attempt)
    shown = "1" if question["options"] else "0"  # the page names options by position
    delivery.attempt_answer(
        attempt=attempt,
        user=attempt.user,
        item_version_id=question["id"],
        answer=delivery.attempt_answer_from_page(
            attempt=attempt, item_version_id=question["id"], values=[shown]
        ),
    )


@pytest.mark.parametrize("slug", ["asc-q0202-theory", "asc-q0202-adaptive"])
def test_always_picking_the_first_option_scores_about_chance(demo_bank, slug):
    call_command("load_demo_assessments", stdout=StringIO())
    assessment = Assessment.objects.get(slug=slug)
    percents = []
    for _ in range(3):
        attempt = assigned_start(user=UserFactory(), assessment=assessment)
        while attempt.finished_at is None:
            _answer_first_shown(attempt)
            attempt.refresh_from_db()
        percents.append(attempt.percent)
        assert not attempt.passed
    # Chance on this bank is about 30 % (a quarter on four options, a half on true/false, nothing
    # on numeric and multiple-response); the old bank gave this strategy 71.5 %.
    assert sum(percents) / len(percents) < 45, percents


def test_every_demo_practice_item_is_written_in_hindi_too(demo_bank):
    """The Hindi course's knowledge checks draw these (issue 13): stem, every option's text and
    feedback, and the general feedback in Devanagari."""
    import re

    devanagari = re.compile("[\u0900-\u097f]")
    practice = ItemVersion.objects.filter(
        status=ItemStatus.APPROVED, item__purpose=ItemPurpose.PRACTICE
    ).prefetch_related("translations", "options")
    assert practice.exists()
    for version in practice:
        english, hindi = version.translation("en"), version.translation("hi")
        assert hindi is not None and hindi.language == "hi", version
        assert devanagari.search(hindi.stem_html) and devanagari.search(hindi.general_feedback_html)
        assert set(hindi.options) == set(english.options) == {o.key for o in version.options.all()}
        for key, text in hindi.options.items():
            assert devanagari.search(text["html"]), (version, key)
            if english.options[key].get("feedback_html"):
                assert devanagari.search(text["feedback_html"]), (version, key)
