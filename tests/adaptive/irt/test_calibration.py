"""Parameter recovery on simulated data with known parameters.

Tolerances: with n persons the sampling SE of a 2PL slope is roughly a / sqrt(n * p q ...) and
the reported SEs below are 0.03-0.08; each RMSE bound is set at about twice the mean reported
SE (or at 2x the RMSE seen over several seeds when written), so a correct estimator passes
for any seed with high probability while a biased one (e.g. wrong quadrature, a slope off by
20 %) fails.
"""

import numpy as np
import pytest

from adaptive.irt import ItemBank, SparseResponses, calibrate

from .helpers import dichotomous_bank, graded_bank, rmse, simulate


@pytest.fixture(scope="module")
def data_2pl():
    rng = np.random.default_rng(11)
    bank = dichotomous_bank(rng, 25)
    theta = rng.normal(0, 1, 3000)
    return bank, simulate(rng, bank, theta)


def test_2pl_recovers_slopes_and_difficulties(data_2pl):
    bank, y = data_2pl
    res = calibrate(y, "2pl")
    assert res.converged
    # mean SE of a is ~0.05 and of b ~0.05 at n = 3000 (checked below); 2x that.
    assert rmse(res.discrimination, bank.discrimination) < 0.1
    assert rmse(res.difficulty, bank.difficulty) < 0.1
    assert 0.02 < np.mean(res.standard_errors["a"]) < 0.08
    assert 0.02 < np.mean(res.standard_errors["b"]) < 0.08
    np.testing.assert_allclose(res.bank.difficulty, -res.intercept / res.discrimination)
    assert np.isnan(res.standard_errors["c"]).all()
    assert np.isfinite(res.log_likelihood) and res.iterations > 0


def test_squarem_reaches_the_plain_em_solution_in_fewer_steps():
    rng = np.random.default_rng(21)
    y = simulate(rng, dichotomous_bank(rng, 8), rng.normal(0, 1, 600))
    fast = calibrate(y, "2pl", standard_errors=False, tolerance=1e-6)
    slow = calibrate(y, "2pl", standard_errors=False, accelerate=False, tolerance=1e-6)
    assert fast.converged and slow.converged
    assert fast.iterations < slow.iterations
    np.testing.assert_allclose(fast.discrimination, slow.discrimination, atol=2e-3)
    assert fast.log_likelihood >= slow.log_likelihood - 1e-3


def test_standard_errors_match_the_spread_over_replications():
    # The cross-product SE should describe the sampling spread: over 8 replications the
    # empirical sd of a-hat agrees with the mean reported SE within a factor ~1.6 (an sd from 8
    # draws is itself uncertain by ~25 %).
    rng = np.random.default_rng(5)
    bank = dichotomous_bank(rng, 10)
    est, ses = [], []
    for _ in range(8):
        res = calibrate(simulate(rng, bank, rng.normal(0, 1, 800)), "2pl")
        est.append(res.discrimination)
        ses.append(res.standard_errors["a"])
    ratio = np.mean(np.std(est, axis=0, ddof=1)) / np.mean(ses)
    assert 0.6 < ratio < 1.6


def test_1pl_recovers_common_slope_and_difficulties():
    rng = np.random.default_rng(12)
    bank = dichotomous_bank(rng, 20, slope=1.4)
    y = simulate(rng, bank, rng.normal(0, 1, 2000))
    res = calibrate(y, "1pl")
    assert res.converged
    assert np.ptp(res.discrimination) == 0.0  # one slope for all items
    # the common slope pools 40,000 responses: SE ~0.02
    assert abs(res.discrimination[0] - 1.4) < 0.08
    assert rmse(res.difficulty, bank.difficulty) < 0.1


def test_3pl_recovers_parameters_with_beta_prior_on_guessing():
    rng = np.random.default_rng(13)
    bank = dichotomous_bank(rng, 20, guessing=True)
    y = simulate(rng, bank, rng.normal(0, 1, 5000))
    res = calibrate(y, "3pl")
    assert res.converged
    # 3PL parameters are weakly identified (c trades off against a and b): the bounds follow
    # published 3PL recovery studies at n = 5000 (RMSE a ~0.1-0.15, b ~0.1-0.2, c ~0.03-0.05).
    assert rmse(res.discrimination, bank.discrimination) < 0.2
    assert rmse(res.difficulty, bank.difficulty) < 0.25
    assert rmse(res.guessing, bank.guessing) < 0.07
    assert np.all(np.isfinite(res.standard_errors["c"]))


def test_graded_response_model_recovers_slopes_and_thresholds():
    rng = np.random.default_rng(14)
    bank = graded_bank(rng, 12, n_categories=4)
    y = simulate(rng, bank, rng.normal(0, 1, 2500))
    res = calibrate(y, "grm")
    assert res.converged
    assert res.bank.intercepts.shape == (12, 3)
    # polytomous items carry more information per response than 0/1 ones: SE a ~0.04, d ~0.06
    assert rmse(res.discrimination, bank.discrimination) < 0.1
    assert rmse(res.bank.intercepts, bank.intercepts) < 0.15
    assert np.all(np.diff(res.bank.intercepts, axis=1) < 0)  # thresholds stay ordered


def test_graded_items_may_have_different_numbers_of_categories():
    rng = np.random.default_rng(15)
    bank = graded_bank(rng, 8, n_categories=4)
    y = simulate(rng, bank, rng.normal(0, 1, 1500))
    y[:, :3] = np.minimum(y[:, :3], 1)  # three items scored 0/1 only
    res = calibrate(y, "grm")
    assert list(res.bank.n_categories) == [2, 2, 2, 4, 4, 4, 4, 4]
    assert np.isnan(res.bank.intercepts[:3, 1:]).all()
    assert np.isfinite(res.bank.intercepts[3:]).all()


def test_sparse_cat_like_data_with_90_percent_missing():
    rng = np.random.default_rng(16)
    bank = dichotomous_bank(rng, 60)
    theta = rng.normal(0, 1, 12000)
    y = simulate(rng, bank, theta)
    y[rng.random(y.shape) < 0.9] = np.nan  # ~1200 responses per item
    dense = calibrate(y, "2pl")
    sparse = calibrate(SparseResponses.from_dense(y), "2pl")
    assert dense.converged and sparse.converged
    # ~1200 responses per item from persons with ~6 responses each: SE a ~0.08, b ~0.08
    assert rmse(dense.discrimination, bank.discrimination) < 0.16
    assert rmse(dense.difficulty, bank.difficulty) < 0.16
    # the dense and the long-form inputs are the same data: same estimates
    np.testing.assert_allclose(sparse.discrimination, dense.discrimination, atol=2e-3)


def test_collapsed_rows_with_weights_match_expanded_rows():
    rng = np.random.default_rng(17)
    bank = dichotomous_bank(rng, 6)
    y = simulate(rng, bank, rng.normal(0, 1, 1500))
    patterns, counts = np.unique(y, axis=0, return_counts=True)
    expanded = calibrate(y, "2pl", precision="float64", tolerance=1e-7)
    collapsed = calibrate(patterns, "2pl", weights=counts, precision="float64", tolerance=1e-7)
    np.testing.assert_allclose(collapsed.discrimination, expanded.discrimination, atol=1e-6)
    np.testing.assert_allclose(collapsed.difficulty, expanded.difficulty, atol=1e-6)
    np.testing.assert_allclose(collapsed.log_likelihood, expanded.log_likelihood, rtol=1e-9)
    np.testing.assert_allclose(
        collapsed.standard_errors["a"], expanded.standard_errors["a"], rtol=1e-5
    )


def test_fixed_parameter_calibration_puts_pretest_items_on_the_anchor_scale():
    rng = np.random.default_rng(18)
    bank = dichotomous_bank(rng, 30)
    # the new cohort is abler and more spread than the calibration cohort
    theta = rng.normal(0.5, 1.2, 4000)
    y = simulate(rng, bank, theta)
    anchors = np.arange(20)
    res = calibrate(y, "2pl", anchor_items=anchors, anchor_bank=bank.subset(anchors))
    assert res.converged
    np.testing.assert_array_equal(res.discrimination[anchors], bank.discrimination[anchors])
    assert abs(res.latent_mean - 0.5) < 0.08
    assert abs(res.latent_sd - 1.2) < 0.08
    new = np.arange(20, 30)
    # 10 pretest items, SE b ~0.05: a free calibration on N(0,1) would be off by ~0.5 in b
    assert rmse(res.difficulty[new], bank.difficulty[new]) < 0.12
    assert rmse(res.discrimination[new], bank.discrimination[new]) < 0.12
    assert np.isnan(res.standard_errors["a"][anchors]).all()


def test_items_everyone_answers_correctly_stay_finite():
    rng = np.random.default_rng(19)
    bank = dichotomous_bank(rng, 8)
    y = simulate(rng, bank, rng.normal(0, 1, 300))
    y[:, 0] = 1.0
    y[:, 1] = 0.0
    res = calibrate(y, "2pl")
    assert np.all(np.isfinite(res.discrimination)) and np.all(np.isfinite(res.difficulty))
    assert res.difficulty[0] < -2 and res.difficulty[1] > 2


@pytest.mark.parametrize(
    "bad",
    [np.array([[0.0, 2.0], [1.0, 0.0]]), np.array([[0.5, 1.0], [1.0, 0.0]]), np.zeros(3)],
)
def test_bad_responses_are_rejected(bad):
    with pytest.raises(ValueError):
        calibrate(bad, "2pl")


def test_unknown_model_is_rejected():
    with pytest.raises(ValueError, match="unknown model"):
        calibrate(np.zeros((3, 2)), "4pl")  # type: ignore[arg-type]


def test_result_bank_is_usable_for_scoring():
    rng = np.random.default_rng(20)
    bank = dichotomous_bank(rng, 10)
    res = calibrate(simulate(rng, bank, rng.normal(0, 1, 500)), "2pl", ids=tuple("ABCDEFGHIJ"))
    assert isinstance(res.bank, ItemBank)
    assert res.bank.ids[0] == "A"


@pytest.mark.parametrize("model", ["2pl", "3pl", "grm"])
def test_m_step_gradient_matches_finite_differences_of_expected_log_likelihood(model):
    # The M-step's analytic gradient sum_kq r_jkq dP/P must be the derivative of the expected
    # complete-data log-likelihood sum_kq r_jkq log P_jkq (Bock & Aitkin 1981, eq. 20).
    from adaptive.irt import calibration as cal

    rng = np.random.default_rng(22)
    m = 3 if model == "grm" else 1
    n_par = 1 + m + (model == "3pl")
    spec = cal._Spec(
        model, 4, m, np.full(4, m + 1), np.ones((4, n_par), bool), None, None, None, False
    )
    par = np.column_stack(
        [np.exp(rng.normal(0, 0.3, 4)), np.sort(rng.normal(0, 1, (4, m)), axis=1)[:, ::-1]]
    )
    if model == "3pl":
        par = np.column_stack([par, rng.uniform(0.1, 0.3, 4)])
    x = np.linspace(-4, 4, 17)
    R = rng.uniform(0, 50, (4, m + 1, x.size))

    def expected_loglik(p):
        P, _ = cal._probs_and_derivs(p, spec, x)
        return float(np.sum(R * np.log(P)))

    P, dP = cal._probs_and_derivs(par, spec, x)
    analytic = np.einsum("jkq,jkqp->jp", R / P, dP)
    h = 1e-6
    for k in range(n_par):
        up, down = par.copy(), par.copy()
        up[:, k] += h
        down[:, k] -= h
        numeric = [
            (
                expected_loglik(np.where(np.arange(4)[:, None] == j, up, par))
                - expected_loglik(np.where(np.arange(4)[:, None] == j, down, par))
            )
            / (2 * h)
            for j in range(4)
        ]
        np.testing.assert_allclose(analytic[:, k], numeric, rtol=1e-5, atol=1e-5)
