"""Scores for reporting groups: plausible values and group statistics with their uncertainty.

Plausible values (Mislevy 1991; Mislevy, Beaton, Kaplan & Sheehan 1992) are random draws from
each person's posterior ``p(theta | responses) ~ L(responses | theta) N(theta; mu, sigma^2)``,
here on a 0.01-spaced grid with a uniform jitter inside the grid cell. Unlike EAP estimates,
which shrink towards the prior mean (their variance is the population variance minus the mean
posterior variance), plausible values have the population's spread, so group means, sds and
percentages above a cut are unbiased; their uncertainty combines the sampling and the
measurement error by Rubin's (1987) rules: with M sets of values, the estimate is the mean of the
M statistics and its variance ``U + (1 + 1/M) B`` (U: mean sampling variance, B: variance
between the M statistics).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .models import FloatArray, ItemBank
from .scoring import _codes, _log_likelihood_grid

__all__ = ["GroupEstimate", "group_mean", "plausible_values"]

PV_GRID = np.linspace(-7.0, 7.0, 1401)


def plausible_values(
    responses: ArrayLike,
    bank: ItemBank,
    n_values: int = 5,
    *,
    rng: np.random.Generator,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> FloatArray:
    """(n_persons, n_values) draws from each person's posterior.

    responses: (n_persons, n_items) float array, nan = not presented
    prior_mean, prior_sd: the population distribution (the calibration's latent mean and sd)
    """
    if n_values < 1:
        raise ValueError("n_values must be at least 1")
    codes = _codes(responses, bank.n_items)
    g = PV_GRID
    h = float(g[1] - g[0])
    out = np.empty((codes.shape[0], n_values))
    step = max(1, 2_000_000 // g.size)
    for start in range(0, codes.shape[0], step):  # blocks of persons keep memory bounded
        block = codes[start : start + step]
        L = _log_likelihood_grid(block, bank, g) - 0.5 * ((g - prior_mean) / prior_sd) ** 2
        L -= L.max(axis=1, keepdims=True)
        cdf = np.cumsum(np.exp(L), axis=1)
        cdf /= cdf[:, -1:]
        u = rng.random((block.shape[0], n_values))
        idx = np.minimum((cdf[:, None, :] < u[:, :, None]).sum(axis=2), g.size - 1)
        out[start : start + step] = g[idx] + (rng.random(idx.shape) - 0.5) * h
    return out


@dataclass(frozen=True)
class GroupEstimate:
    """mean: the group's mean ability; standard_error: by Rubin's rules (sampling and
    measurement error); sd: the group's ability sd (mean over the sets of values); n: persons."""

    mean: float
    standard_error: float
    sd: float
    n: int


def group_mean(values: ArrayLike) -> GroupEstimate:
    """Mean ability of a group from its plausible values, (n_persons, n_values)."""
    pv = np.atleast_2d(np.asarray(values, dtype=float))
    n, m = pv.shape
    if n < 2:
        raise ValueError("a group needs at least two persons")
    means = pv.mean(axis=0)
    sampling = pv.var(axis=0, ddof=1) / n
    between = float(means.var(ddof=1)) if m > 1 else 0.0
    total = float(sampling.mean()) + (1.0 + 1.0 / m) * between
    return GroupEstimate(
        mean=float(means.mean()),
        standard_error=float(np.sqrt(total)),
        sd=float(pv.std(axis=0, ddof=1).mean()),
        n=n,
    )
