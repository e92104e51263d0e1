"""M2 and RMSEA (Maydeu-Olivares & Joe 2005, 2006) for dichotomous calibrations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adaptive.irt import ItemBank, calibrate, m2
from adaptive.irt.__main__ import read_response_csv

from .helpers import dichotomous_bank, simulate

DATA = Path(__file__).resolve().parents[2] / "data" / "irt"


def test_lsat7_2pl_m2_matches_mirt():
    """mirt's ``M2(mirt(expand.table(LSAT7), 1))`` prints M2 = 11.938, df = 5, p = 0.0356,
    RMSEA = 0.037 (figures as mirt prints them for its LSAT7 example)."""
    _, y, w = read_response_csv(DATA / "lsat7.csv")
    fit = m2(calibrate(y, weights=w, priors=False), y, w)
    assert fit.df == 5 and fit.n == 1000 and fit.estimator == "ML"
    assert fit.statistic == pytest.approx(11.938, abs=0.05)
    assert fit.p_value == pytest.approx(0.0356, abs=0.002)
    assert fit.rmsea == pytest.approx(0.037, abs=0.001)


def test_m2_averages_its_degrees_of_freedom_when_the_model_holds():
    rng = np.random.default_rng(3)
    bank = dichotomous_bank(rng, 8)
    stats = []
    for _ in range(25):
        y = simulate(rng, bank, rng.normal(0, 1, 800))
        stats.append(m2(calibrate(y, priors=False, standard_errors=False), y).statistic)
    # df = 8 + 28 - 16 = 20; the mean of 25 chi-square(20) draws has sd sqrt(40 / 25) = 1.26.
    assert abs(np.mean(stats) - 20) < 4


def test_m2_rejects_a_common_slope_when_slopes_differ():
    rng = np.random.default_rng(4)
    bank = ItemBank.from_irt(np.linspace(0.4, 3.0, 8), rng.normal(0, 1, 8))
    y = simulate(rng, bank, rng.normal(0, 1, 1000))
    fit = m2(calibrate(y, model="1pl", priors=False), y)
    assert fit.df == 36 - 9
    assert fit.p_value < 1e-6 and fit.rmsea > 0.05


def test_m2_refuses_missing_data_and_anchored_calibrations():
    rng = np.random.default_rng(5)
    bank = dichotomous_bank(rng, 6)
    y = simulate(rng, bank, rng.normal(0, 1, 300))
    res = calibrate(y)
    holes = y.copy()
    holes[0, 0] = np.nan
    with pytest.raises(ValueError, match="complete"):
        m2(res, holes)
    anchored = calibrate(y, anchor_items=[0, 1], anchor_bank=bank.subset([0, 1]))
    with pytest.raises(ValueError, match="free calibration"):
        m2(anchored, y)
