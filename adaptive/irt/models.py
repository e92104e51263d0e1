"""Item response models: response probabilities, log-likelihood tables and information.

All models use the logistic metric with D = 1 (as mirt reports) and the slope-intercept form:

* dichotomous (1PL/2PL/3PL): ``P(x=1 | theta) = c + (1 - c) / (1 + exp(-(a*theta + d)))``,
  with difficulty ``b = -d / a`` (Birnbaum 1968; Lord 1980);
* graded response model (Samejima 1969): ``P(x >= k | theta) = 1 / (1 + exp(-(a*theta + d_k)))``
  for k = 1..K-1 with ``d_1 > d_2 > ...``, ``P(x = k) = P(x >= k) - P(x >= k+1)``;
* generalized partial credit model (Muraki 1992), ``polytomous="gpcm"``:
  ``P(x = k | theta) ~ exp(k a theta + d_1 + ... + d_k)`` (mirt's slope-intercept form), step
  intercepts ``d_k`` in any order (step difficulty ``-d_k / a``).

An :class:`ItemBank` holds the parameters of ``n_items`` items. ``intercepts`` is an
``(n_items, max_categories - 1)`` array padded with nan for items with fewer categories, so a
dichotomous bank has a single intercept column ``d``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = [
    "ItemBank",
    "category_log_probabilities",
    "conditional_standard_error",
    "expected_score",
    "item_information",
    "log_sigmoid",
    "probability",
    "test_information",
]


def log_sigmoid(x: ArrayLike) -> FloatArray:
    """``log(1 / (1 + exp(-x)))`` without overflow for any finite or infinite ``x``."""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=float))


def _sigmoid(x: FloatArray) -> FloatArray:
    # exp(-|x|) never overflows; this is the textbook stable logistic.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@dataclass(frozen=True)
class ItemBank:
    """Parameters of a bank of items in slope-intercept form.

    discrimination: (n_items,) float array, slope ``a`` (> 0)
    intercepts: (n_items, max_categories - 1) float array, ``d_k`` decreasing in k, nan padded;
        dichotomous items have one column ``d`` (``logit = a*theta + d``)
    guessing: (n_items,) float array, lower asymptote ``c`` (0 except for 3PL items)
    ids: item identifiers (defaults to ``"0", "1", ...``)
    polytomous: ``"grm"`` (graded response, the default) or ``"gpcm"`` (generalized partial
        credit): how items with more than two categories read their intercepts
    """

    discrimination: FloatArray
    intercepts: FloatArray
    guessing: FloatArray
    ids: tuple[str, ...] = field(default=())
    polytomous: str = "grm"

    def __post_init__(self) -> None:
        a = np.asarray(self.discrimination, dtype=float).reshape(-1)
        d = np.asarray(self.intercepts, dtype=float)
        if d.ndim == 1:
            d = d[:, None]
        c = np.asarray(self.guessing, dtype=float).reshape(-1)
        if c.size == 0:
            c = np.zeros_like(a)
        if not (a.shape[0] == d.shape[0] == c.shape[0]):
            raise ValueError("discrimination, intercepts and guessing must have n_items rows")
        object.__setattr__(self, "discrimination", a)
        object.__setattr__(self, "intercepts", d)
        object.__setattr__(self, "guessing", c)
        ids = tuple(str(i) for i in self.ids) if self.ids else tuple(str(i) for i in range(a.size))
        if len(ids) != a.size:
            raise ValueError("ids must have one entry per item")
        object.__setattr__(self, "ids", ids)
        if self.polytomous not in ("grm", "gpcm"):
            raise ValueError("polytomous must be 'grm' or 'gpcm'")

    @property
    def is_gpcm(self) -> bool:
        """Polytomous items read as the generalized partial credit model."""
        return self.polytomous == "gpcm" and not self.is_dichotomous

    @classmethod
    def from_irt(
        cls,
        discrimination: ArrayLike,
        difficulty: ArrayLike,
        guessing: ArrayLike | None = None,
        ids: Sequence[str] = (),
    ) -> ItemBank:
        """Build a dichotomous bank from IRT parameters ``a``, ``b``, ``c`` (``d = -a*b``)."""
        a = np.asarray(discrimination, dtype=float)
        b = np.asarray(difficulty, dtype=float)
        c = np.zeros_like(a) if guessing is None else np.asarray(guessing, dtype=float)
        return cls(a, (-a * b)[:, None], c, tuple(ids))

    @property
    def n_items(self) -> int:
        return int(self.discrimination.size)

    @property
    def n_categories(self) -> NDArray[np.int64]:
        """(n_items,) int array: number of score categories of each item."""
        return np.asarray(1 + np.sum(~np.isnan(self.intercepts), axis=1), dtype=np.int64)

    @property
    def is_dichotomous(self) -> bool:
        return self.intercepts.shape[1] == 1

    @property
    def intercept(self) -> FloatArray:
        """(n_items,) float array: ``d`` of a dichotomous bank (first intercept otherwise)."""
        return np.asarray(self.intercepts[:, 0])

    @property
    def difficulty(self) -> FloatArray:
        """(n_items,) ``b = -d / a`` for dichotomous items; for graded items the mean threshold."""
        return np.asarray(-np.nanmean(self.intercepts, axis=1) / self.discrimination)

    def subset(self, items: ArrayLike) -> ItemBank:
        idx = np.asarray(items, dtype=np.int64)
        return ItemBank(
            self.discrimination[idx],
            self.intercepts[idx],
            self.guessing[idx],
            tuple(self.ids[i] for i in idx),
            self.polytomous,
        )


def probability(theta: ArrayLike, bank: ItemBank) -> FloatArray:
    """Probability of a correct response (dichotomous) or of the top category's cumulative.

    theta: (n_theta,) float array. Returns (n_theta, n_items).
    3PL: ``c + (1 - c) * logistic(a*theta + d)`` (Birnbaum 1968).
    """
    t = np.atleast_1d(np.asarray(theta, dtype=float))
    eta = t[:, None] * bank.discrimination[None, :] + bank.intercept[None, :]
    c = bank.guessing[None, :]
    return np.asarray(c + (1.0 - c) * _sigmoid(eta))


def _dichotomous_log_pq(
    theta: FloatArray, a: FloatArray, d: FloatArray, c: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """log P and log Q, each (n_theta, n_items), stable at any theta."""
    eta = theta[:, None] * a[None, :] + d[None, :]
    log_s = log_sigmoid(eta)
    log_f = log_sigmoid(-eta)
    with np.errstate(divide="ignore"):
        log_c = np.log(c)
    log_1mc = np.log1p(-c)
    log_p = np.logaddexp(log_c[None, :], log_1mc[None, :] + log_s)
    log_q = log_1mc[None, :] + log_f
    return log_p, log_q


def category_log_probabilities(theta: ArrayLike, bank: ItemBank) -> FloatArray:
    """log P(x = k | theta) for every item and category.

    theta: (n_theta,) float array. Returns (n_theta, n_items, max_categories); categories an item
    does not have are -inf. Graded response (Samejima 1969) uses the stable identity
    ``s(u) - s(v) = s(u) s(-v) (1 - exp(-(u - v)))`` so extreme thetas never cancel to 0 - 0.
    """
    t = np.atleast_1d(np.asarray(theta, dtype=float))
    a, c = bank.discrimination, bank.guessing
    if bank.is_dichotomous:
        log_p, log_q = _dichotomous_log_pq(t, a, bank.intercept, c)
        return np.stack([log_q, log_p], axis=2)
    if bank.is_gpcm:
        return _with_guessing_rows(_gpcm_log_probabilities(t, bank), t, bank)
    n_items, m = bank.intercepts.shape
    d = bank.intercepts
    valid = ~np.isnan(d)
    # Cumulative logits with eta_0 = +inf and eta_K = -inf; padded thresholds act as -inf.
    d_full = np.concatenate(
        [
            np.full((n_items, 1), np.inf),
            np.where(valid, d, -np.inf),
            np.full((n_items, 1), -np.inf),
        ],
        axis=1,
    )
    eta = t[:, None, None] * a[None, :, None] + d_full[None, :, :]
    eta = np.where(np.isinf(d_full)[None], d_full[None], eta)
    u, v = eta[:, :, :-1], eta[:, :, 1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = d_full[:, :-1] - d_full[:, 1:]  # (n_items, m + 1) >= 0, inf at the ends
        gap_term = np.log(-np.expm1(-gap))  # u - v = d_k - d_{k+1}: no slope
        gap_term = np.where(np.isnan(gap_term), -np.inf, gap_term)
        out = log_sigmoid(u) + log_sigmoid(-v) + gap_term[None]
    n_cat = 1 + valid.sum(axis=1)
    mask = np.arange(m + 1)[None, :] < n_cat[:, None]
    out = np.where(mask[None], out, -np.inf)
    return np.asarray(out)


def _gpcm_log_probabilities(theta: FloatArray, bank: ItemBank) -> FloatArray:
    """GPCM (Muraki 1992): ``log P_k = z_k - logsumexp(z)``, ``z_k = k a theta + sum_{v<=k} d_v``;
    (n_theta, n_items, max_categories), -inf for categories an item does not have."""
    d = bank.intercepts
    valid = ~np.isnan(d)
    n_items, m = d.shape
    k = np.arange(m + 1)
    cum = np.concatenate([np.zeros((n_items, 1)), np.cumsum(np.where(valid, d, 0.0), axis=1)], 1)
    has = np.concatenate([np.ones((n_items, 1), dtype=bool), valid], axis=1)
    z = theta[:, None, None] * bank.discrimination[None, :, None] * k[None, None, :] + cum[None]
    z = np.where(has[None], z, -np.inf)
    top = z.max(axis=2, keepdims=True)
    return np.asarray(z - top - np.log(np.exp(z - top).sum(axis=2, keepdims=True)))


def _guessing_rows(bank: ItemBank) -> NDArray[np.int64]:
    """Two-category items with a lower asymptote in a polytomous bank (3PL beside GPCM)."""
    return np.flatnonzero((bank.n_categories == 2) & (bank.guessing > 0))


def _with_guessing_rows(log_p: FloatArray, theta: FloatArray, bank: ItemBank) -> FloatArray:
    """A mixed-format bank keeps its 3PL items 3PL: their two categories come from Birnbaum's
    model, not from the GPCM (which has no guessing)."""
    rows = _guessing_rows(bank)
    if rows.size:
        lp, lq = _dichotomous_log_pq(
            theta, bank.discrimination[rows], bank.intercepts[rows, 0], bank.guessing[rows]
        )
        log_p = log_p.copy()
        log_p[:, rows, 0], log_p[:, rows, 1] = lq, lp
    return log_p


def expected_score(
    theta: ArrayLike, bank: ItemBank, levels: Sequence[Sequence[float]] | None = None
) -> FloatArray:
    """Expected score of each item as a fraction of its top category, (n_theta, n_items):
    ``P(x=1)`` for a dichotomous item, ``E[x | theta] / (K - 1)`` for a polytomous one (its
    item characteristic curve on the 0..1 scale of the marks).

    levels: per item, the fraction of the mark each category stands for (ascending); the
        expected fraction is then ``sum_k P_k level_k``, for items whose categories are not
        evenly spaced from 0 (a numeric answer worth 0.1 beside the exact one: [0, 0.1, 1]; a
        single-choice item whose least option still earns half the mark: [0.5, 1]). An empty
        or a [0, 1] entry keeps the item's default."""
    if levels is None and bank.is_dichotomous:
        return probability(theta, bank)
    if levels is not None and len(levels) != bank.n_items:
        raise ValueError("levels needs one entry per item")
    t = np.atleast_1d(np.asarray(theta, dtype=float))
    if bank.is_dichotomous:
        out = probability(t, bank)
    else:
        p = np.exp(category_log_probabilities(t, bank))
        k = np.arange(p.shape[2])[None, None, :]
        top = (bank.n_categories - 1).astype(float)
        out = np.asarray((p * k).sum(axis=2) / top[None, :])
    uneven = [
        j
        for j, lv in enumerate(levels or ())
        if len(lv) >= 2 and not np.allclose(lv, np.linspace(0.0, lv[-1], len(lv)))
    ]
    if uneven and levels is not None:
        p = np.exp(category_log_probabilities(t, bank.subset(uneven)))
        for col, j in enumerate(uneven):
            fractions = np.asarray(levels[j], dtype=float)
            out[:, j] = p[:, col, : fractions.size] @ fractions
    for j, lv in enumerate(levels or ()):
        if j not in uneven and len(lv) >= 2 and lv[-1] < 1.0:
            out[:, j] *= lv[-1]  # a top category worth less than the whole mark
    return out


def item_information(theta: ArrayLike, bank: ItemBank) -> FloatArray:
    """Fisher information of each item at each theta, (n_theta, n_items).

    Dichotomous 3PL: ``I = P'^2 / (P Q)`` with ``P' = a (1 - c) s (1 - s)`` (Lord 1980, eq. 5-20),
    which reduces to ``a^2 P Q`` for the 2PL. Graded: ``I = sum_k P_k'^2 / P_k`` (Samejima 1969);
    GPCM: ``a^2 Var(x | theta)``.
    """
    t = np.atleast_1d(np.asarray(theta, dtype=float))
    a, c = bank.discrimination, bank.guessing
    if bank.is_dichotomous:
        eta = t[:, None] * a[None, :] + bank.intercept[None, :]
        s = _sigmoid(eta)
        # P'^2/(PQ) = a^2 (1-c)^2 s^2 (1-s)^2 / ((c + (1-c)s)(1-c)(1-s))
        #          = a^2 (1-c) s^2 (1-s) / (c + (1-c) s); s>0 always so no 0/0 when c=0.
        num = a[None, :] ** 2 * (1.0 - c[None, :]) * s * s * (1.0 - s)
        den = c[None, :] + (1.0 - c[None, :]) * s
        with np.errstate(invalid="ignore", divide="ignore"):
            info = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        return np.asarray(info)
    log_p = category_log_probabilities(t, bank)
    p = np.exp(log_p)
    if bank.is_gpcm:  # a^2 Var(x | theta) (Muraki 1993)
        k = np.arange(p.shape[2])[None, None, :]
        mean = (p * k).sum(axis=2)
        info = a[None, :] ** 2 * np.maximum((p * k * k).sum(axis=2) - mean**2, 0.0)
        rows = _guessing_rows(bank)
        if rows.size:  # 3PL items of a mixed bank: Lord's 3PL information
            three_pl = ItemBank(a[rows], bank.intercepts[rows, :1], c[rows])
            info[:, rows] = item_information(t, three_pl)
        return np.asarray(info)
    n_items, m = bank.intercepts.shape
    d = bank.intercepts
    valid = ~np.isnan(d)
    eta = t[:, None, None] * a[None, :, None] + np.where(valid, d, 0.0)[None]
    s = _sigmoid(eta)
    w = np.where(valid[None], s * (1.0 - s), 0.0)  # dP*_k/dtheta / a
    w_full = np.concatenate([np.zeros_like(w[..., :1]), w, np.zeros_like(w[..., :1])], axis=2)
    dp = a[None, :, None] * (w_full[..., :-1] - w_full[..., 1:])
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(p > 0, dp * dp / np.where(p > 0, p, 1.0), 0.0)
    return np.asarray(terms.sum(axis=2))


def test_information(
    theta: ArrayLike, bank: ItemBank, items: ArrayLike | None = None
) -> FloatArray:
    """Test information ``sum_j I_j(theta)`` over ``items`` (all by default); (n_theta,)."""
    info = item_information(theta, bank if items is None else bank.subset(items))
    return np.asarray(info.sum(axis=1))


def conditional_standard_error(
    theta: ArrayLike, bank: ItemBank, items: ArrayLike | None = None
) -> FloatArray:
    """Conditional standard error of measurement ``1 / sqrt(I(theta))`` (inf where I = 0)."""
    info = test_information(theta, bank, items)
    with np.errstate(divide="ignore"):
        return np.asarray(1.0 / np.sqrt(info))


# pytest collects module-level callables named test_*; this one is library code, not a test.
test_information.__test__ = False  # type: ignore[attr-defined]
