import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive.irt import ItemBank, estimate_ability, subscores
from adaptive.irt.models import category_log_probabilities
from adaptive.irt.scoring import _score_terms

from .helpers import dichotomous_bank, graded_bank, simulate

METHODS = ["eap", "map", "mle", "wle"]


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(30)
    bank = dichotomous_bank(rng, 40)
    theta = rng.normal(0, 1, 1500)
    return bank, theta, simulate(rng, bank, theta)


@pytest.mark.parametrize("method", METHODS)
def test_estimates_track_true_theta_with_honest_standard_errors(scored, method):
    bank, theta, y = scored
    est = estimate_ability(y, bank, method)
    ok = est.finite
    err = est.theta[ok] - theta[ok]
    # 40 items, a ~ 1: SE ~0.35-0.4. The mean reported SE must match the RMSE within 25 % and
    # bias must be small relative to the SE (EAP/MAP shrink, but by < 0.05 on average).
    rmse = np.sqrt(np.mean(err**2))
    assert 0.75 < rmse / np.mean(est.standard_error[ok]) < 1.25
    assert abs(np.mean(err)) < 0.05
    assert np.all(np.isfinite(est.theta)) and np.all(np.isfinite(est.standard_error))


def test_score_function_matches_finite_differences_of_the_log_likelihood():
    rng = np.random.default_rng(31)
    for bank in (dichotomous_bank(rng, 12, guessing=True), graded_bank(rng, 6)):
        y = simulate(rng, bank, rng.normal(0, 1, 5))
        y[0, :2] = np.nan
        codes = np.where(np.isnan(y), -1, np.nan_to_num(y)).astype(int)

        def loglik(t, bank=bank, codes=codes):
            lp = category_log_probabilities(t, bank)
            take = np.take_along_axis(lp, np.maximum(codes, 0)[..., None], axis=2)[..., 0]
            return np.where(codes >= 0, take, 0.0).sum(axis=1)

        t = np.linspace(-2, 2, 5)
        h = 1e-5
        numeric = (loglik(t + h) - loglik(t - h)) / (2 * h)
        grad, _, _ = _score_terms(t, bank, codes, warm=False)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_all_correct_and_all_wrong_patterns():
    rng = np.random.default_rng(32)
    bank = dichotomous_bank(rng, 15)
    y = np.vstack([np.ones(15), np.zeros(15), np.full(15, np.nan)])
    eap = estimate_ability(y, bank, "eap")
    mle = estimate_ability(y, bank, "mle", bound=6.0)
    wle = estimate_ability(y, bank, "wle")
    assert eap.theta[0] > 1 and eap.theta[1] < -1 and eap.theta[2] == pytest.approx(0, abs=1e-9)
    assert eap.finite.all()
    assert list(mle.finite) == [False, False, False]
    assert mle.theta[0] == 6.0 and mle.theta[1] == -6.0 and mle.theta[2] == 0.0
    # Warm's correction gives finite estimates for perfect scores (Warm 1989)
    assert wle.finite[:2].all() and 2 < wle.theta[0] < 6 and -6 < wle.theta[1] < -2


def test_wle_is_the_mode_of_likelihood_times_root_information_for_the_2pl():
    # For the 2PL Warm's (1989) estimator equals the mode of L(theta) * sqrt(I(theta)) (the
    # Jeffreys-prior mode); check on a fine grid, including perfect scores.
    rng = np.random.default_rng(33)
    bank = dichotomous_bank(rng, 10)
    y = simulate(rng, bank, rng.normal(0, 1.5, 20))
    y[0], y[1] = 1.0, 0.0
    wle = estimate_ability(y, bank, "wle")
    grid = np.linspace(-8, 8, 16001)
    lp = category_log_probabilities(grid, bank)  # (g, j, 2)
    ll = y @ lp[:, :, 1].T + (1 - y) @ lp[:, :, 0].T
    from adaptive.irt import test_information

    obj = ll + 0.5 * np.log(test_information(grid, bank))[None, :]
    np.testing.assert_allclose(wle.theta, grid[np.argmax(obj, axis=1)], atol=2e-3)


def test_graded_items_are_scored():
    rng = np.random.default_rng(34)
    bank = graded_bank(rng, 10)
    theta = rng.normal(0, 1, 500)
    est = estimate_ability(simulate(rng, bank, theta), bank, "eap")
    assert np.corrcoef(est.theta, theta)[0, 1] > 0.85


def test_subscores_per_nos_use_only_that_nos_items():
    rng = np.random.default_rng(35)
    bank = dichotomous_bank(rng, 20)
    theta = rng.normal(0, 1, 400)
    y = simulate(rng, bank, theta)
    areas = ["ASC/N0001"] * 10 + ["ASC/N0002"] * 10
    sub = subscores(y, bank, areas, "eap")
    assert list(sub) == ["ASC/N0001", "ASC/N0002"]
    direct = estimate_ability(y[:, 10:], bank.subset(range(10, 20)), "eap")
    np.testing.assert_allclose(sub["ASC/N0002"].theta, direct.theta)
    full = estimate_ability(y, bank, "eap")
    assert np.all(sub["ASC/N0001"].standard_error > full.standard_error)


def test_subscores_need_one_label_per_item():
    bank = ItemBank.from_irt([1.0, 1.0], [0.0, 0.0])
    with pytest.raises(ValueError):
        subscores(np.zeros((1, 2)), bank, ["a"])


patterns = st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=6, max_size=6)


@settings(max_examples=60, deadline=None, database=None)
@given(pattern=patterns, method=st.sampled_from(METHODS), big_slope=st.booleans())
def test_any_pattern_gives_finite_estimates_without_warnings(pattern, method, big_slope):
    a = np.array([0.5, 1.0, 1.5, 2.0, 3.0, 4.0]) * (3 if big_slope else 1)
    bank = ItemBank.from_irt(a, [-3.0, -1.0, 0.0, 0.5, 2.0, 5.0], [0, 0.2, 0, 0.25, 0, 0.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = estimate_ability(np.array([pattern]), bank, method)
    assert np.all(np.isfinite(est.theta)) and np.all(np.isfinite(est.standard_error))
    assert np.all(est.standard_error > 0)


@settings(max_examples=30, deadline=None, database=None)
@given(
    pattern=st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, np.nan]), min_size=4, max_size=4),
    method=st.sampled_from(METHODS),
)
def test_any_graded_pattern_gives_finite_estimates_without_warnings(pattern, method):
    bank = graded_bank(np.random.default_rng(1), 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = estimate_ability(np.array([pattern]), bank, method)
    assert np.all(np.isfinite(est.theta)) and np.all(np.isfinite(est.standard_error))
