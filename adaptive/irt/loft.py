"""Linear-on-the-fly testing (LOFT): a unique fixed paper per candidate.

Each paper is a 0-1 program (van der Linden 2005; Stocking & Swanson 1993 for the overlap idea)
solved with ``scipy.optimize.milp``: it meets the blueprint exactly, maximises the information
at the target thetas (e.g. the pass cut) multiplied by a random factor per item (so papers
differ), and shares at most ``floor(max_overlap * length)`` items with every paper already issued
at the same centre: for each issued paper p, ``sum_{i in p} x_i <= cap``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .blueprint import Blueprint, solve_assembly
from .models import ItemBank, item_information

__all__ = ["assemble_paper", "pairwise_overlap"]


def assemble_paper(
    bank: ItemBank,
    blueprint: Blueprint,
    *,
    target_thetas: ArrayLike = (0.0,),
    issued_papers: Sequence[Sequence[int]] = (),
    max_overlap: float = 0.15,
    excluded: Sequence[int] = (),
    randomization: float = 0.5,
    rng: np.random.Generator | None = None,
    time_limit: float = 10.0,
) -> NDArray[np.int64]:
    """Assemble one paper (sorted bank indices) meeting ``blueprint`` exactly.

    target_thetas: (n_targets,) thetas where information is maximised (summed)
    issued_papers: papers already issued at this centre, each a sequence of bank indices
    max_overlap: cap on shared items / paper length against every issued paper
    excluded: items the candidate must not get (seen in an earlier attempt)
    randomization: item weights are information times U(1 - r, 1 + r)
    Raises :class:`~adaptive.irt.blueprint.BlueprintInfeasibleError` if no such paper exists.
    """
    gen = rng if rng is not None else np.random.default_rng()
    info = item_information(np.atleast_1d(np.asarray(target_thetas, dtype=float)), bank).sum(0)
    r = float(np.clip(randomization, 0.0, 1.0))
    weight = info * gen.uniform(1.0 - r, 1.0 + r, size=info.size)
    cap = int(np.floor(max_overlap * blueprint.length + 1e-9))
    caps = [(list(p), float(cap)) for p in issued_papers]
    return np.sort(
        solve_assembly(weight, blueprint, forbidden=excluded, caps=caps, time_limit=time_limit)
    )


def pairwise_overlap(papers: Sequence[Sequence[int]]) -> float:
    """Mean over pairs of papers of shared items / length of the shorter paper (0 if < 2)."""
    if len(papers) < 2:
        return 0.0
    n_items = 1 + max((max(p) for p in papers if len(p)), default=0)
    X = np.zeros((len(papers), n_items))
    for row, p in enumerate(papers):  # one row per paper to build the incidence matrix
        X[row, np.asarray(p, dtype=np.int64)] = 1.0
    shared = X @ X.T
    length = X.sum(axis=1)
    shorter = np.maximum(np.minimum(length[:, None], length[None, :]), 1.0)
    iu = np.triu_indices(len(papers), k=1)
    return float(np.mean(shared[iu] / shorter[iu]))
