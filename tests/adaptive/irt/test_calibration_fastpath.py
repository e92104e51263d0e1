"""The fast paths of the calibration: each must give what the general code gives.

* the closed-form 1PL/2PL M-step against the general Fisher-scoring M-step, and its score and
  information against finite differences;
* the complete-0/1 design builder against the general one (same estimates, SEs, likelihood);
* the E-step, done in place in the design's dtype, against a direct float64 computation;
* parameter expansion (PX-EM) against plain EM: the same fixed point, in fewer cycles.
"""

import numpy as np
import pytest

from adaptive.irt import SparseResponses, calibrate
from adaptive.irt import calibration as cal
from adaptive.irt.models import category_log_probabilities

from .helpers import dichotomous_bank, graded_bank, simulate


def _spec(model, n_items, *, priors=True, anchors=(), estimate_latent=False, m=1, n_par=2):
    free = np.ones((n_items, n_par), dtype=bool)
    free[list(anchors)] = False
    return cal._Spec(
        model,
        n_items,
        m,
        np.full(n_items, m + 1),
        free,
        (0.0, 0.5) if priors else None,
        None,
        5.0 if priors else None,
        estimate_latent,
    )


@pytest.mark.parametrize("model", ["2pl", "1pl"])
@pytest.mark.parametrize("priors", [True, False])
@pytest.mark.parametrize("anchors", [(), (0, 3)])
def test_logistic_m_step_takes_the_general_m_steps_steps(model, priors, anchors):
    rng = np.random.default_rng(41)
    j, x = 9, cal.DEFAULT_NODES
    spec = _spec(model, j, priors=priors, anchors=anchors, estimate_latent=bool(anchors))
    slope = np.exp(rng.normal(0, 0.3, j))
    if model == "1pl":
        slope[:] = slope[0]
    par = np.column_stack([slope, rng.normal(0, 1.5, j)])
    n = rng.uniform(0, 60, (j, x.size))
    share = rng.uniform(0, 1, n.shape)  # expected proportion correct at each node
    R = np.stack([n * (1 - share), n * share], axis=1)
    latent = np.array([0.0, 1.0])
    fast, fast_latent = cal._m_step_logistic(par, latent, R, spec, x)
    general, general_latent = cal._m_step_general(par, latent, R, spec, x)
    np.testing.assert_allclose(fast, general, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fast_latent, general_latent, rtol=1e-12)
    np.testing.assert_array_equal(fast[list(anchors)], par[list(anchors)])
    assert not np.allclose(fast, par)  # the steps did move the free parameters


def test_logistic_score_and_information_match_finite_differences():
    # l(log a, d) = sum_q r log s + (n - r) log(1 - s), s = logistic(a x + d): the score is its
    # gradient; in the natural (a, d) the logit is linear, so the Fisher information equals minus
    # the Hessian there (canonical link) and in log a picks up the factors a^2 and a.
    rng = np.random.default_rng(42)
    j, x = 5, np.linspace(-4, 4, 17)
    a, d = np.exp(rng.normal(0, 0.3, j)), rng.normal(0, 1, j)
    n = rng.uniform(1, 40, (j, x.size))
    r = n * rng.uniform(0.05, 0.95, n.shape)

    def loglik(a_, d_):
        z = a_[:, None] * x[None, :] + d_[:, None]
        return np.sum(r * -np.logaddexp(0, -z) + (n - r) * -np.logaddexp(0, z), axis=1)

    def natural_score(a_, d_):
        g_la, g_d, *_ = cal._logistic_score_information(a_, d_, r, n, x)
        return g_la / a_, g_d

    g_la, g_d, i_aa, i_ad, i_dd = cal._logistic_score_information(a, d, r, n, x)
    h = 1e-6
    fd_la = (loglik(a * np.exp(h), d) - loglik(a * np.exp(-h), d)) / (2 * h)
    fd_d = (loglik(a, d + h) - loglik(a, d - h)) / (2 * h)
    np.testing.assert_allclose(g_la, fd_la, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(g_d, fd_d, rtol=1e-6, atol=1e-6)
    h = 1e-5
    (ga_up, gd_up), (ga_dn, gd_dn) = natural_score(a + h, d), natural_score(a - h, d)
    (_, gd_dup), (_, gd_ddn) = natural_score(a, d + h), natural_score(a, d - h)
    np.testing.assert_allclose(i_aa, -a * a * (ga_up - ga_dn) / (2 * h), rtol=1e-6)
    np.testing.assert_allclose(i_ad, -a * (gd_up - gd_dn) / (2 * h), rtol=1e-6)
    np.testing.assert_allclose(i_dd, -(gd_dup - gd_ddn) / (2 * h), rtol=1e-6)


@pytest.mark.parametrize("model", ["2pl", "1pl", "3pl"])
def test_complete_data_fast_design_gives_the_general_builders_results(model, monkeypatch):
    rng = np.random.default_rng(43)
    bank = dichotomous_bank(rng, 15, guessing=model == "3pl")
    y = simulate(rng, bank, rng.normal(0, 1, 1200))
    weights = rng.integers(1, 4, y.shape[0])
    fast_design = cal._build_design(y, weights, True, "float64")
    assert fast_design.dense_codes is not None and fast_design.dense_codes.dtype == np.int8
    kwargs = dict(weights=weights, precision="float64", tolerance=1e-7)
    fast = calibrate(y, model, **kwargs)
    monkeypatch.setattr(cal, "_complete_dichotomous_design", lambda *args: None)
    general_design = cal._build_design(y, weights, True, "float64")
    assert general_design.dense_codes is not None and general_design.dense_codes.dtype == np.int64
    general = calibrate(y, model, **kwargs)
    np.testing.assert_allclose(fast.discrimination, general.discrimination, rtol=1e-8)
    np.testing.assert_allclose(fast.intercept, general.intercept, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(fast.guessing, general.guessing, rtol=1e-8)
    np.testing.assert_allclose(fast.log_likelihood, general.log_likelihood, rtol=1e-12)
    for key in ("a", "b", "d"):
        np.testing.assert_allclose(
            fast.standard_errors[key], general.standard_errors[key], rtol=1e-7
        )


def test_fast_design_falls_back_for_missing_cells_and_rejects_bad_scores():
    y = np.array([[0.0, 1.0], [1.0, np.nan], [1.0, 0.0]])
    assert cal._complete_dichotomous_design(y, None, "auto") is None
    assert cal._build_design(y, None, True, "auto").M is not None  # the general builder's mask
    assert cal._complete_dichotomous_design(np.array([[0.0, 2.0]]), None, "auto") is None
    with pytest.raises(ValueError, match="weights"):
        cal._complete_dichotomous_design(np.zeros((3, 2)), [1.0, -1.0, 1.0], "auto")


def _direct_e_step(par, spec, responses, weights, x):
    """The E-step written naively: float64, one person at a time over the nodes."""
    bank = cal._to_bank(par, spec, ())
    logp = category_log_probabilities(x, bank)  # (q, j, K)
    _, prior_w = cal.quadrature(0.0, 1.0, x)
    n, j = responses.shape
    L = np.tile(np.log(prior_w), (n, 1))
    R = np.zeros((j, spec.m + 1, x.size))
    for i in range(n):
        seen = np.flatnonzero(~np.isnan(responses[i]))
        codes = responses[i, seen].astype(int)
        L[i] += logp[:, seen, codes].sum(axis=1)
    mx = L.max(axis=1, keepdims=True)
    post = np.exp(L - mx)
    post /= post.sum(axis=1, keepdims=True)
    ll = float(weights @ (mx[:, 0] + np.log(np.exp(L - mx).sum(axis=1))))
    for i in range(n):
        for item in np.flatnonzero(~np.isnan(responses[i])):
            R[item, int(responses[i, item])] += weights[i] * post[i]
    return ll, R, post


@pytest.mark.parametrize("case", ["complete", "missing", "sparse", "graded", "3pl"])
@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_e_step_matches_a_direct_computation(case, precision):
    rng = np.random.default_rng(44)
    graded = case == "graded"
    bank = graded_bank(rng, 6) if graded else dichotomous_bank(rng, 6, guessing=case == "3pl")
    y = simulate(rng, bank, rng.normal(0, 1, 150))
    if case in ("missing", "sparse"):
        y[rng.random(y.shape) < (0.3 if case == "missing" else 0.8)] = np.nan
    weights = rng.uniform(0.5, 2.0, y.shape[0])
    model = "grm" if graded else ("3pl" if case == "3pl" else "2pl")
    m = bank.intercepts.shape[1]
    n_par = 1 + m + (model == "3pl")
    spec = _spec(model, 6, m=m, n_par=n_par)
    par = np.column_stack([bank.discrimination, bank.intercepts])
    if model == "3pl":
        par = np.column_stack([par, bank.guessing])
    data = SparseResponses.from_dense(y) if case == "sparse" else y
    design = cal._build_design(data, weights, not graded, precision)
    x = cal.DEFAULT_NODES
    got = cal._e_step(par, np.array([0.0, 1.0]), spec, design, x, posterior=True)
    ll, R, post = _direct_e_step(par, spec, y, weights, x)
    tol = 1e-9 if precision == "float64" else 2e-5
    np.testing.assert_allclose(got.log_likelihood, ll, rtol=tol)
    assert got.counts is not None and got.posterior is not None
    np.testing.assert_allclose(got.counts, R, rtol=tol * 10, atol=tol * 10 * R.max())
    np.testing.assert_allclose(got.posterior, post, atol=tol * 10)
    np.testing.assert_allclose(got.node_weights, weights @ post, rtol=tol * 10)
    lean = cal._e_step(par, np.array([0.0, 1.0]), spec, design, x, counts=False)
    assert lean.counts is None and lean.posterior is None
    assert lean.log_likelihood == got.log_likelihood


@pytest.mark.parametrize("model", ["2pl", "1pl", "3pl", "grm"])
def test_parameter_expansion_reaches_the_plain_em_estimates(model):
    # PX-EM changes the path, not the fixed point: with the item priors folded into its
    # (mu, sigma) step, both reach the same MAP (to well within the tolerance's reach).
    rng = np.random.default_rng(45)
    if model == "grm":
        bank = graded_bank(rng, 8)
    else:
        bank = dichotomous_bank(rng, 12, guessing=model == "3pl")
    y = simulate(rng, bank, rng.normal(0.3, 1.2, 1500))
    kwargs = dict(standard_errors=False, precision="float64", tolerance=1e-9, max_iterations=3000)
    px = calibrate(y, model, **kwargs)
    em = calibrate(y, model, expand_latent=False, **kwargs)
    assert px.converged and em.converged
    np.testing.assert_allclose(px.discrimination, em.discrimination, atol=1e-6)
    np.testing.assert_allclose(px.bank.intercepts, em.bank.intercepts, atol=1e-6)
    np.testing.assert_allclose(px.guessing, em.guessing, atol=1e-6)
    np.testing.assert_allclose(px.log_likelihood, em.log_likelihood, rtol=1e-10)
    assert px.iterations <= em.iterations


def test_parameter_expansion_settles_a_long_test_in_a_handful_of_cycles():
    # On a long test the posteriors are narrow and plain EM moves the overall scale of the
    # slopes only a little per cycle; the expansion makes that move at once.
    rng = np.random.default_rng(46)
    bank = dichotomous_bank(rng, 120)
    y = simulate(rng, bank, rng.normal(0, 1, 1000))
    kwargs = dict(standard_errors=False, precision="float64", tolerance=1e-6)
    px = calibrate(y, "2pl", **kwargs)
    em = calibrate(y, "2pl", expand_latent=False, accelerate=False, **kwargs)
    em_fast = calibrate(y, "2pl", expand_latent=False, **kwargs)
    assert px.converged and em.converged and em_fast.converged
    assert px.iterations <= 10
    assert 3 * px.iterations < em_fast.iterations < em.iterations
    np.testing.assert_allclose(px.discrimination, em.discrimination, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_complete_logistic_scores_equal_the_per_category_scores(dtype):
    # Standard errors' per-person scores: the two-product shortcut for complete 0/1 data must
    # equal sum_k 1[y = k] post @ (dP_k / P_k) parameter by parameter.
    rng = np.random.default_rng(47)
    bank = dichotomous_bank(rng, 7)
    y = simulate(rng, bank, rng.normal(0, 1, 200))
    spec = _spec("2pl", 7)
    par = np.column_stack([bank.discrimination, bank.intercept])
    x = cal.DEFAULT_NODES
    post = rng.dirichlet(np.ones(x.size), y.shape[0]).astype(dtype)
    P, dP = cal._probs_and_derivs(par, spec, x)
    general = cal._dense_scores(dP / P[..., None], post, y.astype(np.int64))
    shortcut = cal._complete_logistic_scores(P[:, 1], post, y.astype(dtype), x)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for got, want in zip(shortcut, general, strict=True):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())
