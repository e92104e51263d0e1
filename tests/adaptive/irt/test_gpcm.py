"""Generalized partial credit model (Muraki 1992) beside the graded response model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive.irt import (
    ItemBank,
    LinkingConstants,
    calibrate,
    estimate_ability,
    expected_score,
    item_information,
    transform_bank,
)
from adaptive.irt.models import category_log_probabilities

from .helpers import dichotomous_bank, graded_bank, rmse, simulate


def _gpcm_bank(rng: np.random.Generator, n_items: int) -> ItemBank:
    a = np.exp(rng.normal(0.0, 0.25, n_items))
    d = rng.normal(0.0, 1.0, (n_items, 3))  # step intercepts need no order in the GPCM
    d[: n_items // 3, 2] = np.nan  # a third of the items have three categories
    return ItemBank(a, d, np.zeros(n_items), polytomous="gpcm")


def test_gpcm_probabilities_follow_muraki_and_sum_to_one():
    bank = ItemBank([1.3], [[0.4, -0.2]], [0.0], polytomous="gpcm")
    theta = np.array([-1.0, 0.5])
    p = np.exp(category_log_probabilities(theta, bank))[:, 0]
    z = np.stack([0 * theta, 1.3 * theta + 0.4, 2 * 1.3 * theta + 0.2], axis=1)
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))


def test_gpcm_information_is_the_sum_of_squared_log_derivatives():
    rng = np.random.default_rng(1)
    bank = _gpcm_bank(rng, 6)
    theta, h = np.array([-2.0, -0.3, 0.8, 2.5]), 1e-5
    p = np.exp(category_log_probabilities(theta, bank))
    dp = (
        np.exp(category_log_probabilities(theta + h, bank))
        - np.exp(category_log_probabilities(theta - h, bank))
    ) / (2 * h)
    numeric = np.where(p > 0, dp**2 / np.maximum(p, 1e-300), 0.0).sum(axis=2)
    np.testing.assert_allclose(item_information(theta, bank), numeric, atol=1e-7)


def test_gpcm_calibration_recovers_slopes_and_step_intercepts():
    rng = np.random.default_rng(5)
    bank = _gpcm_bank(rng, 15)
    y = simulate(rng, bank, rng.normal(0, 1, 3000))
    res = calibrate(y, model="gpcm")
    assert res.converged and res.bank.polytomous == "gpcm"
    assert rmse(res.a, bank.discrimination) < 0.1
    assert np.isnan(res.bank.intercepts[:5, 2]).all()
    err = res.bank.intercepts - bank.intercepts
    assert np.sqrt(np.nanmean(err**2)) < 0.15
    assert res.n_parameters == 15 + 10 * 3 + 5 * 2


def test_aic_tells_gpcm_data_from_graded_data():
    rng = np.random.default_rng(6)
    gpcm_y = simulate(rng, _gpcm_bank(rng, 12), rng.normal(0, 1, 2000))
    assert calibrate(gpcm_y, model="gpcm").aic < calibrate(gpcm_y, model="grm").aic
    grm_y = simulate(rng, graded_bank(rng, 12), rng.normal(0, 1, 2000))
    assert calibrate(grm_y, model="grm").aic < calibrate(grm_y, model="gpcm").aic


def test_gpcm_on_two_categories_is_the_2pl():
    rng = np.random.default_rng(7)
    y = simulate(rng, dichotomous_bank(rng, 8), rng.normal(0, 1, 1500))
    g = calibrate(y, model="gpcm")
    two = calibrate(y, model="2pl")
    np.testing.assert_allclose(g.a, two.a, atol=2e-3)
    np.testing.assert_allclose(g.d, two.d, atol=2e-3)


def test_gpcm_scores_are_maximum_likelihood_and_link_like_other_models():
    rng = np.random.default_rng(8)
    bank = _gpcm_bank(rng, 10)
    y = simulate(rng, bank, rng.normal(0, 1, 20))
    grid = np.linspace(-6, 6, 24001)
    logp = category_log_probabilities(grid, bank)
    codes = y.astype(int)
    loglik = np.take_along_axis(logp[None], codes[:, None, :, None], axis=3)[..., 0].sum(axis=2)
    mle = estimate_ability(y, bank, "mle")
    inside = mle.finite
    np.testing.assert_allclose(mle.theta[inside], grid[loglik.argmax(axis=1)][inside], atol=2e-3)
    link = LinkingConstants(slope=1.3, intercept=-0.4)
    moved = transform_bank(bank, link)
    assert moved.polytomous == "gpcm"
    np.testing.assert_allclose(
        category_log_probabilities(np.array([0.2]), bank),
        category_log_probabilities(np.array([1.3 * 0.2 - 0.4]), moved),
        atol=1e-12,
    )


def test_bad_polytomous_kind_is_refused():
    with pytest.raises(ValueError, match="polytomous"):
        ItemBank([1.0], [[0.0, 1.0]], [0.0], polytomous="nominal")


def test_a_bank_of_2pl_and_three_category_items_recovers_its_generating_values():
    """Right/wrong items beside three-category items (a single-choice item whose options give
    0, half or all of the mark): one GPCM calibration recovers both kinds."""
    rng = np.random.default_rng(17)
    a = np.exp(rng.normal(0.0, 0.25, 30))
    d = np.full((30, 2), np.nan)
    d[:20, 0] = rng.normal(0.0, 1.0, 20)  # 2PL items
    d[20:] = rng.normal(0.0, 1.0, (10, 2))  # GPCM items, categories 0, 1, 2
    bank = ItemBank(a, d, np.zeros(30), polytomous="gpcm")
    y = simulate(rng, bank, rng.normal(0, 1, 3000))
    res = calibrate(y, model="gpcm")
    assert res.converged and list(res.bank.n_categories) == [2] * 20 + [3] * 10
    assert rmse(res.a[:20], a[:20]) < 0.1 and rmse(res.a[20:], a[20:]) < 0.1
    err = res.bank.intercepts - bank.intercepts
    assert np.sqrt(np.nanmean(err[:20] ** 2)) < 0.12 and np.sqrt(np.nanmean(err[20:] ** 2)) < 0.15


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.3, 2.5),
    st.lists(st.floats(-2.5, 2.5), min_size=1, max_size=3),
    st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4),
)
def test_expected_score_with_uneven_levels_lies_between_them_and_rises_with_theta(a, d, raw):
    """``expected_score`` with per-category fractions (``levels``, as an item type's
    ``score_levels`` gives them, 0 first or not: [0.5, 1] for a single-choice item whose least
    option earns half): ``sum_k P_k level_k`` stays within the lowest and highest level and,
    the GPCM's categories being stochastically ordered in theta, never falls as theta grows."""
    k = len(d) + 1
    levels = sorted(raw[:k])
    if levels[-1] - levels[0] < 1e-6:
        levels[-1] = min(1.0, levels[0] + 0.5)
    bank = ItemBank([a], [d], [0.0], polytomous="gpcm")
    theta = np.linspace(-4, 4, 41)
    e = expected_score(theta, bank, [levels])[:, 0]
    assert np.all(e >= levels[0] - 1e-9) and np.all(e <= levels[-1] + 1e-9)
    assert np.all(np.diff(e) >= -1e-9)
    p = np.exp(category_log_probabilities(theta, bank))[:, 0, :k]
    if not np.allclose(levels, np.linspace(0.0, levels[-1], k)):
        np.testing.assert_allclose(e, p @ np.asarray(levels))
