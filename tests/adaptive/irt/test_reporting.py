"""Plausible values and group means by Rubin's rules (Mislevy 1991)."""

from __future__ import annotations

import numpy as np
import pytest

from adaptive.irt import estimate_ability, group_mean, plausible_values

from .helpers import dichotomous_bank, simulate


def test_plausible_values_keep_the_population_spread_that_eap_shrinks():
    """A 10-item test, population N(0.3, 1): EAP estimates have sd ~0.83, plausible values ~1."""
    rng = np.random.default_rng(3)
    bank = dichotomous_bank(rng, 10)
    theta = rng.normal(0.3, 1.0, 2000)
    y = simulate(rng, bank, theta)
    pv = plausible_values(y, bank, 5, rng=rng, prior_mean=0.3)
    assert pv.shape == (2000, 5)
    eap = estimate_ability(y, bank, "eap", prior_mean=0.3)
    assert eap.theta.std() < 0.9
    np.testing.assert_allclose(pv.std(axis=0), 1.0, atol=0.06)
    # Each person's values scatter like the posterior: the EAP's sd.
    spread = np.sqrt(np.mean(pv.var(axis=1, ddof=1)))
    assert spread == pytest.approx(np.sqrt(np.mean(eap.standard_error**2)), rel=0.1)
    group = group_mean(pv)
    assert group.mean == pytest.approx(0.3, abs=3 * group.standard_error)
    assert group.sd == pytest.approx(1.0, abs=0.06)
    # Rubin's rules add the measurement error to the sampling error.
    assert group.standard_error > pv[:, 0].std(ddof=1) / np.sqrt(2000)


def test_plausible_values_of_an_empty_pattern_are_draws_from_the_prior():
    rng = np.random.default_rng(4)
    bank = dichotomous_bank(rng, 5)
    pv = plausible_values(np.full((1, 5), np.nan), bank, 4000, rng=rng, prior_sd=2.0)
    assert pv.mean() == pytest.approx(0.0, abs=0.1)
    assert pv.std() == pytest.approx(2.0, abs=0.1)
