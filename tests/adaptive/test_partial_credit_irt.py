"""Partial credit on the IRT scale: a matching item's half marks, and a multiple-response item's
half-right choice, are a middle GPCM category (Muraki 1992) in calibration, in the ability
estimate and in the expected percent, while right/wrong items (single choice, an all-or-nothing
multiple-response item) stay 2PL."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from accounts.roles import Role
from adaptive.calibration import calibration_data_collect, calibration_run_start
from adaptive.delivery import attempts_score_fields
from adaptive.irt import ItemBank, estimate_ability, expected_score, item_information
from adaptive.models import Attempt, Mode, Response
from adaptive.papers import bank_build
from question_bank.items.content import ItemContent, OptionText, Translation
from tests.question_bank.factories import content_multiple, content_single, item_make, user_in

pytestmark = pytest.mark.django_db

CHOICE_A = np.array([0.8, 1.0, 1.2, 1.5, 0.9, 1.1])
CHOICE_B = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 0.2])
MATCH_A = np.array([1.0, 1.3, 0.8])
MATCH_STEPS = np.array([[-1.0, 0.0], [-0.5, 0.8], [0.0, 1.0]])
PCS = [("ASC/N0001", f"PC{i}") for i in range(1, 10)]


def _matching(k: int) -> ItemContent:
    return ItemContent(
        item_type="matching",
        translations={"en": Translation(f"<p>Match set {k}.</p>")},
        type_data={"pairs": [{"question_html": "<p>x</p>", "answer": f"x{k}"},
                             {"question_html": "<p>y</p>", "answer": f"y{k}"}]},
    )  # fmt: skip


def _all_or_nothing_multiple(k: int) -> ItemContent:
    """A multiple-response item with one correct option worth the whole mark and wrong options
    that cost it all: any choice totals 1, 0 or less, so only 0 and 1 are reachable."""
    t = Translation(f"<p>Which one is safe ({k})?</p>", "",
                    {key: OptionText(f"<p>{key}</p>") for key in "ABC"})  # fmt: skip
    return ItemContent(
        item_type="multiple_response",
        translations={"en": t},
        options=[("A", Decimal(1)), ("B", Decimal(-1)), ("C", Decimal(-1))],
    )


def _gpcm_draw(rng, theta, a, steps):
    """Categories 0..2 of a GPCM item (mirt's form: z_k = k a theta - a sum b_v)."""
    z = np.stack([np.zeros_like(theta)] + [
        k * a * theta - a * steps[:k].sum() for k in (1, 2)], axis=1)  # fmt: skip
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random(theta.size)[:, None]
    return (u > np.cumsum(p, axis=1)).sum(axis=1)


@pytest.fixture
def mixed_bank(asc_q0202):
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    choice = [
        item_make(nos=nos, pc=pc, content=content_single(f"Q{k} {pc}?"), author=author,
                  approver=approver)
        for k, (nos, pc) in enumerate(PCS[:6])
    ]  # fmt: skip
    matching = [
        item_make(nos=nos, pc=pc, content=_matching(k), author=author, approver=approver)
        for k, (nos, pc) in enumerate(PCS[6:9])
    ]
    return choice, matching


def _simulate(choice, matching, n_persons: int, seed: int, answer=None) -> None:
    learner = user_in(Role.LEARNER)
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_persons)
    p = 1 / (1 + np.exp(-(CHOICE_A[None, :] * (theta[:, None] - CHOICE_B[None, :]))))
    right = rng.random(p.shape) < p
    cats = np.stack([_gpcm_draw(rng, theta, MATCH_A[j], MATCH_STEPS[j]) for j in range(3)], 1)
    attempts = Attempt.objects.bulk_create(
        Attempt(user=learner, mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202")
        for _ in range(n_persons)
    )
    rows = []
    for i, attempt in enumerate(attempts):
        for j, item in enumerate(choice):
            rows.append(Response(user=learner, attempt=attempt, item=item,
                                 item_version=item.versions.get(), mode=Mode.SUMMATIVE,
                                 answer=["A"], score=float(right[i, j]),
                                 is_correct=bool(right[i, j])))  # fmt: skip
        for j, item in enumerate(matching):
            c = int(cats[i, j])
            rows.append(Response(user=learner, attempt=attempt, item=item,
                                 item_version=item.versions.get(), mode=Mode.SUMMATIVE,
                                 answer=answer if answer is not None else {}, score=c / 2,
                                 is_correct=c == 2))  # fmt: skip
    Response.objects.bulk_create(rows)


def test_partial_credit_items_are_calibrated_as_gpcm_beside_2pl_items(
    mixed_bank, django_capture_on_commit_callbacks
):
    choice, matching = mixed_bank
    _simulate(choice, matching, 2000, seed=3)
    data = calibration_data_collect(qualification_pack_code="ASC/Q0202")
    assert sorted(set(data.n_categories.values())) == [2, 3]
    assert set(np.unique(data.responses.score)) == {0.0, 1.0, 2.0}
    with django_capture_on_commit_callbacks(execute=True):
        run = calibration_run_start(qualification_pack_code="ASC/Q0202", model="2pl")
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    for j, item in enumerate(matching):
        item.refresh_from_db()
        assert len(item.step_difficulties) == 2
        assert item.discrimination == pytest.approx(MATCH_A[j], abs=0.25)
        assert item.step_difficulties == pytest.approx(list(MATCH_STEPS[j]), abs=0.3)
    for j, item in enumerate(choice):
        item.refresh_from_db()
        assert item.step_difficulties == []
        assert item.difficulty == pytest.approx(CHOICE_B[j], abs=0.3)

    # Delivery reads the steps back: the matching items are GPCM items of the pool's bank.
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    index = {p.item_id: i for i, p in enumerate(bank.items)}
    for item in matching:
        i = index[item.pk]
        assert bank.irt.n_categories[i] == 3
        assert bank.category(i, 0.5) == 1 and bank.category(i, 1.0) == 2
    for item in choice:
        assert bank.irt.n_categories[index[item.pk]] == 2


def test_expected_score_and_information_of_a_mixed_bank():
    # A 3PL item beside a GPCM item: the 3PL item keeps its guessing floor.
    bank = ItemBank(
        np.array([1.0, 1.2]),
        np.array([[0.0, np.nan], [0.5, -0.5]]),
        np.array([0.2, 0.0]),
        polytomous="gpcm",
    )
    low = expected_score(np.array([-8.0]), bank)[0]
    high = expected_score(np.array([8.0]), bank)[0]
    assert low[0] == pytest.approx(0.2, abs=1e-3) and low[1] == pytest.approx(0.0, abs=1e-3)
    assert high == pytest.approx([1.0, 1.0], abs=1e-3)
    three_pl = ItemBank(np.array([1.0]), np.array([[0.0]]), np.array([0.2]))
    theta = np.linspace(-3, 3, 7)
    assert item_information(theta, bank)[:, 0] == pytest.approx(
        item_information(theta, three_pl)[:, 0]
    )


@pytest.fixture
def multiple_response_bank(asc_q0202):
    """Six single-choice items, three multiple-response items with partial credit (two correct
    options at 0.5 each, a penalised wrong one) and one all-or-nothing multiple-response item."""
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    choice = [
        item_make(nos=nos, pc=pc, content=content_single(f"Q{k} {pc}?"), author=author,
                  approver=approver)
        for k, (nos, pc) in enumerate(PCS[:6])
    ]  # fmt: skip
    partial = [
        item_make(nos=nos, pc=pc, content=content_multiple(), author=author, approver=approver)
        for nos, pc in PCS[6:9]
    ]
    whole = item_make(nos="ASC/N0002", pc="PC1", content=_all_or_nothing_multiple(0),
                      author=author, approver=approver)  # fmt: skip
    return choice, partial, whole


def test_multiple_response_score_levels_are_the_totals_its_choices_reach():
    from question_bank.items.types import item_type_spec

    spec = item_type_spec("multiple_response")
    assert spec.score_levels(content_multiple()) == [0.0, 0.5, 1.0]
    assert spec.score_levels(_all_or_nothing_multiple(0)) == [0.0, 1.0]
    content = content_multiple()
    assert spec.score_category(content, float(spec.score(content, "A"))) == 1
    assert spec.score_category(content, float(spec.score(content, ["A", "C"]))) == 0


def test_multiple_response_with_partial_credit_is_calibrated_as_gpcm_and_all_or_nothing_as_2pl(
    multiple_response_bank, django_capture_on_commit_callbacks
):
    choice, partial, whole = multiple_response_bank
    _simulate(choice, partial, 2000, seed=5, answer=["A"])
    learner = Response.objects.first().user
    rng = np.random.default_rng(8)
    attempts = list(Attempt.objects.all())
    right = rng.random(len(attempts)) < 0.6
    Response.objects.bulk_create(
        Response(user=learner, attempt=attempt, item=whole, item_version=whole.versions.get(),
                 mode=Mode.SUMMATIVE, answer=["A"] if r else ["B"], score=float(r),
                 is_correct=bool(r))
        for attempt, r in zip(attempts, right, strict=True)
    )  # fmt: skip
    data = calibration_data_collect(qualification_pack_code="ASC/Q0202")
    categories = dict(data.n_categories)
    assert {categories[item.pk] for item in partial} == {3}
    assert categories[whole.pk] == 2 and {categories[item.pk] for item in choice} == {2}
    with django_capture_on_commit_callbacks(execute=True):
        run = calibration_run_start(qualification_pack_code="ASC/Q0202", model="2pl")
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    for j, item in enumerate(partial):
        item.refresh_from_db()
        assert len(item.step_difficulties) == 2
        assert item.discrimination == pytest.approx(MATCH_A[j], abs=0.25)
        assert item.step_difficulties == pytest.approx(list(MATCH_STEPS[j]), abs=0.3)
    whole.refresh_from_db()
    assert whole.step_difficulties == [] and whole.difficulty is not None

    # CAT and LOFT score with the pool's bank: the partial items are 3-category GPCM items there.
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    index = {p.item_id: i for i, p in enumerate(bank.items)}
    for item in partial:
        i = index[item.pk]
        assert bank.irt.n_categories[i] == 3 and bank.score_levels[i] == [0.0, 0.5, 1.0]
        assert [bank.category(i, s) for s in (0.0, 0.5, 1.0)] == [0, 1, 2]
    assert bank.irt.n_categories[index[whole.pk]] == 2
    assert bank.category(index[whole.pk], 1.0) == 1


def test_a_half_right_multiple_response_answer_scores_between_wrong_and_right(
    multiple_response_bank,
):
    """Finished attempts are scored with the GPCM category of each answer: half the options
    right is the middle category, so its ability lies between all wrong and all right (it was
    scored as wrong when multiple response was dichotomous)."""
    from adaptive.models import Assessment

    _, partial, _ = multiple_response_bank
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    idx = [i for i, p in enumerate(bank.items) if p.item_id in {item.pk for item in partial}]
    assessment = Assessment(qualification_pack_code="ASC/Q0202", delivery="loft")
    sittings = [(idx, [score] * len(idx), len(idx)) for score in (0.0, 0.5, 1.0)]
    wrong, half, right = (f["theta"] for f in attempts_score_fields(
        assessment=assessment, bank=bank, sittings=sittings))  # fmt: skip
    assert wrong < half < right
    y = np.full((1, len(bank.items)), np.nan)
    y[0, idx] = 1.0
    assert half == pytest.approx(float(estimate_ability(y, bank.irt, "eap").theta[0]), abs=1e-6)


def test_a_cat_percent_counts_each_partial_credit_category_at_the_mark_it_earns():
    """The CAT's percent is the expected share of the marks: a numeric item worth 0.1 for a
    near answer counts its middle category at 0.1 of the mark, not at half of it."""
    from adaptive.irt.models import category_log_probabilities
    from adaptive.papers import AssessmentBank, PoolItem

    irt = ItemBank(np.array([1.0]), np.array([[0.5, -0.5]]), np.zeros(1), polytomous="gpcm")
    bank = AssessmentBank(
        items=[PoolItem(version_id=1, item_id=1, nos_code="N1", pc_id=1, pc_code="PC1")],
        irt=irt, pc_weight={1: 1.0}, nos_weight={"N1": 1.0}, nos_titles={"N1": "N1"},
        score_levels=[[0.0, 0.1, 1.0]],
    )  # fmt: skip
    p = np.exp(category_log_probabilities(np.array([0.3]), irt))[0, 0]
    assert bank.expected_percent(0.3) == pytest.approx(100 * (0.1 * p[1] + p[2]))
    assert bank.category(0, 0.1) == 1 and bank.category(0, 0.05) == 0
