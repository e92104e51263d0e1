"""Starting a LOFT attempt: the issued papers are read in one query (mapped by item when a
pool changed), the slow 0-1 program is not tried again once a paper was raised, and the
assessment's papers are read (and the assessment locked) only when the overlap rule applies."""

from __future__ import annotations

from itertools import combinations

import pytest

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import Attempt
from question_bank.items.services import item_version_retire
from question_bank.models import ItemVersion
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assigned_start

pytestmark = pytest.mark.django_db


def _items(attempt: Attempt) -> set[int]:
    versions = [attempt.pool[i] for i in attempt.paper]
    return set(ItemVersion.objects.filter(pk__in=versions).values_list("item_id", flat=True))


def test_the_issued_papers_are_read_in_one_query(small_bank, django_assert_num_queries):
    assessment = assessment_make(max_overlap=0.25)
    attempts = [assigned_start(user=user_in(Role.LEARNER), assessment=assessment) for _ in range(3)]
    bank = delivery.assessment_bank(assessment)
    with django_assert_num_queries(1):
        issued = delivery._issued_papers(assessment, bank)
    assert issued.papers == [a.paper for a in attempts]
    assert issued.latest_cap == 0.25


def test_a_paper_from_an_older_pool_counts_by_its_items(small_bank, approver):
    assessment = assessment_make(max_overlap=0.25)
    first = assigned_start(user=user_in(Role.LEARNER), assessment=assessment)
    gone = ItemVersion.objects.get(pk=first.pool[first.paper[0]])
    item_version_retire(version=gone, user=approver)
    bank = delivery.assessment_bank(assessment)  # the pool without the retired version
    issued = delivery._issued_papers(assessment, bank)
    kept = _items(first) - {gone.item_id}
    assert {bank.items[i].item_id for i in issued.papers[0]} == kept
    assert issued.latest_cap is None  # another pool: its cap tells nothing about this one

    later = [assigned_start(user=user_in(Role.LEARNER), assessment=assessment) for _ in range(3)]
    for attempt in later:  # still within the cap against the first paper's remaining items
        assert len(_items(attempt) & kept) <= 1


def test_once_a_paper_was_raised_the_program_is_not_tried_at_the_own_cap(small_bank, monkeypatch):
    assessment = assessment_make(max_overlap=0.0)  # no shared question: ~5 papers at most
    solved: list[float] = []
    solve = delivery.assemble_paper

    def spy(*args, **kwargs):
        solved.append(kwargs["max_overlap"])
        return solve(*args, **kwargs)

    monkeypatch.setattr(delivery, "assemble_paper", spy)
    caps: list[float] = []
    for _ in range(8):
        solved.clear()
        attempt = assigned_start(user=user_in(Role.LEARNER), assessment=assessment)
        if caps and caps[-1] > 0.0:  # the latest paper was raised: no slow try at 0 again
            assert solved == []
        caps.append(attempt.state["overlap_cap"])
    assert caps[0] == 0.0 and caps[-1] > 0.0
    papers = [_items(a) for a in Attempt.objects.filter(state__overlap_cap=0.0)]
    assert len(papers) >= 4 and all(not (p & q) for p, q in combinations(papers, 2))


def test_without_an_overlap_rule_no_issued_paper_is_read(small_bank, monkeypatch):
    assessment = assessment_make(max_overlap=1.0)

    def refuse(*args, **kwargs):
        raise AssertionError("issued papers read without an overlap rule")

    monkeypatch.setattr(delivery, "_issued_papers", refuse)
    for _ in range(3):
        attempt = assigned_start(user=user_in(Role.LEARNER), assessment=assessment)
        assert len(attempt.paper) == 4 and attempt.state["overlap_cap"] == 1.0


def test_a_double_clicked_loft_start_makes_one_attempt(small_bank, candidate):
    assessment = assessment_make(max_overlap=0.25)
    first = assigned_start(user=candidate, assessment=assessment)
    again = assigned_start(user=candidate, assessment=assessment)
    assert again.pk == first.pk
    assert Attempt.objects.filter(user=candidate).count() == 1
