"""Differential item functioning between groups (language of the item, gender, centre, ...):
the Mantel-Haenszel procedure (Holland & Thayer 1988) with the ETS A/B/C classification.

Persons are matched on their number-correct score over the matching items (all items, the
studied one included, as Holland & Thayer recommend; with ``purify`` a second pass drops the
items flagged B or C from the matching score, Holland & Thayer's two-stage procedure). In each
score stratum k the studied item gives a 2 x 2 table, reference right/wrong ``A_k, B_k`` and focal
right/wrong ``C_k, D_k`` (``N_k`` persons):

* common odds ratio ``alpha_MH = sum_k A_k D_k / N_k / sum_k B_k C_k / N_k`` (> 1: the item
  favours the reference group at equal scores); ``MH D-DIF = -2.35 ln alpha_MH`` (ETS delta
  metric, negative = against the focal group);
* the variance of ``ln alpha_MH`` by Robins, Breslow & Greenland (1986);
* the continuity-corrected chi-square ``(|sum A_k - sum E(A_k)| - 0.5)^2 / sum Var(A_k)`` with
  ``E(A_k) = n_Rk m_1k / N_k``, ``Var(A_k) = n_Rk n_Fk m_1k m_0k / (N_k^2 (N_k - 1))``;
* ETS categories (Zwick 2012): C when ``|D-DIF| >= 1.5`` and significantly above 1 (one-sided
  5 %); A when ``|D-DIF| < 1`` or not significantly different from 0 (chi-square, 5 %); else B.

Strata where only one group is present carry no information and drop out of every sum.

Partial-credit (polytomous) items: Mantel's (1963) test for ordered responses, the
generalised Mantel-Haenszel statistic that ETS uses for polytomous DIF (Zwick, Donoghue &
Grima 1993; Zwick, Thayer & Mazzeo 1997), in ``mantel_ordinal``. In stratum k, with item
scores ``y_t`` (the fractions of the mark), ``F_k = sum_t y_t n_Ftk`` (the focal group's score
total), ``E(F_k) = n_Fk / N_k sum_t y_t n_tk`` and ``Var(F_k) = n_Rk n_Fk / (N_k^2 (N_k - 1))
(N_k sum_t y_t^2 n_tk - (sum_t y_t n_tk)^2)``; ``chi^2 = (sum F_k - sum E F_k)^2 / sum Var F_k``
with 1 df. Effect size: the standardized mean difference ``SMD = sum_k (n_Fk / n_F) (mean_Fk -
mean_Rk)`` (Dorans & Schmitt 1991; negative = lower scores for the focal group at equal
ability), divided by the item's score SD over both groups. ETS's polytomous categories (Zwick,
Thayer & Mazzeo 1997; reported here as "A", "B", "C" for AA, BB, CC): C when p < .05 and
``|SMD/SD| > .25``, A when p >= .05 or ``|SMD/SD| <= .17``, else B. For a 0/1 item the
statistic is the Mantel-Haenszel chi-square without the continuity correction.

Adaptive and LOFT data leave most cells empty, so no number-correct score is comparable between
persons. With ``strata`` the persons are matched on given strata instead (ability bands of an
estimate on the bank's scale: Zwick, Thayer & Wingersky 1994 matched CAT examinees on an IRT
ability estimate), and each item's tables hold the persons who answered it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import chi2, norm

from .models import FloatArray

__all__ = ["DifResult", "OrdinalDifResult", "mantel_haenszel", "mantel_ordinal"]


@dataclass(frozen=True)
class DifResult:
    """Per item, each (n_items,): ``log_odds_ratio`` (ln alpha_MH, nan when no stratum has both
    groups), ``standard_error`` of it, ``delta`` (MH D-DIF), ``chi_square`` and ``p_value``
    (1 df), ``category`` ("A", "B", "C"); ``focal``/``reference``: the groups compared."""

    log_odds_ratio: FloatArray
    standard_error: FloatArray
    delta: FloatArray
    chi_square: FloatArray
    p_value: FloatArray
    category: tuple[str, ...]
    focal: str
    reference: str


def _one_pass(
    y: FloatArray,
    is_ref: NDArray[np.bool_],
    is_foc: NDArray[np.bool_],
    matching: FloatArray,
    strata: NDArray[np.int64] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    j = y.shape[1]
    # Number-correct score over the matching items, or the given ability strata.
    score = strata if strata is not None else y[:, matching > 0].sum(axis=1).astype(np.int64)
    n_strata = int(score.max(initial=0)) + 1
    took = ~np.isnan(y)
    out = np.full((4, j), np.nan)
    for item in range(j):  # one bincount per cell per item: strata are rows of a table
        yi = y[:, item]
        ref, foc = is_ref & took[:, item], is_foc & took[:, item]

        def count(mask: NDArray[np.bool_], yi: FloatArray = yi) -> FloatArray:
            return np.bincount(score[mask], weights=yi[mask], minlength=n_strata).astype(float)

        n_r = np.bincount(score[ref], minlength=n_strata).astype(float)
        n_f = np.bincount(score[foc], minlength=n_strata).astype(float)
        a = count(ref)
        c = count(foc)
        b, d = n_r - a, n_f - c
        n = n_r + n_f
        keep = (n_r > 0) & (n_f > 0) & (n > 1)
        if not keep.any():
            continue
        a, b, c, d, n, n_r, n_f = (v[keep] for v in (a, b, c, d, n, n_r, n_f))
        r = a * d / n
        s = b * c / n
        sr, ss = r.sum(), s.sum()
        if sr <= 0 or ss <= 0:
            continue  # a zero cell margin: the odds ratio is 0 or infinite
        log_alpha = float(np.log(sr / ss))
        p_ = (a + d) / n
        q_ = (b + c) / n
        # Robins, Breslow & Greenland (1986)
        var = (
            np.sum(p_ * r) / (2 * sr**2)
            + np.sum(p_ * s + q_ * r) / (2 * sr * ss)
            + np.sum(q_ * s) / (2 * ss**2)
        )
        m1 = a + c
        m0 = b + d
        expected = n_r * m1 / n
        v_a = n_r * n_f * m1 * m0 / (n**2 * (n - 1))
        chi = (abs(a.sum() - expected.sum()) - 0.5) ** 2 / max(v_a.sum(), 1e-12)
        out[:, item] = (log_alpha, float(np.sqrt(var)), chi, 0.0)
    return out[0], out[1], out[2], out[3]


def _categories(delta: FloatArray, se_delta: FloatArray, p: FloatArray) -> tuple[str, ...]:
    cats = []
    z = norm.ppf(0.95)
    for dd, sd, pv in zip(delta, se_delta, p, strict=True):
        if not np.isfinite(dd):
            cats.append("A")
        elif abs(dd) >= 1.5 and (abs(dd) - 1.0) / sd > z:
            cats.append("C")
        elif abs(dd) < 1.0 or pv >= 0.05:
            cats.append("A")
        else:
            cats.append("B")
    return tuple(cats)


def mantel_haenszel(
    responses: ArrayLike,
    groups: ArrayLike,
    focal: object,
    reference: object | None = None,
    *,
    purify: bool = True,
    strata: ArrayLike | None = None,
) -> DifResult:
    """Mantel-Haenszel DIF of every item, focal group against a reference group.

    responses: (n_persons, n_items) 0/1 array; without ``strata``, no missing cells
    groups: (n_persons,) labels (language, gender, centre, ...)
    focal, reference: the labels compared; reference None = every person not in ``focal``
    purify: a second pass with the B/C items left out of the matching score (number-correct
        matching only)
    strata: (n_persons,) non-negative integer matching strata (ability bands) instead of the
        number-correct score; then nan cells (not presented) are allowed
    """
    y = np.asarray(responses, dtype=float)
    if strata is not None:
        k = np.asarray(strata)
        if k.shape != (y.shape[0],) or not np.issubdtype(k.dtype, np.integer) or (k < 0).any():
            raise ValueError("strata must be one non-negative integer per person")
        present = y[~np.isnan(y)]
        if y.ndim != 2 or not np.isin(present, (0.0, 1.0)).all():
            raise ValueError("Mantel-Haenszel DIF needs 0/1 responses (nan: not presented)")
    elif y.ndim != 2 or np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("Mantel-Haenszel DIF needs complete 0/1 responses")
    g = np.asarray(groups, dtype=object)
    if g.shape != (y.shape[0],):
        raise ValueError("groups must have one label per person")
    is_foc = g == focal
    is_ref = ~is_foc if reference is None else g == reference
    if not is_foc.any() or not is_ref.any():
        raise ValueError("both the focal and the reference group need persons")
    matching = np.ones(y.shape[1])
    given = None if strata is None else np.asarray(strata, dtype=np.int64)
    log_alpha, se, chi, _ = _one_pass(y, is_ref, is_foc, matching, given)
    with np.errstate(invalid="ignore"):
        p = chi2.sf(chi, 1)
    delta = -2.35 * log_alpha
    cats = _categories(delta, 2.35 * se, p)
    if purify and given is None and any(c != "A" for c in cats):
        flagged = np.array([c != "A" for c in cats])
        matching = (~flagged).astype(float)
        if matching.sum() >= 2:
            # Each studied item stays in its own matching score (Holland & Thayer 1988).
            log_alpha, se, chi = (np.full(y.shape[1], np.nan) for _ in range(3))
            for item in range(y.shape[1]):
                m = matching.copy()
                m[item] = 1.0
                la, s_, c_, _ = _one_pass(y, is_ref, is_foc, m)
                log_alpha[item], se[item], chi[item] = la[item], s_[item], c_[item]
            p = chi2.sf(chi, 1)
            delta = -2.35 * log_alpha
            cats = _categories(delta, 2.35 * se, p)
    return DifResult(
        log_odds_ratio=log_alpha,
        standard_error=se,
        delta=delta,
        chi_square=chi,
        p_value=p,
        category=cats,
        focal=str(focal),
        reference="rest" if reference is None else str(reference),
    )


@dataclass(frozen=True)
class OrdinalDifResult:
    """Per item, each (n_items,): ``smd`` (standardized mean difference in fractions of the
    mark, nan when no stratum has both groups), ``effect_size`` (SMD / the item's score SD),
    ``chi_square`` and ``p_value`` (Mantel 1963, 1 df), ``category`` ("A", "B", "C": ETS's
    AA, BB, CC); ``focal``/``reference``: the groups compared."""

    smd: FloatArray
    effect_size: FloatArray
    chi_square: FloatArray
    p_value: FloatArray
    category: tuple[str, ...]
    focal: str
    reference: str


def _ordinal_categories(effect: FloatArray, p: FloatArray) -> tuple[str, ...]:
    cats = []
    for es, pv in zip(effect, p, strict=True):
        if not np.isfinite(es) or not np.isfinite(pv) or pv >= 0.05 or abs(es) <= 0.17:
            cats.append("A")
        elif abs(es) > 0.25:
            cats.append("C")
        else:
            cats.append("B")
    return tuple(cats)


def mantel_ordinal(
    scores: ArrayLike,
    groups: ArrayLike,
    focal: object,
    reference: object | None = None,
    *,
    strata: ArrayLike | None = None,
) -> OrdinalDifResult:
    """Mantel's (1963) test and the standardized mean difference for every item, focal group
    against a reference group (see the module docstring); for partial-credit items.

    scores: (n_persons, n_items) float array of item scores (fractions of the mark, or
        category numbers), nan = not presented
    groups: (n_persons,) labels; focal, reference: the labels compared (reference None = the rest)
    strata: (n_persons,) non-negative integer matching strata (ability bands); None: the
        persons' total score over all items, rounded (complete data only)
    """
    y = np.asarray(scores, dtype=float)
    if y.ndim != 2:
        raise ValueError("scores must be a (persons, items) array")
    if strata is None:
        if np.isnan(y).any():
            raise ValueError("without strata, Mantel's test needs complete scores")
        k = np.rint(y.sum(axis=1) * 1000).astype(np.int64)
        k = np.unique(k, return_inverse=True)[1].reshape(-1).astype(np.int64)
    else:
        k = np.asarray(strata)
        if k.shape != (y.shape[0],) or not np.issubdtype(k.dtype, np.integer) or (k < 0).any():
            raise ValueError("strata must be one non-negative integer per person")
        k = k.astype(np.int64)
    g = np.asarray(groups, dtype=object)
    if g.shape != (y.shape[0],):
        raise ValueError("groups must have one label per person")
    is_foc = g == focal
    is_ref = ~is_foc if reference is None else g == reference
    if not is_foc.any() or not is_ref.any():
        raise ValueError("both the focal and the reference group need persons")
    n_items = y.shape[1]
    n_strata = int(k.max(initial=0)) + 1
    smd, effect, chi = (np.full(n_items, np.nan) for _ in range(3))
    for item in range(n_items):  # bincounts per item: strata are the rows of each table
        took = ~np.isnan(y[:, item])
        yi = np.nan_to_num(y[:, item])
        ref, foc = is_ref & took, is_foc & took

        def total(mask: NDArray[np.bool_], w: FloatArray | None = None) -> FloatArray:
            return np.bincount(k[mask], weights=None if w is None else w[mask],
                               minlength=n_strata).astype(float)  # fmt: skip

        n_r, n_f = total(ref), total(foc)
        s_r, s_f = total(ref, yi), total(foc, yi)
        q = total(ref, yi * yi) + total(foc, yi * yi)
        n = n_r + n_f
        keep = (n_r > 0) & (n_f > 0) & (n > 1)
        if not keep.any():
            continue
        n_r, n_f, s_r, s_f, q, n = (v[keep] for v in (n_r, n_f, s_r, s_f, q, n))
        s = s_r + s_f
        expected = n_f * s / n
        var = n_r * n_f * (n * q - s * s) / (n * n * (n - 1))
        if var.sum() > 1e-12:
            chi[item] = (s_f.sum() - expected.sum()) ** 2 / var.sum()
        smd[item] = float(np.sum(n_f / n_f.sum() * (s_f / n_f - s_r / n_r)))
        both = (ref | foc) & took
        sd = float(np.std(yi[both], ddof=1)) if both.sum() > 1 else 0.0
        effect[item] = smd[item] / sd if sd > 0 else np.nan
    with np.errstate(invalid="ignore"):
        p = chi2.sf(chi, 1)
    return OrdinalDifResult(
        smd=smd,
        effect_size=effect,
        chi_square=chi,
        p_value=p,
        category=_ordinal_categories(effect, p),
        focal=str(focal),
        reference="rest" if reference is None else str(reference),
    )
