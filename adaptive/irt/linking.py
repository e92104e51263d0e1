"""Linking two calibrations onto one scale.

Two calibrations of common items differ by a linear transformation of theta,
``theta_to = A * theta_from + B``; items then transform as ``a* = a / A``, ``b* = A b + B``
(slope-intercept: ``d* = d - a B / A``), ``c* = c``.

* mean/sigma (Marco 1977): ``A = sd(b_to) / sd(b_from)``, ``B = mean(b_to) - A mean(b_from)``;
* Stocking & Lord (1983): ``A, B`` minimise the squared difference of the common items' test
  characteristic curves over a weighted theta grid, started from mean/sigma.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from .models import FloatArray, ItemBank, category_log_probabilities

__all__ = ["LinkingConstants", "mean_sigma", "stocking_lord", "transform_bank"]


@dataclass(frozen=True)
class LinkingConstants:
    """``theta_to = slope * theta_from + intercept``."""

    slope: float
    intercept: float


def transform_bank(bank: ItemBank, link: LinkingConstants) -> ItemBank:
    """Put ``bank`` (on the "from" scale) onto the "to" scale."""
    A, B = link.slope, link.intercept
    a = bank.discrimination / A
    d = bank.intercepts - (bank.discrimination * B / A)[:, None]
    return ItemBank(a, d, bank.guessing.copy(), bank.ids, bank.polytomous)


def mean_sigma(from_bank: ItemBank, to_bank: ItemBank) -> LinkingConstants:
    """Mean/sigma linking from the common items' difficulties (one row per common item in
    both banks, same order)."""
    b_from, b_to = from_bank.difficulty, to_bank.difficulty
    A = float(np.std(b_to) / np.std(b_from))
    return LinkingConstants(A, float(np.mean(b_to) - A * np.mean(b_from)))


def _expected_score(theta: FloatArray, bank: ItemBank) -> FloatArray:
    p = np.exp(category_log_probabilities(theta, bank))
    k = np.arange(p.shape[2])
    return np.asarray((p * k).sum(axis=(1, 2)))


def stocking_lord(
    from_bank: ItemBank, to_bank: ItemBank, grid: ArrayLike | None = None
) -> LinkingConstants:
    """Stocking & Lord (1983) characteristic-curve linking (common items in the same order),
    with the "to" scale's N(0, 1) as grid weights."""
    g = np.linspace(-4, 4, 41) if grid is None else np.asarray(grid, dtype=float)
    w = np.exp(-0.5 * g**2)
    w /= w.sum()
    target = _expected_score(g, to_bank)
    start = mean_sigma(from_bank, to_bank)

    def loss(v: FloatArray) -> float:
        moved = transform_bank(from_bank, LinkingConstants(float(np.exp(v[0])), float(v[1])))
        return float(w @ (target - _expected_score(g, moved)) ** 2)

    x0 = np.array([np.log(max(start.slope, 1e-3)), start.intercept])
    res = minimize(loss, x0, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-14})
    return LinkingConstants(float(np.exp(res.x[0])), float(res.x[1]))
