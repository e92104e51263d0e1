import numpy as np
import pytest

from adaptive.irt import (
    LinkingConstants,
    calibrate,
    item_fit,
    mean_sigma,
    s_x2,
    stocking_lord,
    transform_bank,
)

from .helpers import dichotomous_bank, simulate


def test_linking_recovers_a_known_linear_transformation_exactly_without_noise():
    rng = np.random.default_rng(40)
    base = dichotomous_bank(rng, 20, guessing=True)
    truth = LinkingConstants(1.3, -0.4)
    moved = transform_bank(base, truth)  # the same items expressed on another scale
    for method in (mean_sigma, stocking_lord):
        link = method(base, moved)
        assert link.slope == pytest.approx(1.3, abs=1e-4)
        assert link.intercept == pytest.approx(-0.4, abs=1e-4)


def test_linking_two_calibrations_recovers_the_population_shift():
    # Group 2 is N(0.6, 1.3^2) on group 1's scale; each calibration fixes its own group at
    # N(0, 1), so theta_1 = 1.3 theta_2 + 0.6. 15 common items at n = 2500: SE of the
    # constants ~0.04, tolerance 0.12.
    rng = np.random.default_rng(41)
    bank = dichotomous_bank(rng, 15)
    r1 = calibrate(simulate(rng, bank, rng.normal(0, 1, 2500)), "2pl", standard_errors=False)
    r2 = calibrate(simulate(rng, bank, rng.normal(0.6, 1.3, 2500)), "2pl", standard_errors=False)
    for method in (mean_sigma, stocking_lord):
        link = method(r2.bank, r1.bank)
        assert link.slope == pytest.approx(1.3, abs=0.12)
        assert link.intercept == pytest.approx(0.6, abs=0.12)


def test_infit_and_outfit_are_near_one_for_fitting_items_and_flag_a_misfit():
    rng = np.random.default_rng(42)
    bank = dichotomous_bank(rng, 20)
    theta = rng.normal(0, 1, 2000)
    y = simulate(rng, bank, theta)
    y[:, 0] = rng.random(2000) < 0.5  # item 0 is pure noise
    fit = item_fit(y, bank, theta)
    assert np.all(np.abs(fit.infit[1:] - 1) < 0.1) and np.all(np.abs(fit.outfit[1:] - 1) < 0.2)
    assert fit.outfit[0] > 1.3 and fit.infit[0] > 1.2
    np.testing.assert_array_equal(fit.n, 2000)


def test_s_x2_does_not_reject_fitting_items_but_rejects_a_misfit():
    rng = np.random.default_rng(43)
    bank = dichotomous_bank(rng, 12)
    y = simulate(rng, bank, rng.normal(0, 1, 3000))
    y[:, 0] = (rng.random(3000) < 0.5).astype(float)
    stat, df, p = s_x2(y, bank)
    assert np.all((df >= 7) & (df <= 9))  # 11 summed scores less 2, fewer after collapsing
    assert p[0] < 1e-6
    assert np.mean(p[1:] < 0.01) <= 0.2


def test_s_x2_needs_dichotomous_items():
    from .helpers import graded_bank

    bank = graded_bank(np.random.default_rng(1), 3)
    with pytest.raises(ValueError):
        s_x2(np.array([[1.0, 2.0, 0.0]]), bank)


def test_expected_score_given_own_summed_score_is_orlando_thissen_on_complete_data():
    from adaptive.irt.calibration import quadrature
    from adaptive.irt.fit import _expected_given_own_score, _lord_wingersky
    from adaptive.irt.models import probability

    rng = np.random.default_rng(2)
    bank = dichotomous_bank(rng, 8)
    y = simulate(rng, bank, rng.normal(0, 1, 200))
    expected = _expected_given_own_score(y, bank)
    x, w = quadrature()
    p = probability(x, bank).T
    full = _lord_wingersky(p)
    score = y.sum(axis=1).astype(int)
    for j in (0, 5):
        rest = _lord_wingersky(np.delete(p, j, axis=0))
        s = score[score > 0]
        exact = ((p[j] * rest[s - 1]) @ w) / (full[s] @ w)
        np.testing.assert_allclose(expected[score > 0, j], exact, rtol=1e-9)


def test_expected_score_on_incomplete_data_uses_each_persons_own_items():
    from adaptive.irt.calibration import quadrature
    from adaptive.irt.fit import _expected_given_own_score, _lord_wingersky
    from adaptive.irt.models import probability

    rng = np.random.default_rng(3)
    bank = dichotomous_bank(rng, 30)
    y = simulate(rng, bank, rng.normal(0, 1, 50))
    y[rng.random(y.shape) < 0.7] = np.nan
    expected = _expected_given_own_score(y, bank)
    x, w = quadrature()
    p = probability(x, bank).T
    for i in range(5):  # brute force: the recursions over person i's items only
        items = np.flatnonzero(~np.isnan(y[i]))
        s = int(np.nansum(y[i]))
        full = _lord_wingersky(p[items])
        for k, j in enumerate(items):
            rest = _lord_wingersky(np.delete(p[items], k, axis=0))
            want = 0.0 if s == 0 else float((p[j] * rest[s - 1]) @ w / (full[s] @ w))
            assert expected[i, j] == pytest.approx(want, rel=1e-7, abs=1e-12)
        assert np.isnan(expected[i, np.isnan(y[i])]).all()


def test_s_x2_on_cat_like_sparse_data_flags_a_misfit_and_not_the_fitting_items():
    """40 items, each person sees 12 at random (70 % missing): the item with a lower asymptote
    of 0.35 that the 2PL bank does not have is flagged; fitting items reject at about the
    nominal rate (the misfit item inside other persons' scores inflates it a little)."""
    rng = np.random.default_rng(9)
    bank = dichotomous_bank(rng, 40)
    theta = rng.normal(0, 1, 2000)
    y = simulate(rng, bank, theta)
    y[:, 0] = (rng.random(2000) < 0.35 + 0.65 / (1 + np.exp(-1.5 * theta))).astype(float)
    keep = np.argsort(rng.random(y.shape), axis=1)[:, :12]
    sparse = np.full(y.shape, np.nan)
    rows = np.arange(2000)[:, None]
    sparse[rows, keep] = y[rows, keep]
    stat, df, p = s_x2(sparse, bank)
    assert np.all(df == 8)
    assert p[0] < 1e-6
    assert np.mean(p[1:] < 0.05) <= 0.2
    assert np.mean(stat[1:]) < 1.3 * 8 + 2
