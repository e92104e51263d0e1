"""Single choice with partial credit on the IRT scale: an option worth half the mark (Moodle's
single="true" multichoice with fractions 100/50/0, GIFT's ``~%50%``) is a middle GPCM category
(Muraki 1992), as multiple response's partial credit is, in calibration, in the CAT's and the
LOFT's bank (ability estimate, information) and in the score of a finished attempt; responses
stored while such items were scored right/wrong keep scoring."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from accounts.roles import Role
from adaptive import delivery
from adaptive.calibration import calibration_data_collect, calibration_run_start
from adaptive.delivery import attempts_score_fields
from adaptive.irt import estimate_ability, item_information
from adaptive.irt.models import category_log_probabilities
from adaptive.models import Assessment, Attempt, Delivery, Mode, Response
from adaptive.papers import bank_build
from question_bank.interchange import gift, moodle_xml
from question_bank.items.content import ItemContent, OptionText, Translation
from question_bank.items.services import item_edit, item_version_approve, item_version_submit
from question_bank.items.types import item_type_spec
from tests.adaptive.assessment_factories import assessment_make, assigned_start
from tests.adaptive.test_partial_credit_irt import (
    CHOICE_A,
    CHOICE_B,
    MATCH_A,
    MATCH_STEPS,
    PCS,
    _gpcm_draw,
)
from tests.question_bank.factories import content_single, item_make, user_in

pytestmark = pytest.mark.django_db

ANSWER_OF_CATEGORY = {0: "C", 1: "B", 2: "A"}  # C wrong, B half the mark, A right


def content_half(stem: str = "Which safest?", half: str = "0.5", least: str = "0") -> ItemContent:
    """A single-choice item whose option B earns ``half`` of the mark (C: ``least``)."""
    t = Translation(
        f"<p>{stem}</p>",
        "",
        {k: OptionText(f"<p>{k}</p>") for k in "ABC"},
    )
    return ItemContent(
        item_type="single_choice",
        translations={"en": t},
        options=[("A", Decimal(1)), ("B", Decimal(half)), ("C", Decimal(least))],
    )


def test_single_choice_score_levels_are_the_credit_its_options_give():
    spec = item_type_spec("single_choice")
    assert spec.score_levels(content_half()) == [0.0, 0.5, 1.0]
    assert spec.score_levels(content_single()) == [0.0, 1.0]  # right/wrong stays 2PL
    assert spec.score_levels(content_half(least="-0.5")) == [0.0, 0.5, 1.0]  # clamped at 0
    # No option below half the mark: two categories, the lower one worth 0.5.
    assert spec.score_levels(content_half(least="0.5")) == [0.5, 1.0]
    content = content_half()
    assert [spec.score_category(content, float(spec.score(content, k))) for k in "CBA"] == [0, 1, 2]
    assert item_type_spec("true_false").score_levels(
        ItemContent(item_type="true_false", translations={"en": Translation("<p>?</p>")},
                    options=[("true", Decimal(1)), ("false", Decimal(0))])
    ) == [0.0, 1.0]  # fmt: skip


def test_moodle_and_gift_single_choice_with_partial_fractions_are_polytomous():
    xml = b"""<?xml version="1.0"?>
<quiz>
  <question type="multichoice">
    <name><text>Half</text></name>
    <questiontext format="html"><text>Which is safest?</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>Gloves and goggles</text></answer>
    <answer fraction="50"><text>Gloves</text></answer>
    <answer fraction="0"><text>Nothing</text></answer>
  </question>
</quiz>"""
    text = b"::Half::Which is safest? {=Gloves and goggles ~%50%Gloves ~Nothing}\n"
    for records in (moodle_xml.parse(xml), gift.parse(text)):
        (record,) = records
        assert record.content.item_type == "single_choice"
        spec = item_type_spec("single_choice")
        assert spec.score_levels(record.content) == [0.0, 0.5, 1.0]


@pytest.fixture
def half_credit_bank(asc_q0202):
    """Six right/wrong single-choice items and three whose option B earns half the mark."""
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    choice = [
        item_make(nos=nos, pc=pc, content=content_single(f"Q{k} {pc}?"), author=author,
                  approver=approver)
        for k, (nos, pc) in enumerate(PCS[:6])
    ]  # fmt: skip
    half = [
        item_make(nos=nos, pc=pc, content=content_half(f"H{k}?"), author=author,
                  approver=approver)
        for k, (nos, pc) in enumerate(PCS[6:9])
    ]  # fmt: skip
    return choice, half


def _simulate(choice, half, n_persons: int, seed: int) -> None:
    """Responses as delivery stores them: the option chosen, its fraction, right or not."""
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
                                 answer="A" if right[i, j] else "B", score=float(right[i, j]),
                                 is_correct=bool(right[i, j])))  # fmt: skip
        for j, item in enumerate(half):
            c = int(cats[i, j])
            rows.append(Response(user=learner, attempt=attempt, item=item,
                                 item_version=item.versions.get(), mode=Mode.SUMMATIVE,
                                 answer=ANSWER_OF_CATEGORY[c], score=c / 2,
                                 is_correct=c == 2))  # fmt: skip
    Response.objects.bulk_create(rows)


def test_half_credit_single_choice_is_calibrated_as_a_three_category_gpcm_item(
    half_credit_bank, django_capture_on_commit_callbacks
):
    """(a) three categories from the credit levels {0, 0.5, 1}; (b) the generating slopes and
    steps are recovered beside the 2PL items' difficulties."""
    choice, half = half_credit_bank
    _simulate(choice, half, 2000, seed=13)
    data = calibration_data_collect(qualification_pack_code="ASC/Q0202")
    assert {data.n_categories[item.pk] for item in half} == {3}
    assert {data.n_categories[item.pk] for item in choice} == {2}
    with django_capture_on_commit_callbacks(execute=True):
        run = calibration_run_start(qualification_pack_code="ASC/Q0202", model="2pl")
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    for j, item in enumerate(half):
        item.refresh_from_db()
        assert len(item.step_difficulties) == 2
        assert item.discrimination == pytest.approx(MATCH_A[j], abs=0.25)
        assert item.step_difficulties == pytest.approx(list(MATCH_STEPS[j]), abs=0.3)
    for j, item in enumerate(choice):
        item.refresh_from_db()
        assert item.step_difficulties == []
        assert item.difficulty == pytest.approx(CHOICE_B[j], abs=0.3)

    # The bank CAT and LOFT draw from: 3-category GPCM items, with the GPCM's information
    # (a^2 Var(x | theta), Muraki 1993), which is what the shadow test and the LOFT paper weigh.
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    index = {p.item_id: i for i, p in enumerate(bank.items)}
    theta = np.linspace(-2, 2, 5)
    for item in half:
        i = index[item.pk]
        assert bank.irt.n_categories[i] == 3 and bank.score_levels[i] == [0.0, 0.5, 1.0]
        assert [bank.category(i, s) for s in (0.0, 0.5, 1.0)] == [0, 1, 2]
        one = bank.irt.subset([i])
        p = np.exp(category_log_probabilities(theta, one))[:, 0, :]
        k = np.arange(3)
        variance = p @ k**2 - (p @ k) ** 2
        expected = item.discrimination**2 * variance
        assert item_information(theta, bank.irt)[:, i] == pytest.approx(expected)
        assert bank.prepared.bank.n_categories[i] == 3


def test_a_half_right_single_choice_answer_scores_between_wrong_and_right(half_credit_bank):
    _, half = half_credit_bank
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    idx = [i for i, p in enumerate(bank.items) if p.item_id in {item.pk for item in half}]
    assessment = Assessment(qualification_pack_code="ASC/Q0202", delivery="loft")
    sittings = [(idx, [score] * len(idx), len(idx)) for score in (0.0, 0.5, 1.0)]
    wrong, middle, right = (f["theta"] for f in attempts_score_fields(
        assessment=assessment, bank=bank, sittings=sittings))  # fmt: skip
    assert wrong < middle < right
    y = np.full((1, len(bank.items)), np.nan)
    y[0, idx] = 1.0
    assert middle == pytest.approx(float(estimate_ability(y, bank.irt, "eap").theta[0]), abs=1e-6)


def test_a_cat_counts_the_half_credit_answer_as_the_middle_category(half_credit_bank):
    """Through delivery: a CAT candidate who always picks option B earns half the mark on the
    partial-credit items, and the CAT's ability update reads those answers as category 1."""
    choice, half = half_credit_bank
    for item in choice + half:
        item.discrimination, item.difficulty = 1.0, 0.0
        item.save()
    assessment = assessment_make(
        slug="cat-half", delivery=Delivery.CAT, length=9, min_length=9, se_target=0.1
    )
    user = user_in(Role.LEARNER)
    attempt = assigned_start(user=user, assessment=assessment)
    while attempt.finished_at is None:
        attempt = delivery.attempt_answer(
            attempt=attempt, user=user, item_version_id=attempt.current_item_version_id,
            answer="B",
        )  # fmt: skip
    bank = delivery.attempt_bank(attempt)
    given = delivery._given(attempt, bank)
    half_ids = {item.pk for item in half}
    by_item = {
        r.item_id: (r.score, category)
        for r, category in zip(given.responses, given.results, strict=True)
    }
    assert {by_item[pk] for pk in half_ids & by_item.keys()} == {(0.5, 1.0)}
    assert {by_item[pk] for pk in by_item.keys() - half_ids} == {(0.0, 0.0)}
    assert half_ids & by_item.keys()  # the CAT gave some of them


def test_responses_stored_before_the_change_still_score(half_credit_bank):
    """(c) Rows written while single choice was right/wrong on the IRT scale (score 0.5,
    is_correct False) need no migration: their fraction is the middle category now, in a
    finished attempt's rescoring and in calibration, and an item calibrated then as 2PL (no
    steps) enters the bank as a GPCM item whose steps centre on its difficulty. A version
    without partial credit beside a newer one with it: full marks on either is the top
    category."""
    choice, half = half_credit_bank
    old = half[0]
    old.discrimination, old.difficulty, old.step_difficulties = 1.2, 0.4, []
    old.save()
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    i = next(k for k, p in enumerate(bank.items) if p.item_id == old.pk)
    steps = -bank.irt.intercepts[i, :2] / bank.irt.discrimination[i]
    assert bank.irt.n_categories[i] == 3 and np.mean(steps) == pytest.approx(0.4)

    learner = user_in(Role.LEARNER)
    assessment = assessment_make(slug="old-loft", delivery=Delivery.LOFT, length=2)
    attempt = Attempt.objects.create(
        user=learner, assessment=assessment, mode=Mode.SUMMATIVE,
        qualification_pack_code="ASC/Q0202", pool=bank.version_ids, paper=[],
    )  # fmt: skip
    version = old.versions.get()
    Response.objects.create(
        user=learner, attempt=attempt, item=old, item_version=version, mode=Mode.SUMMATIVE,
        answer="B", score=0.5, is_correct=False,
    )  # fmt: skip
    attempt.finished_at = attempt.started_at
    attempt.save()
    rescored = delivery.attempt_rescore(attempt)
    assert rescored.raw_score == 0.5
    y = np.full((1, len(bank.items)), np.nan)
    y[0, i] = 1.0
    assert rescored.theta == pytest.approx(float(estimate_ability(y, bank.irt, "eap").theta[0]))

    # A right/wrong item edited to give half credit: its old version's answers keep their
    # fractions, so full marks on the old version and on the new are both the top category.
    item = choice[0]
    curator, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    new = item_edit(item=item, user=curator, content=content_half("Q0 edited?"))
    item_version_submit(version=new, user=curator)
    item_version_approve(version=new, user=approver)
    first = item.versions.order_by("pk").first()
    attempts = Attempt.objects.bulk_create(
        Attempt(user=learner, mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202")
        for _ in range(60)
    )
    rows = []
    for k, a in enumerate(attempts):
        v, score = (first, float(k % 2)) if k < 30 else (new, [0.0, 0.5, 1.0][k % 3])
        rows.append(Response(user=learner, attempt=a, item=item, item_version=v,
                             mode=Mode.SUMMATIVE, answer="A", score=score,
                             is_correct=score == 1.0))  # fmt: skip
    Response.objects.bulk_create(rows)
    data = calibration_data_collect(qualification_pack_code="ASC/Q0202")
    assert data.n_categories[item.pk] == 3
    j = data.item_ids.index(item.pk)
    r = data.responses
    scores = r.score[r.item == j]
    assert sorted(set(scores)) == [0.0, 1.0, 2.0]
    assert (scores == 2.0).sum() == 15 + 10  # 15 right on the old version, 10 on the new


def test_the_progress_bar_of_an_older_cat_attempt_reads_half_credit_as_the_middle_category(
    half_credit_bank, monkeypatch
):
    """An attempt started before the answer step stored its standard error has its precision
    estimated again from its answers: a half-credit answer (stored as not correct) counts there
    as the middle category, as in the answer step, not as wrong."""
    import adaptive.progress as progress

    _, half = half_credit_bank
    bank = bank_build(qualification_pack_code="ASC/Q0202")
    assessment = assessment_make(
        slug="old-cat", delivery=Delivery.CAT, length=30, min_length=1, se_target=0.3
    )
    learner = user_in(Role.LEARNER)
    attempt = Attempt.objects.create(
        user=learner, assessment=assessment, mode=Mode.SUMMATIVE,
        qualification_pack_code="ASC/Q0202", pool=bank.version_ids, state={},
    )  # fmt: skip
    for item in half:
        Response.objects.create(
            user=learner, attempt=attempt, item=item, item_version=item.versions.get(),
            mode=Mode.SUMMATIVE, answer="B", score=0.5, is_correct=False,
        )  # fmt: skip
    seen = []
    real = progress.estimate_ability
    monkeypatch.setattr(
        progress, "estimate_ability", lambda y, b, *a, **k: seen.append(y) or real(y, b, *a, **k)
    )
    progress.attempt_progress(attempt=attempt)
    (pattern,) = seen
    idx = [i for i, p in enumerate(bank.items) if p.item_id in {item.pk for item in half}]
    assert list(pattern[idx]) == [1.0, 1.0, 1.0]
    assert np.isnan(np.delete(pattern, idx)).all()
