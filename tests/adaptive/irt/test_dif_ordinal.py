"""DIF of partial-credit items: Mantel's (1963) test for ordered responses with the
standardized mean difference and ETS's polytomous AA/BB/CC rule (Zwick, Thayer & Mazzeo 1997)."""

from __future__ import annotations

import numpy as np
import pytest

from adaptive.irt import mantel_haenszel, mantel_ordinal


def _gpcm_scores(rng, theta: np.ndarray, a: float, steps: np.ndarray) -> np.ndarray:
    """Categories 0..K-1 of a GPCM item (z_k = k a theta - a sum_{v<=k} b_v), one per theta;
    ``steps`` (n_persons, K - 1) so that a group may find the item harder."""
    k = np.arange(steps.shape[1] + 1)
    cum = np.concatenate([np.zeros((theta.size, 1)), np.cumsum(steps, axis=1)], axis=1)
    z = a * (k[None, :] * theta[:, None] - cum)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return (rng.random(theta.size)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)


def test_a_planted_shift_is_flagged_c_and_fair_items_with_impact_are_not():
    rng = np.random.default_rng(11)
    n = 3000
    focal = np.arange(n) % 2 == 1
    theta = rng.normal(np.where(focal, -0.5, 0.0), 1.0)  # impact: the focal group is weaker
    base = np.array([[-0.8, 0.4], [-0.2, 0.9], [-1.0, 0.1], [0.0, 0.6], [0.5, 1.2]])
    y = np.empty((n, len(base)))
    for j, steps in enumerate(base):
        per_person = np.tile(steps, (n, 1))
        if j == 0:
            per_person[focal] += 0.8  # harder for the focal group at the same ability
        y[:, j] = _gpcm_scores(rng, theta, 1.2, per_person) / 2  # fractions of the mark
    bands = np.searchsorted(np.quantile(theta, np.linspace(0, 1, 11)[1:-1]), theta)
    groups = np.where(focal, "F", "R")
    res = mantel_ordinal(y, groups, "F", "R", strata=bands.astype(np.int64))
    assert res.category[0] == "C" and res.smd[0] < 0 and res.effect_size[0] < -0.25
    assert res.p_value[0] < 1e-6
    assert res.category[1:] == ("A",) * 4
    # Matched on the total score instead (complete data), the verdicts are the same.
    by_total = mantel_ordinal(y, groups, "F")
    assert by_total.category[0] == "C" and by_total.category[1:].count("A") >= 3


def test_on_right_wrong_items_it_is_the_mantel_haenszel_chi_square_uncorrected():
    rng = np.random.default_rng(3)
    y = (rng.random((400, 3)) < 0.6).astype(float)
    groups = np.where(rng.random(400) < 0.4, "F", "R")
    strata = rng.integers(0, 4, 400)
    mh = mantel_haenszel(y, groups, "F", "R", strata=strata)
    ordinal = mantel_ordinal(y, groups, "F", "R", strata=strata)
    # MH: (|sum A - sum E A| - 0.5)^2 / V on the reference's right answers; Mantel's statistic
    # on the focal score total has the same |difference| (the margins are fixed) and variance,
    # without the continuity correction.
    for j in range(3):
        v = _variance(y[:, j], groups, strata)
        difference = np.sqrt(ordinal.chi_square[j] * v)
        assert mh.chi_square[j] == pytest.approx((difference - 0.5) ** 2 / v, rel=1e-9)


def _variance(yj: np.ndarray, groups: np.ndarray, strata: np.ndarray) -> float:
    total = 0.0
    for k in np.unique(strata):
        m = strata == k
        n_r, n_f = (m & (groups == "R")).sum(), (m & (groups == "F")).sum()
        n, m1 = n_r + n_f, yj[m].sum()
        if n_r and n_f and n > 1:
            total += n_r * n_f * m1 * (n - m1) / (n**2 * (n - 1))
    return total


def test_bad_input_is_refused_with_a_reason():
    y = np.array([[0.0, 0.5], [1.0, np.nan]])
    with pytest.raises(ValueError, match="needs complete scores"):
        mantel_ordinal(y, ["F", "R"], "F")
    with pytest.raises(ValueError, match="one non-negative integer per person"):
        mantel_ordinal(y, ["F", "R"], "F", strata=np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="need persons"):
        mantel_ordinal(y, ["R", "R"], "F", strata=np.array([0, 0]))
