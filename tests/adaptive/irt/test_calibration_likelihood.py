"""The reported log-likelihood (float64, fine grid), AIC/BIC, and the grid chosen from the test
length."""

from __future__ import annotations

import numpy as np
import pytest

from adaptive.irt import calibrate, marginal_log_likelihood
from adaptive.irt.calibration import default_nodes

from .helpers import dichotomous_bank, simulate


def test_reported_log_likelihood_is_the_fine_grid_float64_value_even_in_float32():
    rng = np.random.default_rng(5)
    bank = dichotomous_bank(rng, 40)
    y = simulate(rng, bank, rng.normal(0, 1, 3000))
    res = calibrate(y, precision="float32", standard_errors=False)
    exact = marginal_log_likelihood(y, res.bank, nodes=np.linspace(-9, 9, 3601))
    assert res.log_likelihood == pytest.approx(exact, abs=1e-6)
    # The EM objective on its own grid, in float32, is off by more than that.
    assert abs(res.history[-1] - exact) > 1e-4


def test_reported_log_likelihood_with_missing_and_sparse_data_matches_a_dense_evaluation():
    rng = np.random.default_rng(6)
    bank = dichotomous_bank(rng, 30)
    y = simulate(rng, bank, rng.normal(0, 1, 1500))
    y[rng.random(y.shape) < 0.8] = np.nan  # 80 % missing: the sparse one-hot design
    res = calibrate(y, standard_errors=False)
    exact = marginal_log_likelihood(y, res.bank, nodes=np.linspace(-9, 9, 3601))
    assert res.log_likelihood == pytest.approx(exact, abs=1e-6)


def test_anchored_calibration_reports_log_likelihood_under_the_estimated_latent_distribution():
    rng = np.random.default_rng(7)
    bank = dichotomous_bank(rng, 20)
    y = simulate(rng, bank, rng.normal(0.5, 1.2, 1000))
    anchors = np.arange(10)
    res = calibrate(y, anchor_items=anchors, anchor_bank=bank.subset(anchors))
    exact = marginal_log_likelihood(
        y,
        res.bank,
        latent_mean=res.latent_mean,
        latent_sd=res.latent_sd,
        nodes=np.linspace(-10, 11, 4201),
    )
    assert res.log_likelihood == pytest.approx(exact, abs=1e-6)
    assert res.n_parameters == 2 * 10 + 2  # the pretest items plus the latent mean and sd


def test_aic_and_bic_count_free_parameters_and_persons():
    rng = np.random.default_rng(8)
    bank = dichotomous_bank(rng, 8)
    y = simulate(rng, bank, rng.normal(0, 1, 500))
    res = calibrate(y, model="3pl")
    assert res.n_parameters == 24 and res.n_observations == 500
    assert res.aic == pytest.approx(-2 * res.log_likelihood + 48)
    assert res.bic == pytest.approx(-2 * res.log_likelihood + 24 * np.log(500))


def test_grid_spacing_shrinks_with_test_length():
    assert default_nodes(100).size == 49
    assert default_nodes(250).size == 49
    h = np.diff(default_nodes(1000))
    assert h.max() <= 0.125 + 1e-12 and default_nodes(1000)[[0, -1]].tolist() == [-6, 6]
    assert 0.0 in default_nodes(700)


def test_long_test_slopes_are_within_0_005_of_a_fine_grid_solution():
    """1,000 items: the old fixed 49-node grid left up to 0.021 in a (measured 0.0208 on this
    case); the grid picked from the test length stays below 0.005."""
    rng = np.random.default_rng(1)
    bank = dichotomous_bank(rng, 1000)
    y = simulate(rng, bank, rng.normal(0, 1, 1000))
    default = calibrate(y, standard_errors=False)
    fine = calibrate(y, nodes=np.linspace(-6, 6, 241), standard_errors=False)
    assert np.max(np.abs(default.a - fine.a)) < 0.005
    assert np.max(np.abs(default.b - fine.b)) < 0.005


def test_anchored_calibration_reports_its_linking_constants():
    """A pretest sample from N(0.5, 1.2^2) on the bank's scale: the constants recover the
    sample's mean and sd, and carry a free calibration of the same data onto the anchored one."""
    from adaptive.irt import transform_bank

    rng = np.random.default_rng(11)
    bank = dichotomous_bank(rng, 30)
    y = simulate(rng, bank, rng.normal(0.5, 1.2, 4000))
    anchors = np.arange(20)
    anchored = calibrate(y, anchor_items=anchors, anchor_bank=bank.subset(anchors))
    link = anchored.linking
    assert link is not None
    assert link.slope == pytest.approx(1.2, abs=0.08)
    assert link.intercept == pytest.approx(0.5, abs=0.08)
    free = calibrate(y)
    assert free.linking is None
    moved = transform_bank(free.bank, link)
    pretest = np.arange(20, 30)
    np.testing.assert_allclose(moved.difficulty[pretest], anchored.b[pretest], atol=0.1)
    np.testing.assert_allclose(moved.discrimination[pretest], anchored.a[pretest], atol=0.1)
