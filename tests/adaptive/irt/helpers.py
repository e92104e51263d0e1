"""Simulated data with known parameters for the IRT tests."""

from __future__ import annotations

import numpy as np

from adaptive.irt import ItemBank, probability
from adaptive.irt.models import category_log_probabilities


def dichotomous_bank(
    rng: np.random.Generator, n_items: int, *, guessing: bool = False, slope: float | None = None
) -> ItemBank:
    a = np.full(n_items, slope) if slope is not None else np.exp(rng.normal(0.0, 0.25, n_items))
    b = rng.normal(0.0, 1.0, n_items)
    c = rng.uniform(0.1, 0.25, n_items) if guessing else None
    return ItemBank.from_irt(a, b, c)


def graded_bank(rng: np.random.Generator, n_items: int, n_categories: int = 4) -> ItemBank:
    a = np.exp(rng.normal(0.0, 0.25, n_items))
    d = np.sort(rng.normal(0.0, 1.5, (n_items, n_categories - 1)), axis=1)[:, ::-1]
    d = d + np.arange(n_categories - 1)[::-1] * 0.3  # keep thresholds apart
    return ItemBank(a, d, np.zeros(n_items))


def simulate(rng: np.random.Generator, bank: ItemBank, theta: np.ndarray) -> np.ndarray:
    """(n_persons, n_items) float responses from ``bank`` at ``theta``."""
    if bank.is_dichotomous:
        return (rng.random((theta.size, bank.n_items)) < probability(theta, bank)).astype(float)
    p = np.exp(category_log_probabilities(theta, bank))
    u = rng.random((theta.size, bank.n_items, 1))
    k = (u > np.cumsum(p, axis=2)).sum(axis=2)
    return np.minimum(k, bank.n_categories[None, :] - 1).astype(float)


def rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(x) - np.asarray(y)) ** 2)))
