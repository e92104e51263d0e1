"""Fast assembly of a CAT shadow test: a greedy construction checked against the blueprint.

A shadow test (van der Linden & Reese 1998) only has to be a *feasible* completion of the
administered items that is good at the current theta: the next item is its best free item. A
0-1 program (``solve_assembly``, HiGHS) finds the optimum but costs several milliseconds even on
a restricted bank, and a CAT re-solves a few times per examinee. Blueprints of the kind a
qualification pack gives (minima and maxima per NOS / PC, marks, pairs of enemies) are met by
the obvious greedy almost always:

1. start from the administered items (they must be in);
2. for every constraint still short of its minimum, add its best allowed items that break no
   maximum or enemy group, until the minimum is met;
3. fill the rest of the length with the best allowed items that break nothing.

Because totals only grow, step 3 cannot undo step 2. The result is checked exactly (every row of
the blueprint, the length, forced and forbidden items); when the greedy gets stuck (a minimum it
cannot reach without breaking another row, which only a search can untangle) it returns None and
the caller falls back to the 0-1 program. So a shadow test from here always meets the same
constraints as one from the full solve, and the solve is only paid for in rare cases.

Everything is precomputed per (blueprint, bank size) in :class:`AssemblyTables`: the dense
constraint matrix transposed so that an item's column is one contiguous row, and the item
indices of every constraint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from .blueprint import Blueprint
from .models import FloatArray

__all__ = ["AssemblyTables", "assemble_greedy", "meets_blueprint", "swap_in"]

_EPS = 1e-9


@dataclass(frozen=True)
class AssemblyTables:
    """Per (blueprint, bank size) tables for :func:`assemble_greedy`.

    by_item: (n_items, n_rows) weight of each item in each row (length, constraints, enemies)
    lo / hi: (n_rows,) row bounds
    row_items: per row, the bank indices with a non-zero weight
    row_sets: the same as sets, for membership tests on a handful of items
    entries: per item, its (row, weight) pairs: adding an item touches only these rows, so the
        greedy checks ~5 numbers in plain Python instead of a vector over every row
    """

    length: int
    by_item: FloatArray
    lo: FloatArray
    hi: FloatArray
    row_items: tuple[NDArray[np.int64], ...]

    @cached_property
    def row_sets(self) -> tuple[frozenset[int], ...]:
        return tuple(frozenset(idx.tolist()) for idx in self.row_items)

    @cached_property
    def _entries(self) -> dict[int, tuple[tuple[int, float], ...]]:
        return {}

    def entries(self, item: int) -> tuple[tuple[int, float], ...]:
        """(row, weight) pairs of one item, memoised: the greedy looks at a few hundred items,
        so building them for the whole bank up front (per request, in delivery) would cost more
        than the assembly itself."""
        found = self._entries.get(item)
        if found is None:
            weights = self.by_item[item]
            rows = np.flatnonzero(weights)
            found = tuple(zip(rows.tolist(), weights[rows].tolist(), strict=True))
            self._entries[item] = found
        return found

    @classmethod
    def for_blueprint(cls, blueprint: Blueprint, n_items: int) -> AssemblyTables:
        key = ("assembly", n_items)
        cached = blueprint._cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        W, lo, hi = blueprint.dense_matrix(n_items)
        tables = cls(
            blueprint.length,
            np.ascontiguousarray(W.T),
            lo,
            hi,
            tuple(np.flatnonzero(row != 0) for row in W),
        )
        blueprint._cache[key] = tables
        return tables


def meets_blueprint(
    tables: AssemblyTables,
    items: NDArray[np.int64],
    forced: NDArray[np.int64],
    allowed: NDArray[np.bool_],
) -> bool:
    """A complete test of distinct items, with every forced item, only allowed items otherwise,
    and every row of the blueprint within its bounds."""
    if np.unique(items).size != items.size or items.size != tables.length:
        return False
    inside = np.zeros(allowed.size, dtype=bool)
    inside[items] = True
    if not inside[forced].all():
        return False
    free = inside.copy()
    free[forced] = False
    if not allowed[free].all():
        return False
    totals = tables.by_item[items].sum(axis=0)
    return bool(np.all(totals >= tables.lo - _EPS) and np.all(totals <= tables.hi + _EPS))


def _ordered(objective: FloatArray, idx: NDArray[np.int64]) -> list[int]:
    return idx[np.argsort(-objective[idx], kind="stable")].tolist()  # type: ignore[no-any-return]


def assemble_greedy(
    objective: FloatArray,
    tables: AssemblyTables,
    forced: Sequence[int] | NDArray[np.int64],
    allowed: NDArray[np.bool_],
) -> NDArray[np.int64] | None:
    """A shadow test (bank indices) meeting the blueprint, or None if the greedy got stuck.

    objective: (n_items,) weights to maximise (information, progressive weights ...)
    forced: items that must be in (administered)
    allowed: (n_items,) items that may be added (not excluded, eligible)
    """
    adm = np.asarray(forced, dtype=np.int64)
    lo, hi = tables.lo.tolist(), tables.hi.tolist()
    entries = tables.entries
    totals = [0.0] * len(lo)
    chosen: list[int] = []
    in_test: set[int] = set()
    for i in adm.tolist():
        if i in in_test:
            return None
        in_test.add(i)
        chosen.append(i)
        for r, w in entries(i):
            totals[r] += w
    if any(t > h + _EPS for t, h in zip(totals, hi, strict=True)):
        return None
    free = allowed.copy()
    free[adm] = False
    cand = np.flatnonzero(free)
    length = tables.length
    need = length - len(chosen)
    if need < 0 or cand.size < need:
        return None
    # The best few free items in order (argpartition, then a sort of those only); the rest of
    # the bank is ordered only if a row's minimum or the length cannot be met from them.
    k = min(cand.size, 4 * length + 16)
    top = cand[np.argpartition(-objective[cand], k - 1)[:k]] if k < cand.size else cand
    order = _ordered(objective, top)

    def fits(i: int) -> bool:
        return all(totals[r] + w <= hi[r] + _EPS for r, w in entries(i))

    def add(i: int) -> None:
        chosen.append(i)
        in_test.add(i)
        for r, w in entries(i):
            totals[r] += w

    for r in range(1, len(lo)):  # minima first (row 0 is the length)
        if totals[r] >= lo[r] - _EPS:
            continue
        members = tables.row_sets[r]
        in_row = [i for i in order if i in members]
        idx = tables.row_items[r]
        rest_of_row: list[int] | None = None
        pos = 0
        while totals[r] < lo[r] - _EPS:
            if pos == len(in_row):
                if rest_of_row is not None:
                    return None
                outside = idx[free[idx]]
                outside = outside[~np.isin(outside, top)]
                rest_of_row = _ordered(objective, outside)
                in_row += rest_of_row
                continue
            i = in_row[pos]
            pos += 1
            if i in in_test or not fits(i):
                continue
            if len(chosen) >= length:
                return None
            add(i)
    pos = 0
    extended = len(order) == cand.size
    while len(chosen) < length:
        if pos == len(order):
            if extended:
                return None
            order += _ordered(objective, cand[~np.isin(cand, top)])
            extended = True
            continue
        i = order[pos]
        pos += 1
        if i not in in_test and fits(i):
            add(i)
    if any(t < lo_r - _EPS for t, lo_r in zip(totals, lo, strict=True)):
        return None
    return np.asarray(chosen, dtype=np.int64)


def swap_in(
    tables: AssemblyTables,
    items: Sequence[int],
    free_ascending: Sequence[int],
    item: int,
) -> NDArray[np.int64] | None:
    """The shadow test with ``item`` in place of one of its free items, or None if no such
    swap keeps every row of the blueprint within its bounds.

    An incremental re-solve: when theta moves and an item outside the shadow test becomes the
    best one, a single feasible swap proves that a complete test holding it exists, for one
    small matrix check instead of an assembly over the bank.

    free_ascending: the shadow test's items not yet administered, worst first (the one given
        up is the worst whose removal breaks nothing)
    """
    if not len(free_ascending):
        return None
    by_item = tables.by_item
    totals = by_item[np.asarray(items, dtype=np.int64)].sum(axis=0)
    outs = np.asarray(free_ascending, dtype=np.int64)
    after = totals + by_item[item] - by_item[outs]  # (n_free, n_rows): each possible swap
    ok = np.all((after >= tables.lo - _EPS) & (after <= tables.hi + _EPS), axis=1)
    if not ok.any():
        return None
    out = int(outs[int(np.argmax(ok))])
    kept = [i for i in items if i != out]
    kept.append(int(item))
    return np.asarray(kept, dtype=np.int64)
