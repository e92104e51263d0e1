"""Mastery per NOS for trainers (their batches only) and learners (their own only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from adaptive.mastery import mastery_per_nos
from adaptive.models import Attempt, Mode, Response
from lti.models import Batch, BatchMembership
from question_bank.models import Item
from tests.question_bank.factories import content_single, item_make, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(asc_q0202):
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    items = [
        item_make(
            nos="ASC/N0001",
            pc=f"PC{k}",
            content=content_single(f"Planning question {k}?"),
            author=author,
            approver=approver,
        )
        for k in range(1, 7)
    ]
    return asc_q0202, items


def _answer(user, items, correct: list[bool]) -> None:
    attempt = Attempt.objects.create(user=user, mode=Mode.PRACTICE)
    for item, ok in zip(items, correct, strict=True):
        Response.objects.create(
            user=user,
            attempt=attempt,
            item=item,
            item_version=item.versions.get(),
            mode=Mode.PRACTICE,
            answer=["A"],
            score=float(ok),
            is_correct=ok,
        )


def test_uncalibrated_mastery_is_the_share_correct_against_the_pass_mark(bank):
    pack, items = bank
    good, weak, new = user_in(Role.LEARNER), user_in(Role.LEARNER), user_in(Role.LEARNER)
    _answer(good, items[:5], [True, True, True, True, False])  # 80 % >= 75 %
    _answer(weak, items[:5], [True, False, True, False, False])
    _answer(new, items[:2], [True, True])
    table = mastery_per_nos(user_ids=[good.pk, weak.pk, new.pk], qualification_pack=pack)
    assert [row.nos_code for row in table[good.pk]][:2] == ["ASC/N0001", "ASC/N0002"]
    n0001 = {user: table[user.pk][0] for user in (good, weak, new)}
    assert (n0001[good].answered, n0001[good].correct, n0001[good].mastered) == (5, 4, True)
    assert n0001[weak].mastered is False
    assert n0001[new].mastered is None  # two answers are not enough evidence
    assert table[good.pk][1].answered == 0 and table[good.pk][1].mastered is None


def test_calibrated_items_give_an_ability_estimate_and_expected_score(bank):
    pack, items = bank
    for k, item in enumerate(items):
        Item.objects.filter(pk=item.pk).update(discrimination=1.2, difficulty=-1.0 + 0.4 * k)
    strong, weak = user_in(Role.LEARNER), user_in(Role.LEARNER)
    _answer(strong, items, [True] * 6)
    _answer(weak, items, [False] * 6)
    table = mastery_per_nos(user_ids=[strong.pk, weak.pk], qualification_pack=pack)
    s, w = table[strong.pk][0], table[weak.pk][0]
    assert s.theta > 0.5 > -0.5 > w.theta
    assert 0 < s.standard_error < 1.2
    assert s.expected_percent > 75 > w.expected_percent
    assert (s.mastered, w.mastered) == (True, False)


def _batch(trainer, learners, code="ASC/Q0202") -> Batch:
    batch = Batch.objects.create(name="Pune batch 7", qualification_pack_code=code)
    BatchMembership.objects.create(batch=batch, user=trainer, role=BatchMembership.Role.TRAINER)
    for learner in learners:
        BatchMembership.objects.create(batch=batch, user=learner)
    return batch


def test_trainer_sees_mastery_of_their_own_batch(client, bank):
    _, items = bank
    trainer, learner = user_in(Role.TRAINER), user_in(Role.LEARNER, full_name="Meena Kumari")
    _answer(learner, items[:5], [True] * 5)
    batch = _batch(trainer, [learner])
    client.force_login(trainer)
    assert "Pune batch 7" in client.get(reverse("trainer_batches")).content.decode()
    page = client.get(reverse("batch_mastery", args=[batch.pk])).content.decode()
    # The heatmap cell: the share correct (starred: too few calibrated answers), 5/5 in its title.
    assert "Meena Kumari" in page and "ASC/N0204" in page and "5/5 correct" in page
    assert "100%*" in page


def test_a_trainer_cannot_open_another_trainers_batch(client, bank):
    other = _batch(user_in(Role.TRAINER), [user_in(Role.LEARNER)])
    client.force_login(user_in(Role.TRAINER))
    assert client.get(reverse("batch_mastery", args=[other.pk])).status_code == 404


def test_learners_cannot_open_trainer_pages(client, bank):
    learner = user_in(Role.LEARNER)
    batch = _batch(user_in(Role.TRAINER), [learner])
    client.force_login(learner)
    assert client.get(reverse("trainer_batches")).status_code == 403
    assert client.get(reverse("batch_mastery", args=[batch.pk])).status_code == 403


def test_a_learner_sees_only_their_own_progress(client, bank):
    _, items = bank
    me, other = user_in(Role.LEARNER), user_in(Role.LEARNER)
    _batch(user_in(Role.TRAINER), [me, other])
    _answer(me, items[:2], [True, False])
    _answer(other, items[:6], [True] * 6)
    client.force_login(me)
    page = client.get(reverse("my_mastery")).content.decode()
    assert "1 of 2 correct" in page
    assert "6 of 6 correct" not in page


def test_knowledge_checks_alone_show_on_the_progress_page(client, bank):
    """A learner in no batch who answered three knowledge checks (recorded as the lesson page
    records them: practice responses without an attempt or a QP) sees them counted."""
    _, items = bank
    me = user_in(Role.LEARNER)
    for item, ok in zip(items[:3], [True, True, False], strict=True):
        Response.objects.create(
            user=me, item=item, item_version=item.versions.get(), mode=Mode.PRACTICE,
            answer=["A"], score=float(ok), is_correct=ok,
        )  # fmt: skip
    client.force_login(me)
    page = client.get(reverse("my_mastery")).content.decode()
    assert "3 knowledge-check answers" in page and "2 of 3 correct" in page
    assert "Answer some knowledge checks" not in page
