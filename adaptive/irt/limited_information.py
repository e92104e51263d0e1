"""Limited-information goodness of fit: M2 and its RMSEA (Maydeu-Olivares & Joe 2005, 2006).

For n dichotomous items the statistic uses the first- and second-order margins, the vector
``p`` of observed proportions correct (n of them) and both-correct proportions (n(n-1)/2), and
the model's ``pi`` (theta) for the same moments:

    M2 = N e' C e,  e = p - pi(theta_hat),
    C = Xi^-1 - Xi^-1 Delta (Delta' Xi^-1 Delta)^-1 Delta' Xi^-1

where ``Xi`` is the model's covariance matrix of the moment indicators (entries
``E[y_A y_B] - pi_A pi_B``, ``y_A`` the product of the items in A) and ``Delta = d pi / d theta'``
the Jacobian in the free item parameters. Under the model and ML estimation, M2 is asymptotically
chi-square with ``n + n(n-1)/2 - (number of free parameters)`` degrees of freedom; the RMSEA is
``sqrt(max(M2 - df, 0) / (N df))`` (Maydeu-Olivares & Joe 2014). Every expectation is a
quadrature sum over the N(0, 1) ability distribution of the free calibration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

from .calibration import CalibrationResult, quadrature
from .models import FloatArray

__all__ = ["LimitedInformationFit", "m2"]

#: Beyond this many items the moment covariance (n + n(n-1)/2 square) gets too large to hold.
MAX_ITEMS = 80


@dataclass(frozen=True)
class LimitedInformationFit:
    """statistic: M2; df: its degrees of freedom; p_value; rmsea: RMSEA2; n: persons; estimator:
    "ML" (where M2's reference distribution holds) or "MAP" (approximate)."""

    statistic: float
    df: int
    p_value: float
    rmsea: float
    n: float
    estimator: str


def _item_probabilities(result: CalibrationResult, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """P (n_items, n_nodes) and dP/d(a, d, c) (n_items, n_nodes, 3) for dichotomous items."""
    bank = result.bank
    a, d, c = bank.discrimination, bank.intercept, bank.guessing
    s = 1.0 / (1.0 + np.exp(-(a[:, None] * x[None, :] + d[:, None])))
    p = c[:, None] + (1.0 - c[:, None]) * s
    ds = (1.0 - c[:, None]) * s * (1.0 - s)
    dp = np.stack([ds * x[None, :], ds, 1.0 - s], axis=2)
    return p, dp


def m2(
    result: CalibrationResult,
    responses: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    nodes: ArrayLike | None = None,
) -> LimitedInformationFit:
    """M2 of a free dichotomous calibration (1PL/2PL/3PL) on the data it was fitted to.

    responses: (n_persons, n_items) 0/1 array without missing cells; weights: (n_persons,)
    frequencies of collapsed rows. nodes: quadrature nodes (default 0.1 apart over [-6, 6]).
    """
    y = np.asarray(responses, dtype=float)
    bank = result.bank
    if not bank.is_dichotomous or result.model == "grm":
        raise ValueError("M2 is implemented for dichotomous models")
    if y.ndim != 2 or np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("M2 needs complete 0/1 responses")
    n_items = bank.n_items
    if y.shape[1] != n_items:
        raise ValueError("responses and calibration have different numbers of items")
    if n_items > MAX_ITEMS:
        raise ValueError(f"M2 is computed for up to {MAX_ITEMS} items")
    if result.free is None or not result.free.all() or result.latent_sd != 1.0:
        raise ValueError("M2 needs a free calibration (no anchors)")
    w = np.ones(y.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    n = float(w.sum())

    x = np.linspace(-6.0, 6.0, 121) if nodes is None else np.asarray(nodes, dtype=float)
    _, g = quadrature(0.0, 1.0, x)
    p, dp = _item_probabilities(result, x)  # (J, Q), (J, Q, 3)
    ii, kk = np.triu_indices(n_items, 1)
    n_mom = n_items + ii.size

    # Moments: observed and model-implied.
    observed = np.concatenate([w @ y / n, (w[:, None] * y[:, ii] * y[:, kk]).sum(axis=0) / n])
    u = np.concatenate([p, p[ii] * p[kk]], axis=0)  # (n_mom, Q) moment values at each node
    implied = u @ g

    # Xi: E[y_A y_B | x] is the product of P over the union of A and B, i.e.
    # exp(l_A + l_B - sum over the shared items of log P).
    z = np.zeros((n_mom, n_items))
    z[np.arange(n_items), np.arange(n_items)] = 1.0
    z[n_items + np.arange(ii.size), ii] = 1.0
    z[n_items + np.arange(ii.size), kk] = 1.0
    log_p = np.log(np.maximum(p, 1e-300))
    log_u = z @ log_p  # (n_mom, Q)
    xi = np.zeros((n_mom, n_mom))
    for q in range(x.size):  # loop over nodes, (n_mom, n_mom) work each
        shared = (z * log_p[:, q][None, :]) @ z.T
        xi += g[q] * np.exp(log_u[:, q][:, None] + log_u[:, q][None, :] - shared)
    xi -= np.outer(implied, implied)

    # Delta: d pi_A / d(item parameters), columns (a_j, d_j[, c_j]) per item.
    n_p = 3 if result.model == "3pl" else 2
    first = np.einsum("jqp,q->jp", dp[:, :, :n_p], g)  # (J, n_p)
    cross = np.einsum("jqp,kq,q->jkp", dp[:, :, :n_p], p, g)  # d/d(item j) of P_j P_k
    delta = np.zeros((n_mom, n_items, n_p))
    delta[np.arange(n_items), np.arange(n_items)] = first
    rows = n_items + np.arange(ii.size)
    delta[rows, ii] = cross[ii, kk]
    delta[rows, kk] = cross[kk, ii]
    if result.model in ("1pl", "rasch"):  # one common slope
        cols = [delta[:, :, 0].sum(axis=1, keepdims=True), delta[:, :, 1]]
        jac = np.concatenate(cols, axis=1)
    else:
        jac = delta.reshape(n_mom, n_items * n_p)
    n_free = jac.shape[1]
    df = n_mom - n_free
    if df <= 0:
        raise ValueError(f"M2 has no degrees of freedom ({n_mom} moments, {n_free} parameters)")

    e = observed - implied
    xi_e = np.linalg.solve(xi, e)
    xi_jac = np.linalg.solve(xi, jac)
    h = jac.T @ xi_jac
    b = jac.T @ xi_e
    stat = n * float(e @ xi_e - b @ np.linalg.solve(h, b))
    stat = max(stat, 0.0)
    rmsea = float(np.sqrt(max(stat - df, 0.0) / (n * df)))
    return LimitedInformationFit(
        statistic=stat,
        df=int(df),
        p_value=float(chi2.sf(stat, df)),
        rmsea=rmsea,
        n=n,
        estimator=result.estimator,
    )
