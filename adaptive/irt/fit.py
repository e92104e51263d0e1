"""Item fit: infit/outfit mean squares (Wright & Masters 1982) and S-X2 (Orlando & Thissen 2000).

infit/outfit use standardised residuals ``z = (x - E) / sqrt(V)`` at each person's theta:
outfit = mean of z^2 over persons who saw the item, infit = sum (x - E)^2 / sum V. Values near 1
fit; above ~1.3 misfit.

S-X2 compares, for each summed score s = 1..n-1 of complete dichotomous data, the observed
proportion correct with the model's ``E_js = int P_j f_{-j}(s - 1 | t) g(t) / int f(s | t) g(t)``,
with summed-score distributions by the Lord & Wingersky (1984) recursion. Cells are not
collapsed; degrees of freedom are ``(n - 1) - n_parameters``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

from .calibration import quadrature
from .models import FloatArray, ItemBank, category_log_probabilities, probability
from .scoring import estimate_ability

__all__ = ["ItemFit", "item_fit", "s_x2"]


@dataclass(frozen=True)
class ItemFit:
    """infit, outfit: (n_items,) mean squares; n: (n_items,) number of responses."""

    infit: FloatArray
    outfit: FloatArray
    n: FloatArray


def item_fit(responses: ArrayLike, bank: ItemBank, theta: ArrayLike | None = None) -> ItemFit:
    """Infit and outfit mean squares.

    responses: (n_persons, n_items) float array, nan = not presented
    theta: (n_persons,) abilities; EAP estimates by default
    """
    y = np.atleast_2d(np.asarray(responses, dtype=float))
    t = estimate_ability(y, bank, "eap").theta if theta is None else np.asarray(theta, float)
    p = np.exp(category_log_probabilities(t, bank))  # (n, j, K)
    k = np.arange(p.shape[2])
    e = (p * k).sum(axis=2)
    v = np.maximum((p * (k[None, None, :] - e[..., None]) ** 2).sum(axis=2), 1e-12)
    present = ~np.isnan(y)
    r2 = np.where(present, (np.nan_to_num(y) - e) ** 2, 0.0)
    n = present.sum(axis=0).astype(float)
    outfit = (r2 / v).sum(axis=0) / np.maximum(n, 1)
    infit = r2.sum(axis=0) / np.maximum(np.where(present, v, 0.0).sum(axis=0), 1e-12)
    return ItemFit(infit, outfit, n)


def _lord_wingersky(p: FloatArray) -> FloatArray:
    """Summed-score likelihoods (n_items + 1, n_nodes) from P (n_items, n_nodes)."""
    f = np.zeros((p.shape[0] + 1, p.shape[1]))
    f[0] = 1.0
    for j in range(p.shape[0]):  # the recursion is sequential over items by definition
        f[1 : j + 2] = f[1 : j + 2] * (1 - p[j]) + f[: j + 1] * p[j]
        f[0] = f[0] * (1 - p[j])
    return f


def s_x2(
    responses: ArrayLike, bank: ItemBank, n_parameters: int = 2
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Orlando & Thissen (2000) S-X2 for complete dichotomous data.

    responses: (n_persons, n_items) 0/1 array without missing cells
    Returns statistic, degrees of freedom and p-value, each (n_items,).
    """
    y = np.asarray(responses, dtype=float)
    if np.isnan(y).any() or not bank.is_dichotomous:
        raise ValueError("S-X2 needs complete dichotomous responses")
    n_items = y.shape[1]
    x, w = quadrature()
    p = probability(x, bank).T  # (n_items, q)
    full = _lord_wingersky(p)  # (n_items+1, q)
    denom = full @ w
    score = y.sum(axis=1).astype(int)
    stat = np.zeros(n_items)
    for j in range(n_items):  # one recursion without item j per item (Orlando & Thissen)
        rest = _lord_wingersky(np.delete(p, j, axis=0))
        s = np.arange(1, n_items)
        expected = ((p[j] * rest[s - 1]) @ w) / np.maximum(denom[s], 1e-300)
        counts = np.bincount(score, minlength=n_items + 1)[s].astype(float)
        observed = np.bincount(score, weights=y[:, j], minlength=n_items + 1)[s]
        obs_p = np.where(counts > 0, observed / np.maximum(counts, 1), 0.0)
        e = np.clip(expected, 1e-9, 1 - 1e-9)
        stat[j] = float(np.sum(counts * (obs_p - e) ** 2 / (e * (1 - e))))
    df = np.full(n_items, float(n_items - 1 - n_parameters))
    return stat, df, chi2.sf(stat, np.maximum(df, 1))
