# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""The statistics task: facility, corrected point-biserial, distractors by ability group, flags."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from adaptive.services import attempt_start, response_record
from adaptive.tasks import item_statistics_compute
from question_bank.models import ItemStatistics
from tests.question_bank.factories import (  # noqa: F401
    asc_q0202,
    content_single,
    curator,
    item_make,
    second_curator,
    user_in,
)

pytestmark = pytest.mark.django_db


def test_statistics_match_hand_computed_values_and_flag_problems(
    asc_q0202, curator, second_curator
):
    good, bad, *anchors = (
        item_make(
            author=curator, approver=second_curator, pc=pc, content=content_single(f"Q {pc}?")
        )
        for pc in ("PC1", "PC2", "PC3", "PC4", "PC5")
    )
    # 12 candidates: the strong half get `good` and the anchors right and `bad` wrong, the weak half
    # the reverse (with one anchor right for odd i): `bad` discriminates negatively.
    for i in range(12):
        learner = user_in(Role.LEARNER)
        attempt = attempt_start(user=learner, mode="summative")
        strong = i >= 6
        answers = [(good, "A" if strong else "B"), (bad, "B" if strong else "A")]
        answers += [
            (a, "A" if strong or (i % 2 and n == 0) else "B") for n, a in enumerate(anchors)
        ]
        for item, answer in answers:
            response_record(
                user=learner,
                item_version=item.versions.get(),
                answer=answer,
                mode="summative",
                attempt=attempt,
            )
    assert item_statistics_compute("ASC/Q0202") == 5
    good_stats = ItemStatistics.objects.get(version__item=good)
    bad_stats = ItemStatistics.objects.get(version__item=bad)
    assert good_stats.response_count == 12
    assert good_stats.facility == pytest.approx(0.5)
    assert good_stats.discrimination > 0.3
    assert bad_stats.discrimination < 0
    assert any("Negative discrimination" in f for f in bad_stats.flags)
    # option C is never chosen on any item: flagged as a dead distractor
    assert any("Distractor C was chosen by nobody" in f for f in good_stats.flags)
    a = good_stats.distractors["A"]
    assert (a["all"], a["low"], a["high"]) == (pytest.approx(0.5), 0.0, 1.0)
    # recomputing updates in place
    assert item_statistics_compute("ASC/Q0202") == 5
    assert ItemStatistics.objects.count() == 5


def test_no_responses_writes_nothing(asc_q0202, curator):
    item_make(author=curator)
    assert item_statistics_compute("ASC/Q0202") == 0
    assert not ItemStatistics.objects.exists()


def test_compute_all_covers_every_current_qp(asc_q0202, curator, second_curator):
    from adaptive.tasks import item_statistics_compute_all

    item = item_make(author=curator, approver=second_curator)
    learner = user_in(Role.LEARNER)
    response_record(user=learner, item_version=item.versions.get(), answer="A")
    assert item_statistics_compute_all.delay().get() == {"ASC/Q0202": 1}
    assert ItemStatistics.objects.get().response_count == 1
