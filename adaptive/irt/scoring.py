"""Ability estimation: EAP, MAP, MLE and WLE, vectorised over persons.

A response pattern is a row of ``responses: (n_persons, n_items) float array, nan = not
presented``. Every estimator returns an :class:`AbilityEstimate` with a finite theta and a finite
standard error for any pattern, including empty, all-correct and all-wrong ones:

* EAP (Bock & Mislevy 1982): posterior mean and sd on an evenly spaced grid;
* MAP: posterior mode by Fisher scoring from the EAP, SE = 1/sqrt(I + 1/sigma^2);
* MLE: root of the likelihood equation by bisection on ``[-bound, bound]``; patterns whose
  likelihood has no interior maximum (all correct, all wrong, empty) get the bound (or 0 when
  empty) and ``finite=False``;
* WLE (Warm 1989): root of ``dlogL/dtheta + J/(2I) = 0``, finite for all-correct/all-wrong.

The score function uses ``dlog P/dtheta`` in forms that never divide 0 by 0 at extreme thetas:
for the 3PL ``dlog P1/dtheta = a (1 - s) (1 - c) sigmoid(eta - log c)`` and
``dlog P0/dtheta = -a s``; for the graded model ``a (sigmoid(-u) - sigmoid(v))``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from .models import FloatArray, ItemBank, category_log_probabilities, item_information

__all__ = [
    "AbilityEstimate",
    "estimate_ability",
    "subscores",
]

Method = Literal["eap", "map", "mle", "wle"]

#: EAP grid: 0.05 apart over [-7, 7] so the posterior mean is accurate to ~1e-4.
SCORING_GRID = np.linspace(-7.0, 7.0, 281)


@dataclass(frozen=True)
class AbilityEstimate:
    """theta, standard_error: (n_persons,) float arrays; finite: (n_persons,) bool array, False
    where the MLE does not exist (theta is then at the bound or 0) - always True for EAP/MAP/WLE
    on non-empty patterns."""

    theta: FloatArray
    standard_error: FloatArray
    finite: NDArray[np.bool_]
    method: str


def _codes(responses: ArrayLike, n_items: int) -> NDArray[np.int64]:
    y = np.atleast_2d(np.asarray(responses, dtype=float))
    if y.shape[1] != n_items:
        raise ValueError(f"responses must have {n_items} columns")
    return np.where(np.isnan(y), -1, np.nan_to_num(y, nan=-1.0)).astype(np.int64)


def _log_likelihood_grid(codes: NDArray[np.int64], bank: ItemBank, grid: FloatArray) -> FloatArray:
    """(n_persons, n_grid) log-likelihood: one matrix product per score category."""
    logp = np.maximum(category_log_probabilities(grid, bank), -1e4)  # (g, j, K)
    out = np.zeros((codes.shape[0], grid.size))
    for k in range(logp.shape[2]):
        hit = (codes == k).astype(float)
        if hit.any():
            out += hit @ logp[:, :, k].T
    return out


def _score_terms(
    theta: FloatArray, bank: ItemBank, codes: NDArray[np.int64], warm: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per person: dlogL/dtheta, test information I and Warm's J = sum P'P''/(PQ); (n,) each."""
    a = bank.discrimination[None, :]
    present = codes >= 0
    if bank.is_dichotomous:
        c = bank.guessing[None, :]
        eta = theta[:, None] * a + bank.intercept[None, :]
        s = expit(eta)
        with np.errstate(divide="ignore"):
            log_c = np.log(c)
        rho = (1 - c) * expit(eta - log_c)  # (1-c) s / P, stable
        d1 = a * (1 - s) * rho
        d0 = -a * s
        grad = np.where(codes == 1, d1, np.where(codes == 0, d0, 0.0)).sum(axis=1)
        jterm = np.zeros(theta.size)
        if warm:
            jterm = np.where(present, a**3 * s * (1 - s) * (1 - 2 * s) * rho, 0.0).sum(axis=1)
    elif bank.is_gpcm:
        # dlog P_k / dtheta = a (k - E[x]); Warm's J = a^3 E[(x - E x)^3] (Muraki 1992).
        p = np.exp(category_log_probabilities(theta, bank))  # (n, j, K)
        k = np.arange(p.shape[2])[None, None, :]
        mean = (p * k).sum(axis=2)
        idx = np.clip(codes, 0, p.shape[2] - 1)
        grad = np.where(present, a * (idx - mean), 0.0).sum(axis=1)
        jterm = np.zeros(theta.size)
        if warm:
            third = (p * (k - mean[..., None]) ** 3).sum(axis=2)
            jterm = np.where(present, a**3 * third, 0.0).sum(axis=1)
    else:
        d = bank.intercepts
        valid = ~np.isnan(d)
        n_items, m = d.shape
        eta = theta[:, None, None] * a[:, :, None] + np.where(valid, d, 0.0)[None]
        s = np.where(valid[None], expit(eta), 0.0)  # P*_k, k = 1..m
        ones = np.ones_like(s[..., :1])
        zeros = np.zeros_like(s[..., :1])
        s_full = np.concatenate([ones, s, zeros], axis=2)
        # dlog P_k = a (sigmoid(-u) - sigmoid(v)) with u = eta_k, v = eta_{k+1}
        dlog = a[..., None] * ((1 - s_full[..., :-1]) - s_full[..., 1:])
        idx = np.clip(codes, 0, m)[..., None]
        grad = np.where(present, np.take_along_axis(dlog, idx, axis=2)[..., 0], 0.0).sum(axis=1)
        jterm = np.zeros(theta.size)
        if warm:
            # J = sum_k P'_k P''_k / P_k = sum_k P''_k dlog P_k, with no division by P_k.
            w2 = s * (1 - s) * (1 - 2 * s)
            w2f = np.concatenate([zeros, w2, zeros], axis=2)
            ddp = a[..., None] ** 2 * (w2f[..., :-1] - w2f[..., 1:])
            jterm = np.where(present, (ddp * dlog).sum(axis=2), 0.0).sum(axis=1)
    info = np.where(present, item_information(theta, bank), 0.0).sum(axis=1)
    return grad, info, jterm


def _bisect(
    f: Callable[[FloatArray], FloatArray], n: int, lo: float, hi: float, iterations: int = 45
) -> tuple[FloatArray, NDArray[np.bool_], NDArray[np.bool_]]:
    """Vectorised bisection for a decreasing function; returns root, at_low, at_high."""
    lo_v = np.full(n, lo)
    hi_v = np.full(n, hi)
    f_lo = f(lo_v)
    f_hi = f(hi_v)
    at_high = f_hi > 0  # still increasing at the upper bound
    at_low = f_lo < 0
    a_, b_ = lo_v.copy(), hi_v.copy()
    for _ in range(iterations):
        mid = 0.5 * (a_ + b_)
        fm = f(mid)
        pos = fm > 0
        a_ = np.where(pos, mid, a_)
        b_ = np.where(pos, b_, mid)
    root = 0.5 * (a_ + b_)
    root = np.where(at_high, hi, np.where(at_low, lo, root))
    return root, at_low, at_high


def estimate_ability(
    responses: ArrayLike,
    bank: ItemBank,
    method: Method = "eap",
    *,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    bound: float = 6.0,
    grid: ArrayLike | None = None,
) -> AbilityEstimate:
    """Estimate theta for each row of ``responses``.

    responses: (n_persons, n_items) float array, nan = not presented (a 1-d array is one person)
    bank: the items' parameters, one per column
    method: ``"eap"`` (Bock & Mislevy 1982), ``"map"``, ``"mle"`` or ``"wle"`` (Warm 1989)
    prior_mean, prior_sd: normal prior for EAP/MAP
    bound: MLE/WLE search interval ``[-bound, bound]``
    """
    codes = _codes(responses, bank.n_items)
    n = codes.shape[0]
    if method == "eap":
        g = SCORING_GRID if grid is None else np.asarray(grid, dtype=float)
        L = _log_likelihood_grid(codes, bank, g) - 0.5 * ((g - prior_mean) / prior_sd) ** 2
        L -= L.max(axis=1, keepdims=True)
        post = np.exp(L)
        post /= post.sum(axis=1, keepdims=True)
        mean = post @ g
        var = np.maximum(post @ g**2 - mean**2, 0.0)
        sd = np.sqrt(np.maximum(var, 1e-12))
        return AbilityEstimate(mean, sd, np.ones(n, dtype=bool), "eap")
    if method == "map":
        theta = estimate_ability(
            responses, bank, "eap", prior_mean=prior_mean, prior_sd=prior_sd
        ).theta
        for _ in range(30):  # Fisher scoring; the log-posterior is concave for 1/2PL and GRM
            grad, info, _ = _score_terms(theta, bank, codes, warm=False)
            grad = grad - (theta - prior_mean) / prior_sd**2
            step = np.clip(grad / (info + 1.0 / prior_sd**2), -1.0, 1.0)
            theta = np.clip(theta + step, -bound - 4, bound + 4)
            if np.max(np.abs(step), initial=0.0) < 1e-10:
                break
        _, info, _ = _score_terms(theta, bank, codes, warm=False)
        se = 1.0 / np.sqrt(info + 1.0 / prior_sd**2)
        return AbilityEstimate(theta, se, np.ones(n, dtype=bool), "map")
    if method not in ("mle", "wle"):
        raise ValueError(f"unknown method {method!r}")
    warm = method == "wle"

    def fn(t: FloatArray) -> FloatArray:
        grad, info, jterm = _score_terms(t, bank, codes, warm)
        if warm:
            return np.asarray(grad + jterm / (2.0 * np.maximum(info, 1e-300)))
        return grad

    theta, at_low, at_high = _bisect(fn, n, -bound, bound)
    empty = ~(codes >= 0).any(axis=1)
    theta = np.where(empty, 0.0, theta)
    finite = ~(at_low | at_high | empty)
    _, info, _ = _score_terms(theta, bank, codes, warm=False)
    # No information (empty pattern): report a large finite SE rather than inf.
    se = 1.0 / np.sqrt(np.maximum(info, 1e-8))
    return AbilityEstimate(theta, se, finite, method)


def subscores(
    responses: ArrayLike,
    bank: ItemBank,
    areas: Sequence[Hashable],
    method: Method = "eap",
    **kwargs: float,
) -> dict[Hashable, AbilityEstimate]:
    """Theta per content area (e.g. per NOS): each area is scored from its own items only.

    responses: (n_persons, n_items) float array, nan = not presented
    areas: (n_items,) labels, one per item
    """
    labels = np.asarray(list(areas), dtype=object)
    if labels.size != bank.n_items:
        raise ValueError("areas must give one label per item")
    y = np.atleast_2d(np.asarray(responses, dtype=float))
    out: dict[Hashable, AbilityEstimate] = {}
    for label in dict.fromkeys(areas):  # loop over areas (a handful), not persons
        cols = np.flatnonzero(labels == label)
        out[label] = estimate_ability(y[:, cols], bank.subset(cols), method, **kwargs)  # type: ignore[arg-type]
    return out
