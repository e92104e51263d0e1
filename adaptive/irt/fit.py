"""Item fit: infit/outfit mean squares (Wright & Masters 1982) and S-X2 (Orlando & Thissen 2000).

infit/outfit use standardised residuals ``z = (x - E) / sqrt(V)`` at each person's theta:
outfit = mean of z^2 over persons who saw the item, infit = sum (x - E)^2 / sum V. Values near 1
fit; above ~1.3 misfit.

S-X2 compares, for each summed score s = 1..n-1 of complete dichotomous data (the total score,
the item included), the observed proportion correct with the model's ``E_js = int P_j
f_{-j}(s - 1 | t) g(t) / int f(s | t) g(t)``, with g the N(0, 1) prior (not a posterior) and the
summed-score likelihoods f (all items) and f_{-j} (item j left out) by the Lord & Wingersky
(1984) recursion. Sparse score groups are collapsed as Orlando & Thissen (2000) do: adjacent
groups are merged, from the low scores up, until both expected counts ``N_s E_js`` and ``N_s (1 -
E_js)`` are at least 1; a sparse remainder at the top joins the group below it. Degrees of freedom
are the number of groups after collapsing minus the item's number of parameters; without
collapsing, the few persons at extreme scores (expected counts far below 1) make the statistic
far from chi-square and it rejects fitting items too often.

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
from numpy.typing import ArrayLike, NDArray
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


def _collapsed_score_groups(
    counts: FloatArray, correct: FloatArray, expected: FloatArray, minimum: float = 1.0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Orlando & Thissen's (2000) collapsing of adjacent summed-score groups.

    counts, correct: (n_scores,) persons and correct answers per summed score, in score order
    expected: (n_scores,) model proportion correct per summed score
    Groups are merged from the low scores up until both expected counts reach ``minimum``; a
    remainder at the top that does not reach it joins the last group. Returns the groups'
    persons, correct answers and expected correct answers.
    """
    n_group: list[float] = []
    o_group: list[float] = []
    e_group: list[float] = []
    n_acc = o_acc = e_acc = 0.0
    for n_s, o_s, e_s in zip(counts, correct, counts * expected, strict=True):
        n_acc, o_acc, e_acc = n_acc + n_s, o_acc + o_s, e_acc + e_s
        if e_acc >= minimum and n_acc - e_acc >= minimum:
            n_group.append(n_acc)
            o_group.append(o_acc)
            e_group.append(e_acc)
            n_acc = o_acc = e_acc = 0.0
    if n_acc > 0 and n_group:
        n_group[-1] += n_acc
        o_group[-1] += o_acc
        e_group[-1] += e_acc
    elif n_acc > 0:  # too few persons for even one group that is not sparse
        n_group, o_group, e_group = [n_acc], [o_acc], [e_acc]
    return np.array(n_group), np.array(o_group), np.array(e_group)


def s_x2(
    responses: ArrayLike, bank: ItemBank, n_parameters: int = 2, min_expected: float = 1.0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Orlando & Thissen (2000) S-X2 for complete dichotomous data (module docstring).

    responses: (n_persons, n_items) 0/1 array; with missing cells (nan = not presented) the
        person-by-person version :func:`s_x2_incomplete` is used
    n_parameters: estimated parameters per item (2 for the 2PL, 3 for the 3PL)
    min_expected: the smallest expected count of correct and of wrong answers a summed-score
        group may have before it is merged with its neighbour
    Returns statistic, degrees of freedom and p-value, each (n_items,); nan for an item left
    with no more groups than parameters.
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
    s = np.arange(1, n_items)  # scores 0 and n say nothing about fit
    denom = np.maximum(full[s] @ w, 1e-300)
    score = y.sum(axis=1).astype(int)
    counts = np.bincount(score, minlength=n_items + 1)[s].astype(float)
    stat = np.full(n_items, np.nan)
    df = np.full(n_items, np.nan)
    for j in range(n_items):  # one recursion without item j per item (Orlando & Thissen)
        rest = _lord_wingersky(np.delete(p, j, axis=0))
        expected = np.clip(((p[j] * rest[s - 1]) @ w) / denom, 0.0, 1.0)
        correct = np.bincount(score, weights=y[:, j], minlength=n_items + 1)[s].astype(float)
        n_g, o_g, e_g = _collapsed_score_groups(counts, correct, expected, min_expected)
        if n_g.size - n_parameters < 1:
            continue
        var = np.maximum(e_g * (n_g - e_g) / n_g, 1e-12)  # N_g E_g (1 - E_g) in counts
        stat[j] = float(np.sum((o_g - e_g) ** 2 / var))
        df[j] = n_g.size - n_parameters
    with np.errstate(invalid="ignore"):
        p_value = chi2.sf(stat, np.where(np.isnan(df), 1.0, df))
    return stat, df, np.where(np.isnan(df), np.nan, p_value)


def _expected_given_own_score(
    y: FloatArray, bank: ItemBank, block_cells: int = 250_000
) -> FloatArray:
    """(n_persons, n_items) ``E_ij = P(y_ij = 1 | person i's summed score over their items)``,
    nan where item j was not presented (module docstring).

    block_cells: persons are handled in blocks of about this many (person, item, node) cells,
        which bounds memory (a few arrays of that size) whatever the number of persons
    """
    n_persons = y.shape[0]
    present = ~np.isnan(y)
    expected = np.full(y.shape, np.nan)
    length = present.sum(axis=1)
    width = int(length.max(initial=0))
    if width < 2:
        return expected
    x, w = quadrature()
    p = probability(x, bank).T  # (n_items, q)
    order = np.argsort(~present, axis=1, kind="stable")[:, :width]  # presented items first
    score = np.nansum(y, axis=1).astype(np.int64)
    block = max(1, block_cells // (width * x.size))
    by_score = np.argsort(score, kind="stable")  # a block's persons have nearby scores
    for lo in range(0, n_persons, block):  # blocks of persons, vectorised within a block
        them = by_score[lo : lo + block]
        e = _expected_block(p[order[them]], length[them], score[them], w)
        who = (np.arange(width)[None, :] < length[them, None]) & (length[them, None] >= 2)
        rows, slots = np.nonzero(who)
        expected[them[rows], order[them[rows], slots]] = e[rows, slots]
    return expected


def _expected_block(
    p_items: FloatArray, length: NDArray[np.int64], score: NDArray[np.int64], w: FloatArray
) -> FloatArray:
    """E for every (person, position) of one block; p_items (n, L, q) are P of each person's
    items in their order (positions past a person's length are padding).

    Every person's recursion runs at once: padding has P = 0, which leaves it unchanged.
    Leaving position k out is undone from f_i by deconvolution, for all k at once, forward
    ``f_-k(s) = (f(s) - P_k f_-k(s-1)) / Q_k`` where P_k <= 1/2 and backward ``f_-k(s-1) =
    (f(s) - Q_k f_-k(s)) / P_k`` elsewhere, so errors never grow; only ``f_-k(s_i - 1)`` is
    kept, so memory is (n, L, q), not (n, L, L, q). score must be sorted ascending.
    """
    n, width, q = p_items.shape
    slot = np.arange(width)[None, :] < length[:, None]
    pp = np.where(slot[..., None], p_items, 0.0)
    rows = np.arange(n)
    f = np.zeros((n, width + 1, q))
    f[:, 0] = 1.0
    for t in range(width):  # sequential over positions by definition; scores 0..t+1 so far
        pt = pp[:, t][:, None, :]
        f[:, 1 : t + 2] = f[:, 1 : t + 2] * (1 - pt) + f[:, : t + 1] * pt
        f[:, 0] = f[:, 0] * (1 - pp[:, t])
    denom = np.maximum(f[rows, score] @ w, 1e-300)
    target = np.maximum(score - 1, 0)
    pk = np.clip(pp, 1e-300, 1.0)  # (n, L, q): P of the position left out
    qk = np.clip(1.0 - pp, 1e-300, 1.0)
    rest = np.zeros((n, width, q))
    # Persons come sorted by score, so those whose f_-k(s_i - 1) the forward pass reaches at
    # step u are one slice, and so are those the passes still need: the slices shrink.
    first = np.searchsorted(target, np.arange(width + 1), side="left")  # first with target >= u
    # Each direction blows up where it is not used (nodes with P_k > 1/2, resp. < 1/2);
    # those values are discarded by the choice below.
    forward = pk <= 0.5
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        fw = f[:, 0][:, None, :] / qk
        for u in range(int(target[-1]) + 1):
            lo = first[u]
            if u > 0:
                fw = (f[lo:, u][:, None, :] - pk[lo:] * fw[lo - first[u - 1] :]) / qk[lo:]
            hi = first[u + 1] - lo
            rest[lo : first[u + 1]] = np.where(forward[lo : first[u + 1]], fw[:hi], 0.0)
        bw = f[:, width][:, None, :] / pk
        for u in range(width - 1, int(target[0]) - 1, -1):  # bw: f_-k(u) of persons :first[u+1]
            lo, hi = first[u], first[u + 1]
            rest[lo:hi] = np.where(forward[lo:hi], rest[lo:hi], bw[lo:hi])
            if u > 0:
                bw = (f[:lo, u][:, None, :] - qk[:lo] * bw[:lo]) / pk[:lo]
    num = np.einsum("nkq,nkq,q->nk", pp, rest, w)
    return np.where(score[:, None] > 0, num / denom[:, None], 0.0)


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
