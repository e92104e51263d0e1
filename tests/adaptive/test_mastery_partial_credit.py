"""Mastery per NOS with partial-credit items: each item is read in the model its calibration
fitted (GPCM for partial credit, its category from the stored credit), and the expected percent
sums each item's levels x category probabilities; right/wrong banks give the figures they gave
before partial credit was read."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.roles import Role
from adaptive.irt import ItemBank, estimate_ability, probability
from adaptive.mastery import mastery_per_nos, pc_weakness
from adaptive.models import Attempt, Mode, Response
from question_bank.api import item_versions_score_levels, score_categories_of, score_category_of
from question_bank.models import Item, PerformanceCriterion
from tests.question_bank.factories import content_multiple, content_single, item_make, user_in

pytestmark = pytest.mark.django_db

NOS = "ASC/N0001"
# Four multiple-response items (levels 0, 0.5, 1: GPCM) and two single-choice items (2PL),
# on PCs 1..3 so that PCs hold several items and mix both kinds.
GPCM_A = [1.1, 0.9, 1.3, 1.0]
GPCM_STEPS = [[-0.8, 0.4], [-0.2, 0.9], [-1.0, 0.1], [0.0, 0.6]]
TWO_PL = [(1.2, -0.3), (0.8, 0.5)]
PC_OF = ["PC1", "PC1", "PC2", "PC3", "PC2", "PC3"]
GRID = np.linspace(-7.0, 7.0, 281)


@pytest.fixture
def mixed_nos(asc_q0202):
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    items = []
    for k in range(6):
        content = content_multiple() if k < 4 else content_single(f"Which is safe {k}?")
        item = item_make(nos=NOS, pc=PC_OF[k], content=content, author=author, approver=approver)
        if k < 4:
            a, steps = GPCM_A[k], GPCM_STEPS[k]
            Item.objects.filter(pk=item.pk).update(
                discrimination=a, difficulty=float(np.mean(steps)), step_difficulties=steps
            )
        else:
            a, b = TWO_PL[k - 4]
            Item.objects.filter(pk=item.pk).update(discrimination=a, difficulty=b)
        items.append(item)
    levels = item_versions_score_levels([i.versions.get() for i in items])
    assert [levels[i.versions.get().pk] for i in items[:4]] == [[0.0, 0.5, 1.0]] * 4
    return asc_q0202, items


def _answer(user, items, scores: list[float]) -> None:
    attempt = Attempt.objects.create(user=user, mode=Mode.PRACTICE)
    Response.objects.bulk_create(
        Response(user=user, attempt=attempt, item=item, item_version=item.versions.get(),
                 mode=Mode.PRACTICE, answer=["A"], score=s, is_correct=s >= 1.0)
        for item, s in zip(items, scores, strict=True)
    )  # fmt: skip


def _category_probabilities(theta: np.ndarray) -> list[np.ndarray]:
    """Per item, (n_theta, K) probabilities written out from Muraki (1992) and Birnbaum."""
    out = []
    for a, steps in zip(GPCM_A, GPCM_STEPS, strict=True):
        z = np.stack([k * a * theta - a * sum(steps[:k]) for k in range(3)], axis=1)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        out.append(p / p.sum(axis=1, keepdims=True))
    for a, b in TWO_PL:
        p1 = 1 / (1 + np.exp(-a * (theta - b)))
        out.append(np.stack([1 - p1, p1], axis=1))
    return out


def _direct_eap(categories: list[int]) -> tuple[float, float]:
    probs = _category_probabilities(GRID)
    log_post = -0.5 * GRID**2 + sum(np.log(p[:, c]) for p, c in zip(probs, categories, strict=True))
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    mean = float(w @ GRID)
    return mean, float(np.sqrt(w @ GRID**2 - mean**2))


def _direct_percent(theta: float, pack) -> float:
    """sum over PCs of (PC's share of the theory marks) x (mean expected score of its items),
    each item's expected score being sum_k level_k P_k."""
    probs = _category_probabilities(np.array([theta]))
    levels = [np.array([0, 0.5, 1.0])] * 4 + [np.array([0, 1.0])] * 2
    expected = [float(p[0] @ lv) for p, lv in zip(probs, levels, strict=True)]
    marks = {
        pc.code: float(pc.theory_marks or 0)
        for pc in PerformanceCriterion.objects.filter(nos__code=NOS, code__in=set(PC_OF))
    }
    assert sum(marks.values()) > 0
    total = sum(marks.values())
    return 100 * sum(
        marks[pc] / total * np.mean([e for e, p in zip(expected, PC_OF, strict=True) if p == pc])
        for pc in marks
    )


def test_half_credit_lies_between_all_wrong_and_all_right_and_matches_numpy(mixed_nos):
    pack, items = mixed_nos
    wrong, half, right = (user_in(Role.LEARNER) for _ in range(3))
    _answer(wrong, items, [0.0] * 6)
    _answer(half, items, [0.5] * 4 + [1.0, 0.0])
    _answer(right, items, [1.0] * 6)
    table = mastery_per_nos(user_ids=[wrong.pk, half.pk, right.pk], qualification_pack=pack)
    w, h, r = (table[u.pk][0] for u in (wrong, half, right))
    assert w.theta < h.theta < r.theta
    assert w.expected_percent < h.expected_percent < r.expected_percent
    for row, categories in ((w, [0] * 6), (h, [1] * 4 + [1, 0]), (r, [2] * 4 + [1, 1])):
        theta, se = _direct_eap(categories)
        assert row.theta == pytest.approx(theta, abs=1e-9)
        assert row.standard_error == pytest.approx(se, abs=1e-9)
        assert row.expected_percent == pytest.approx(_direct_percent(theta, pack), abs=1e-9)
    # Half credit is not "wrong": read right/wrong, the half learner would sit at the bottom.
    assert h.correct == 1 and h.theta > w.theta + 0.5


def test_pc_expected_percent_is_the_mean_expected_score_of_its_items(mixed_nos):
    pack, items = mixed_nos
    learners = [user_in(Role.LEARNER) for _ in range(3)]
    patterns = [[0.0] * 6, [0.5, 1.0, 0.5, 0.0, 1.0, 0.0], [1.0] * 6]
    for user, scores in zip(learners, patterns, strict=True):
        _answer(user, items, scores)
    table = mastery_per_nos(user_ids=[u.pk for u in learners], qualification_pack=pack)
    thetas = np.array([table[u.pk][0].theta for u in learners])
    rows = {r.pc_code: r for r in pc_weakness(
        user_ids=[u.pk for u in learners], qualification_pack=pack, nos_code=NOS)}  # fmt: skip
    probs = _category_probabilities(thetas)
    levels = [np.array([0, 0.5, 1.0])] * 4 + [np.array([0, 1.0])] * 2
    expected = np.stack([p @ lv for p, lv in zip(probs, levels, strict=True)], axis=1)
    for pc in set(PC_OF):
        cols = [j for j, p in enumerate(PC_OF) if p == pc]
        assert rows[pc].expected_percent == pytest.approx(100 * expected[:, cols].mean(), abs=1e-9)


def test_a_right_wrong_bank_gives_the_figures_it_gave_before(asc_q0202):
    """The 2PL/3PL reading of old: EAP on ``ItemBank.from_irt`` and ``probability`` weighted by
    the PCs' theory marks, unchanged to the last digit."""
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    rng = np.random.default_rng(5)
    a, b = np.exp(rng.normal(0, 0.3, 6)), rng.normal(0, 1, 6)
    c = np.array([0.0, 0.2, 0.0, 0.0, 0.15, 0.0])
    items = []
    for k in range(6):
        item = item_make(nos=NOS, pc=PC_OF[k], content=content_single(f"Q{k}?"), author=author,
                         approver=approver)  # fmt: skip
        Item.objects.filter(pk=item.pk).update(
            discrimination=a[k], difficulty=b[k], guessing=c[k] or None
        )
        items.append(item)
    learners = [user_in(Role.LEARNER) for _ in range(4)]
    right = rng.random((4, 6)) < 0.6
    for user, row in zip(learners, right, strict=True):
        _answer(user, items, [float(x) for x in row])
    table = mastery_per_nos(user_ids=[u.pk for u in learners], qualification_pack=asc_q0202)
    bank = ItemBank.from_irt(a, b, c)
    old = estimate_ability(right.astype(float), bank, "eap")
    marks = {pc.code: float(pc.theory_marks or 0)
             for pc in PerformanceCriterion.objects.filter(nos__code=NOS)}  # fmt: skip
    per_pc = {pc: PC_OF.count(pc) for pc in PC_OF}
    w = np.array([marks[pc] / per_pc[pc] for pc in PC_OF])
    percent = 100 * probability(old.theta, bank) @ (w / w.sum())
    for k, user in enumerate(learners):
        row = table[user.pk][0]
        assert row.theta == old.theta[k]
        assert row.standard_error == old.standard_error[k]
        assert row.expected_percent == pytest.approx(percent[k], rel=1e-12)


@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=6, unique=True).map(sorted),
    st.lists(st.floats(-0.5, 1.5, allow_nan=False), min_size=1, max_size=20),
)
def test_categories_of_many_responses_follow_the_one_rule(levels, scores):
    padded = np.array([levels + [np.nan] * 2] * len(scores))
    assert list(score_categories_of(padded, scores)) == [
        score_category_of(levels, s) for s in scores
    ]
