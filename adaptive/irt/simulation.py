"""Simulation studies (catsim-style): synthetic banks with content areas, CAT and LOFT runs.

A synthetic bank has ``n_nos`` content areas (NOS), each split into performance criteria (PC);
every item belongs to one NOS and one PC and carries 1 or 2 marks. The CAT blueprint bounds the
items per NOS and per PC and the marks per NOS, and declares a few enemy pairs; the LOFT
blueprint asks for exactly ``per_slot`` items from each NOS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .blueprint import Blueprint, Constraint, blueprint_violations
from .cat import CatSession, ExposureControl, PreparedBank, StoppingRule
from .loft import assemble_paper, pairwise_overlap
from .models import FloatArray, ItemBank, probability
from .scoring import estimate_ability

__all__ = [
    "SyntheticBank",
    "cat_blueprint",
    "loft_blueprint",
    "simulate_cat",
    "simulate_loft",
    "synthetic_bank",
]


@dataclass(frozen=True)
class SyntheticBank:
    """bank plus per-item content labels: nos, pc (n_items,) int arrays; marks (n_items,)."""

    bank: ItemBank
    nos: NDArray[np.int64]
    pc: NDArray[np.int64]
    marks: FloatArray

    @property
    def n_nos(self) -> int:
        return int(self.nos.max()) + 1


def synthetic_bank(
    n_items: int,
    *,
    n_nos: int = 5,
    pcs_per_nos: int = 3,
    model: str = "2pl",
    rng: np.random.Generator | None = None,
) -> SyntheticBank:
    """Items with a ~ lognormal(0.2, 0.3), b ~ N(0, 1.2) (c ~ U(0.1, 0.25) for 3PL)."""
    gen = rng if rng is not None else np.random.default_rng()
    a = np.exp(gen.normal(0.2, 0.3, n_items))
    b = gen.normal(0.0, 1.2, n_items)
    c = gen.uniform(0.1, 0.25, n_items) if model == "3pl" else None
    nos = np.arange(n_items) % n_nos
    pc = nos * pcs_per_nos + gen.integers(0, pcs_per_nos, n_items)
    marks = gen.choice([1.0, 2.0], size=n_items, p=[0.7, 0.3])
    return SyntheticBank(ItemBank.from_irt(a, b, c), nos, pc, marks)


def cat_blueprint(
    sb: SyntheticBank, length: int, *, enemy_pairs: int = 20, rng: np.random.Generator | None = None
) -> Blueprint:
    """Per NOS: at least ``length // (3 n_nos)`` items and at most ``length // n_nos + 2``, at
    least as many marks as its minimum items; per PC at most ``max(2, length // 4)``; random enemy
    pairs."""
    gen = rng if rng is not None else np.random.default_rng(0)
    n_nos = sb.n_nos
    lo = max(1, length // (3 * n_nos))
    hi = length // n_nos + 2
    cons: list[Constraint] = []
    for k in range(n_nos):
        idx = tuple(int(i) for i in np.flatnonzero(sb.nos == k))
        cons.append(Constraint(idx, lo, hi, name=f"NOS{k} items"))
        cons.append(
            Constraint(
                idx, lo, float("inf"), marks=tuple(sb.marks[list(idx)]), name=f"NOS{k} marks"
            )
        )
    for p in np.unique(sb.pc):
        idx = tuple(int(i) for i in np.flatnonzero(sb.pc == p))
        cons.append(Constraint(idx, 0, max(2, length // 4), name=f"PC{p}"))
    n = sb.bank.n_items
    pairs = [tuple(int(i) for i in gen.choice(n, 2, replace=False)) for _ in range(enemy_pairs)]
    return Blueprint(length, tuple(cons), tuple(pairs))


def loft_blueprint(sb: SyntheticBank, per_slot: int) -> Blueprint:
    """Exactly ``per_slot`` items from each NOS."""
    cons = tuple(
        Constraint(
            tuple(int(i) for i in np.flatnonzero(sb.nos == k)), per_slot, per_slot, name=f"NOS{k}"
        )
        for k in range(sb.n_nos)
    )
    return Blueprint(per_slot * sb.n_nos, cons)


def simulate_cat(
    sb: SyntheticBank,
    blueprint: Blueprint,
    thetas: FloatArray,
    *,
    stopping: StoppingRule,
    exposure: ExposureControl | None = None,
    method: str = "fisher",
    rng: np.random.Generator | None = None,
) -> dict[str, Any]:
    """Run one CAT per true theta; returns the study's summary and per-examinee tests."""
    gen = rng if rng is not None else np.random.default_rng()
    prep = PreparedBank.from_bank(sb.bank)
    tests: list[list[int]] = []
    est = np.zeros(thetas.size)
    ses = np.zeros(thetas.size)
    step_times: list[float] = []
    met = True
    for k, theta in enumerate(thetas):  # examinees are sequential: exposure is shared state
        sess = CatSession(
            prep,
            blueprint,
            stopping=stopping,
            exposure=exposure,
            rng=gen,
            method=method,  # type: ignore[arg-type]
        )
        while True:
            t0 = time.perf_counter()
            item = sess.next_item()
            step_times.append(time.perf_counter() - t0)
            if item is None:
                break
            p = probability([theta], sb.bank.subset([item]))[0, 0]
            t0 = time.perf_counter()
            sess.record(item, float(gen.random() < p))
            step_times[-1] += time.perf_counter() - t0
        tests.append(sess.administered)
        est[k], ses[k] = sess.theta, sess.standard_error
        met = met and not blueprint_violations(blueprint, sess.administered)
    counts = np.zeros(sb.bank.n_items)
    for t in tests:
        counts[t] += 1
    err = est - thetas
    return {
        "rmse": float(np.sqrt(np.mean(err**2))),
        "bias": float(np.mean(err)),
        "mean_length": float(np.mean([len(t) for t in tests])),
        "mean_se": float(np.mean(ses)),
        "max_exposure": float(counts.max() / thetas.size),
        "unused_items": int(np.sum(counts == 0)),
        "bank_used": float(np.mean(counts > 0)),
        "mean_overlap": pairwise_overlap(tests),
        "blueprint_met": bool(met),
        "median_step_ms": float(np.median(step_times) * 1e3),
        "mean_step_ms": float(np.mean(step_times) * 1e3),
        "tests": tests,
        "exposure_counts": counts,
    }


def fixed_form_rmse(
    sb: SyntheticBank,
    length: int,
    thetas: FloatArray,
    rng: np.random.Generator,
    *,
    kind: str = "best",
    replications: int = 4,
) -> float:
    """RMSE of EAP scores on fixed forms of ``length`` items with the NOS spread evenly.

    ``kind="best"``: one optimised paper, the items most informative over theta = -1, 0, 1 (the
    strongest fixed form the bank allows, ignoring exposure); ``"random"``: a typical
    hand-assembled paper, random items of each NOS, a fresh one per examinee, so the figure is
    the expected RMSE of such papers rather than that of one lucky or unlucky draw. Responses
    are drawn ``replications`` times per theta to keep the Monte Carlo error of the RMSE small
    next to the differences it is used to detect.
    """
    per = max(1, length // sb.n_nos)
    t = np.repeat(np.asarray(thetas, dtype=float), replications)
    if kind == "best":
        bp = loft_blueprint(sb, per)
        paper = assemble_paper(
            sb.bank, bp, target_thetas=(-1.0, 0.0, 1.0), randomization=0.0, rng=rng
        )
        sub = sb.bank.subset(paper)
        y = (rng.random((t.size, paper.size)) < probability(t, sub)).astype(float)
        est = estimate_ability(y, sub, "eap").theta
    else:
        # A random key per (examinee, item); within each NOS the ``per`` smallest keys are that
        # examinee's items: one random paper per examinee without a Python loop over them.
        keys = rng.random((t.size, sb.bank.n_items))
        given = np.zeros_like(keys, dtype=bool)
        for k in range(sb.n_nos):  # a handful of NOS
            cols = np.flatnonzero(sb.nos == k)
            pick = np.argpartition(keys[:, cols], per - 1, axis=1)[:, :per]
            chosen = np.zeros((t.size, cols.size), dtype=bool)
            np.put_along_axis(chosen, pick, True, axis=1)
            given[:, cols] = chosen
        y = (rng.random(keys.shape) < probability(t, sb.bank)).astype(float)
        est = estimate_ability(np.where(given, y, np.nan), sb.bank, "eap").theta
    return float(np.sqrt(np.mean((est - t) ** 2)))


def equal_rmse_fixed_length(
    sb: SyntheticBank,
    target_rmse: float,
    thetas: FloatArray,
    rng: np.random.Generator,
    *,
    kind: str = "best",
    max_length: int = 200,
) -> int | None:
    """Shortest fixed form (lengths in steps of the number of NOS) whose RMSE is no worse than
    ``target_rmse``; None if none up to ``max_length``."""
    length = sb.n_nos
    while length <= min(max_length, sb.bank.n_items // 2):
        if fixed_form_rmse(sb, length, thetas, rng, kind=kind) <= target_rmse:
            return length
        length += sb.n_nos
    return None


def simulate_loft(
    sb: SyntheticBank,
    *,
    per_slot: int,
    n_papers: int,
    max_overlap: float = 0.15,
    cut: float = 0.0,
    rng: np.random.Generator | None = None,
) -> dict[str, Any]:
    """Issue ``n_papers`` unique papers at one centre; summary of overlap and blueprint."""
    gen = rng if rng is not None else np.random.default_rng()
    bp = loft_blueprint(sb, per_slot)
    papers: list[list[int]] = []
    t0 = time.perf_counter()
    for _ in range(n_papers):
        p = assemble_paper(
            sb.bank,
            bp,
            target_thetas=(cut,),
            issued_papers=papers,
            max_overlap=max_overlap,
            rng=gen,
        )
        papers.append([int(i) for i in p])
    elapsed = time.perf_counter() - t0
    from .models import test_information

    info = [float(test_information([cut], sb.bank, p)[0]) for p in papers]
    overlaps = [
        len(set(papers[i]) & set(papers[j])) / bp.length
        for i in range(len(papers))
        for j in range(i + 1, len(papers))
    ]
    return {
        "papers": len(papers),
        "length": bp.length,
        "mean_overlap": pairwise_overlap(papers),
        "max_overlap": float(max(overlaps)) if overlaps else 0.0,
        "blueprint_met": all(not blueprint_violations(bp, p) for p in papers),
        "mean_information_at_cut": float(np.mean(info)),
        "mean_ms_per_paper": elapsed / max(n_papers, 1) * 1e3,
        "paper_list": papers,
    }
