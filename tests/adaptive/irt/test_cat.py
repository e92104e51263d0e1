import numpy as np
import pytest

from adaptive.irt import (
    Blueprint,
    BlueprintInfeasibleError,
    CatSession,
    Constraint,
    ExposureControl,
    PreparedBank,
    StoppingRule,
    blueprint_violations,
    probability,
    select_next_item,
)
from adaptive.irt.simulation import cat_blueprint, simulate_cat, synthetic_bank


@pytest.fixture(scope="module")
def setting():
    rng = np.random.default_rng(50)
    sb = synthetic_bank(300, n_nos=4, pcs_per_nos=3, rng=rng)
    bp = cat_blueprint(sb, 16, enemy_pairs=30, rng=rng)
    return sb, bp, PreparedBank.from_bank(sb.bank)


def _run(prep, bp, theta, rng, **kwargs):
    sess = CatSession(prep, bp, rng=rng, **kwargs)
    while (item := sess.next_item()) is not None:
        p = probability([theta], prep.bank.subset([item]))[0, 0]
        sess.record(item, float(rng.random() < p))
    return sess


def test_every_finished_test_meets_the_blueprint_and_keeps_enemies_apart(setting):
    sb, bp, prep = setting
    rng = np.random.default_rng(51)
    exposure = ExposureControl(sb.bank.n_items, max_rate=0.3)
    for theta in rng.normal(0, 1.2, 25):
        sess = _run(prep, bp, theta, rng, stopping=StoppingRule(se_target=0.35), exposure=exposure)
        assert blueprint_violations(bp, sess.administered) == []
        for group in bp.enemies:
            assert len(set(group) & set(sess.administered)) <= 1
        assert sess.stop_reason in ("se_target", "max_length")


def test_full_length_tests_meet_minima_per_area(setting):
    sb, bp, prep = setting
    rng = np.random.default_rng(52)
    sess = _run(prep, bp, 2.5, rng, stopping=StoppingRule(se_target=None))
    assert len(sess.administered) == bp.length
    assert blueprint_violations(bp, sess.administered) == []


def test_excluded_items_are_never_given(setting):
    sb, bp, prep = setting
    rng = np.random.default_rng(53)
    first = _run(prep, bp, 0.0, rng, stopping=StoppingRule(se_target=None))
    # a second attempt by the same candidate must not repeat the first attempt's items
    second = _run(
        prep, bp, 0.0, rng, stopping=StoppingRule(se_target=None), excluded=first.administered
    )
    assert not set(first.administered) & set(second.administered)
    assert blueprint_violations(bp, second.administered) == []


def test_se_stopping_rule_stops_once_precise_and_blueprint_minima_met(setting):
    sb, bp, prep = setting
    rng = np.random.default_rng(54)
    sess = _run(prep, bp, 0.3, rng, stopping=StoppingRule(se_target=0.45, min_length=4))
    assert sess.stop_reason == "se_target"
    assert sess.standard_error <= 0.45
    assert 4 <= len(sess.administered) < bp.length
    assert blueprint_violations(bp, sess.administered) == []


def test_exposure_stays_under_target_in_a_small_simulation(setting):
    sb, bp, _ = setting
    rng = np.random.default_rng(55)
    exposure = ExposureControl(sb.bank.n_items, max_rate=0.2)
    res = simulate_cat(
        sb,
        bp,
        rng.normal(0, 1, 150),
        stopping=StoppingRule(se_target=0.35),
        exposure=exposure,
        rng=rng,
    )
    assert res["blueprint_met"]
    assert res["max_exposure"] <= 0.2 + 1e-9
    assert res["rmse"] < 0.5


def test_stateless_selection_reuses_the_shadow_test_and_matches_kl_option(setting):
    sb, bp, prep = setting
    rng = np.random.default_rng(56)
    administered: list[int] = []
    responses: list[float] = []
    shadow = None
    for _ in range(6):
        sel = select_next_item(
            prep, administered, responses, bp, shadow=shadow, rng=rng, excluded=[0, 1, 2]
        )
        assert sel.item not in administered and sel.item not in (0, 1, 2)
        assert set(administered) <= set(sel.shadow.items.tolist())
        assert len(sel.shadow.items) == bp.length
        assert blueprint_violations(bp, sel.shadow.items.tolist()) == []
        administered.append(sel.item)
        responses.append(1.0)
        shadow = sel.shadow
    assert shadow is not None and shadow.solves < 6  # re-solved only when needed
    kl = select_next_item(sb.bank, administered, responses, bp, method="kl", rng=rng)
    assert kl.item not in administered
    assert kl.theta > 0  # all correct so far


def test_infeasible_blueprint_raises(setting):
    sb, _, prep = setting
    impossible = Blueprint(5, (Constraint(tuple(range(3)), minimum=4),))
    with pytest.raises(BlueprintInfeasibleError):
        select_next_item(prep, [], [], impossible, rng=np.random.default_rng(0))


def test_marks_constraints_count_marks():
    bp = Blueprint(3, (Constraint((0, 1, 2), minimum=3, marks=(2.0, 1.0, 1.0), name="m"),))
    assert blueprint_violations(bp, [1, 2]) == ["m: 2 < minimum 3"]
    assert blueprint_violations(bp, [0, 1]) == []
