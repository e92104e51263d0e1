"""Blueprints (content constraints) and the 0-1 programs that assemble tests under them.

A :class:`Blueprint` is a test length plus a list of :class:`Constraint` s, each a set of bank
item indices (e.g. the items of one NOS, or of one performance criterion) with a minimum and a
maximum number of items - or of marks, when the constraint carries marks per item - and groups
of enemy items of which at most one may appear in a test.

:func:`solve_assembly` is the shared 0-1 linear program (van der Linden 2005, "Linear Models for
Optimal Test Design") solved with ``scipy.optimize.milp`` (HiGHS): maximise ``sum_i w_i x_i``
subject to the blueprint, with some items forced in (already administered) or out (excluded,
not eligible), and extra "at most k of this set" rows (overlap caps for unique papers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from .models import FloatArray

__all__ = [
    "Blueprint",
    "BlueprintInfeasibleError",
    "Constraint",
    "blueprint_violations",
    "solve_assembly",
]


class BlueprintInfeasibleError(ValueError):
    """No test of the blueprint's length satisfies its constraints with the given items."""


@dataclass(frozen=True)
class Constraint:
    """``minimum <= sum_{i in items} marks_i x_i <= maximum``.

    items: bank indices this constraint counts
    marks: per item in ``items`` (same order); None counts items (marks of 1)
    """

    items: tuple[int, ...]
    minimum: float = 0.0
    maximum: float = float("inf")
    marks: tuple[float, ...] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(int(i) for i in self.items))
        if self.marks is not None:
            object.__setattr__(self, "marks", tuple(float(m) for m in self.marks))
            if len(self.marks) != len(self.items):
                raise ValueError("marks must give one value per item")
        if self.minimum > self.maximum:
            raise ValueError(f"constraint {self.name!r}: minimum exceeds maximum")

    def weight_vector(self, n_items: int) -> FloatArray:
        w = np.zeros(n_items)
        w[list(self.items)] = 1.0 if self.marks is None else np.asarray(self.marks)
        return w


@dataclass(frozen=True)
class Blueprint:
    """Test length plus content constraints and enemy groups.

    length: number of items in a complete test (the shadow test / paper length)
    constraints: content constraints (per NOS, per PC, marks ...)
    enemies: groups of item indices of which at most one may be in a test
    """

    length: int
    constraints: tuple[Constraint, ...] = ()
    enemies: tuple[tuple[int, ...], ...] = field(default=())
    # Derived tables per bank size (the dense matrix here; the CAT's assembly tables too).
    _cache: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "constraints", tuple(self.constraints))
        object.__setattr__(
            self, "enemies", tuple(tuple(int(i) for i in g) for g in self.enemies if len(g) > 1)
        )

    def dense_matrix(self, n_items: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Rows (length, constraints..., enemy groups...) over all bank items, with bounds;
        (n_rows, n_items), (n_rows,), (n_rows,). Cached per bank size: a CAT consults it at
        every step."""
        cached = self._cache.get(n_items)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        rows: list[FloatArray] = [np.ones(n_items)]
        lo: list[float] = [float(self.length)]
        hi: list[float] = [float(self.length)]
        for c in self.constraints:
            rows.append(c.weight_vector(n_items))
            lo.append(c.minimum)
            hi.append(c.maximum)
        for g in self.enemies:
            w = np.zeros(n_items)
            w[list(g)] = 1.0
            rows.append(w)
            lo.append(0.0)
            hi.append(1.0)
        out = (np.vstack(rows), np.asarray(lo), np.asarray(hi))
        self._cache[n_items] = out
        return out

    def matrix(self, n_items: int) -> tuple[sp.csr_matrix, FloatArray, FloatArray]:
        """Sparse form of :meth:`dense_matrix` for the 0-1 programs."""
        W, lo, hi = self.dense_matrix(n_items)
        return sp.csr_matrix(W), lo, hi


def blueprint_violations(
    blueprint: Blueprint, items: Iterable[int], *, complete: bool = True
) -> list[str]:
    """Human-readable list of the constraints a test (bank indices) breaks; [] if it meets them.

    complete=False checks only the maxima and enemies (a test still in progress).
    """
    chosen = list(items)
    problems: list[str] = []
    if len(set(chosen)) != len(chosen):
        problems.append("an item appears twice")
    if complete and len(chosen) > blueprint.length:
        problems.append(f"length {len(chosen)} > {blueprint.length}")
    s = set(chosen)
    for k, c in enumerate(blueprint.constraints):
        marks = c.marks if c.marks is not None else (1.0,) * len(c.items)
        total = sum(m for i, m in zip(c.items, marks, strict=True) if i in s)
        name = c.name or f"constraint {k}"
        if total > c.maximum + 1e-9:
            problems.append(f"{name}: {total:g} > maximum {c.maximum:g}")
        if complete and total < c.minimum - 1e-9:
            problems.append(f"{name}: {total:g} < minimum {c.minimum:g}")
    for g in blueprint.enemies:
        if len(s.intersection(g)) > 1:
            problems.append(f"enemies together: {sorted(s.intersection(g))}")
    return problems


def solve_assembly(
    objective: ArrayLike,
    blueprint: Blueprint,
    *,
    forced: Sequence[int] | NDArray[np.int64] = (),
    forbidden: Sequence[int] | NDArray[np.int64] = (),
    candidates: ArrayLike | None = None,
    caps: Sequence[tuple[Sequence[int], float]] = (),
    time_limit: float = 10.0,
    relative_gap: float = 1e-4,
) -> NDArray[np.int64]:
    """Maximise ``objective @ x`` over 0-1 ``x`` meeting the blueprint; returns chosen indices.

    objective: (n_items,) float array (e.g. information at the current theta)
    forced: items that must be in (already administered)
    forbidden: items that must be out (excluded, ineligible)
    candidates: restrict the program to these items (plus ``forced``) for speed
    caps: extra ``sum_{i in set} x_i <= k`` rows (overlap with issued papers)
    relative_gap: stop branch-and-bound within this fraction of the optimum
    Raises :class:`BlueprintInfeasibleError` when no such test exists.
    """
    w = np.asarray(objective, dtype=float)
    n_items = w.size
    if candidates is None:
        var = np.arange(n_items)
    else:
        var = np.union1d(np.asarray(candidates, dtype=np.int64), np.asarray(forced, dtype=np.int64))
    A_full, lo, hi = blueprint.matrix(n_items)
    A = A_full[:, var]
    cap_rows = []
    for items, k in caps:
        r = np.zeros(n_items)
        r[list(items)] = 1.0
        cap_rows.append(r[var])
        lo = np.append(lo, 0.0)
        hi = np.append(hi, float(k))
    if cap_rows:
        A = sp.vstack([A, sp.csr_matrix(np.vstack(cap_rows))]).tocsr()
    lb = np.zeros(var.size)
    ub = np.ones(var.size)
    pos = {int(v): k for k, v in enumerate(var)}
    for i in forbidden:
        if int(i) in pos:
            ub[pos[int(i)]] = 0.0
    for i in forced:
        lb[pos[int(i)]] = 1.0
        ub[pos[int(i)]] = 1.0
    # Rows that touch no variable can only be met if their bounds allow 0.
    empty = np.asarray(np.abs(A).sum(axis=1)).ravel() == 0
    if np.any(empty & ((lo > 1e-9) | (hi < -1e-9))):
        raise BlueprintInfeasibleError("a constraint has no candidate items")
    res = milp(
        c=-w[var],
        integrality=np.ones(var.size),
        bounds=Bounds(lb, ub),
        constraints=LinearConstraint(A, lo, hi),
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": relative_gap},
    )
    if res.x is None or res.status not in (0, 1):
        raise BlueprintInfeasibleError(res.message)
    return np.asarray(var[np.flatnonzero(res.x > 0.5)], dtype=np.int64)
