"""Item fit: infit/outfit mean squares (Wright & Masters 1982) and S-X2 (Orlando & Thissen 2000).

infit/outfit use standardised residuals ``z = (x - E) / sqrt(V)`` at each person's theta:
outfit = mean of z^2 over persons who saw the item, infit = sum (x - E)^2 / sum V. Values near 1
fit; above ~1.3 misfit.

S-X2 compares, for each summed score s = 1..n-1 of complete dichotomous data, the observed
proportion correct with the model's ``E_js = int P_j f_{-j}(s - 1 | t) g(t) / int f(s | t) g(t)``,
with summed-score distributions by the Lord & Wingersky (1984) recursion. Cells are not
collapsed; degrees of freedom are ``(n - 1) - n_parameters``.

On incomplete (CAT, LOFT, sparse) data persons took different items, so the summed score means
different things for different persons. :func:`s_x2` then conditions each person on their own
summed score over their own items: ``E_ij = int P_j f_{i,-j}(s_i - 1 | t) g(t) / int f_i(s_i | t)
g(t)`` with the recursion over person i's items, which reduces to Orlando & Thissen's ``E_js`` on
complete data. The persons who took item j are ordered by ``E_ij`` and cut into ``groups``
groups of equal size (summed-score groups cannot be pooled across forms); the statistic is
Orlando & Thissen's, ``sum_g N_g (O_g - E_g)^2 / (E_g (1 - E_g))`` over the groups' observed and
expected proportions, with ``groups - n_parameters`` degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

from .calibration import quadrature
from .models import FloatArray, ItemBank, category_log_probabilities, probability
from .scoring import estimate_ability

__all__ = ["ItemFit", "item_fit", "s_x2", "s_x2_incomplete"]


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

    responses: (n_persons, n_items) 0/1 array; with missing cells (nan = not presented) the
        person-by-person version :func:`s_x2_incomplete` is used
    Returns statistic, degrees of freedom and p-value, each (n_items,).
    """
    y = np.asarray(responses, dtype=float)
    if not bank.is_dichotomous:
        raise ValueError("S-X2 needs dichotomous items")
    if np.isnan(y).any():
        return s_x2_incomplete(y, bank, n_parameters)
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


def _expected_given_own_score(y: FloatArray, bank: ItemBank) -> FloatArray:
    """(n_persons, n_items) ``E_ij = P(y_ij = 1 | person i's summed score over their items)``,
    nan where item j was not presented (module docstring)."""
    n_persons = y.shape[0]
    x, w = quadrature()
    p = probability(x, bank).T  # (n_items, q)
    present = ~np.isnan(y)
    expected = np.full(y.shape, np.nan)
    # Every person's items in one padded (n_persons, L, q) array, P = 0 in the padding (an
    # item with P = 0 leaves the recursion unchanged), so the recursion runs for all persons at
    # once. Leaving item k out is undone from f_i by deconvolution, forward
    # ``f_-k(s) = (f(s) - P_k f_-k(s-1)) / Q_k`` where P_k <= 1/2 and backward
    # ``f_-k(s-1) = (f(s) - Q_k f_-k(s)) / P_k`` elsewhere, so errors never grow.
    length = present.sum(axis=1)
    width = int(length.max(initial=0))
    if width < 2:
        return expected
    order = np.argsort(~present, axis=1, kind="stable")[:, :width]  # presented items first
    slot = np.arange(width)[None, :] < length[:, None]
    pp = np.where(slot[..., None], p[order], 0.0)  # (n, L, q)
    score = np.nansum(y, axis=1).astype(np.int64)
    rows = np.arange(n_persons)
    f = np.zeros((n_persons, width + 1, x.size))
    f[:, 0] = 1.0
    for t in range(width):  # sequential over positions by definition
        pt = pp[:, t][:, None, :]
        f[:, 1:] = f[:, 1:] * (1 - pt) + f[:, :-1] * pt
        f[:, 0] = f[:, 0] * (1 - pp[:, t])
    denom = np.maximum(f[rows, score] @ w, 1e-300)
    target = np.maximum(score - 1, 0)
    for k in range(width):  # leave out each position in turn
        pk = np.clip(pp[:, k], 1e-300, 1.0)
        qk = np.clip(1.0 - pp[:, k], 1e-300, 1.0)
        fw = np.zeros((n_persons, width, x.size))
        bw = np.zeros((n_persons, width, x.size))
        # Each direction blows up where it is not used (nodes with P_k > 1/2, resp. < 1/2);
        # those values are discarded by the choice below.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            fw[:, 0] = f[:, 0] / qk
            for u in range(1, width):
                fw[:, u] = (f[:, u] - pk * fw[:, u - 1]) / qk
            bw[:, width - 1] = f[:, width] / pk
            for u in range(width - 1, 0, -1):
                bw[:, u - 1] = (f[:, u] - qk * bw[:, u]) / pk
        rest = np.where(pk <= 0.5, fw[rows, target], bw[rows, target])  # (n, q)
        num = (pp[:, k] * rest) @ w
        who = slot[:, k] & (length >= 2)
        expected[rows[who], order[who, k]] = np.where(score[who] > 0, num[who] / denom[who], 0.0)
    return expected


def s_x2_incomplete(
    responses: ArrayLike, bank: ItemBank, n_parameters: int = 2, groups: int = 10
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """S-X2 on incomplete dichotomous data (module docstring): each person conditioned on their
    summed score over their own items, persons grouped by expected proportion correct.

    responses: (n_persons, n_items) float array, nan = not presented
    groups: groups per item (fewer when an item has few responses: at least 20 per group)
    Returns statistic, degrees of freedom and p-value, each (n_items,); nan for an item with
    too few responses for two more groups than parameters.
    """
    y = np.asarray(responses, dtype=float)
    n_items = y.shape[1]
    present = ~np.isnan(y)
    expected = _expected_given_own_score(y, bank)
    stat = np.full(n_items, np.nan)
    df = np.full(n_items, np.nan)
    for j in range(n_items):  # loop over items: sort and group each item's persons
        took = np.flatnonzero(present[:, j] & ~np.isnan(expected[:, j]))
        n_groups = min(groups, took.size // 20)
        if n_groups - n_parameters < 1:
            continue
        order = took[np.argsort(expected[took, j], kind="stable")]
        total = 0.0
        for cell in np.array_split(order, n_groups):
            e = float(np.clip(expected[cell, j].mean(), 1e-9, 1 - 1e-9))
            o = float(y[cell, j].mean())
            total += cell.size * (o - e) ** 2 / (e * (1 - e))
        stat[j] = total
        df[j] = n_groups - n_parameters
    with np.errstate(invalid="ignore"):
        p_value = chi2.sf(stat, np.where(np.isnan(df), 1.0, df))
    return stat, df, np.where(np.isnan(df), np.nan, p_value)
