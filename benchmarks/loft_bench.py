"""LOFT paper assembly at one centre: milliseconds per paper as papers are issued.

A synthetic bank shaped like the demo bank (ASC/Q0202: 185 items in 6 NOS, 58 PCs of about 3
items, a 30-question paper taking 4-6 per NOS and at most one per PC) and the start's ladder of
overlap caps as ``adaptive.delivery`` climbs it: the greedy at each cap, the 0-1 program for a
short try at the assessment's own cap until a paper was raised. ``--milp`` times the 0-1
program alone (what every start paid before).

    .venv/bin/python benchmarks/loft_bench.py                 # 200 papers
    .venv/bin/python benchmarks/loft_bench.py --milp 30       # and the 0-1 program for 30
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np

from adaptive.irt import (
    Blueprint,
    BlueprintInfeasibleError,
    Constraint,
    ItemBank,
    assemble_paper,
    assemble_paper_fast,
    blueprint_violations,
    pairwise_overlap,
)

STEPS = (0.15, 0.25, 0.35, 0.5, 0.75, 1.0)


def demo_like(rng: np.random.Generator, n_items: int, n_nos: int, pc_size: int, length: int):
    """Bank and blueprint of the demo's shape: per NOS floor / ceil of its share of the length,
    per PC (``pc_size`` items) floor / ceil of its share."""
    nos = np.sort(rng.integers(0, n_nos, n_items))
    pc = np.arange(n_items) // pc_size
    cons = []
    for k in range(n_nos):
        idx = tuple(np.flatnonzero(nos == k).tolist())
        share = len(idx) / n_items * length
        cons.append(Constraint(idx, np.floor(share), np.ceil(share), name=f"NOS{k}"))
    for k in range(pc.max() + 1):
        idx = tuple(np.flatnonzero(pc == k).tolist())
        share = len(idx) / n_items * length
        cons.append(Constraint(idx, np.floor(share), np.ceil(share), name=f"PC{k}"))
    bank = ItemBank.from_irt(np.exp(rng.normal(0.0, 0.3, n_items)), rng.normal(0.0, 1.0, n_items))
    return bank, Blueprint(length, tuple(cons))


def paper_as_delivered(bank, blueprint, issued, latest_cap, own_cap, rng, solve_seconds):
    caps = [c for c in STEPS if c >= own_cap - 1e-9]
    for k, cap in enumerate(caps):
        papers = issued if cap < 1.0 else []
        kw = {"issued_papers": papers, "max_overlap": cap, "rng": rng}
        paper = assemble_paper_fast(bank, blueprint, **kw)
        if paper is None and k == 0 and latest_cap <= own_cap < 1.0:
            try:
                paper = assemble_paper(bank, blueprint, time_limit=solve_seconds, **kw)
            except BlueprintInfeasibleError:
                paper = None
        if paper is not None:
            return paper, cap
    raise SystemExit("no paper")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--items", type=int, default=185)
    parser.add_argument("--nos", type=int, default=6)
    parser.add_argument("--pc-size", type=int, default=3)
    parser.add_argument("--length", type=int, default=30)
    parser.add_argument("--max-overlap", type=float, default=0.15)
    parser.add_argument("--solve-seconds", type=float, default=0.25)
    parser.add_argument("--milp", type=int, default=0, help="also time the 0-1 program alone")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    bank, blueprint = demo_like(rng, args.items, args.nos, args.pc_size, args.length)
    issued: list[list[int]] = []
    ms: list[float] = []
    caps: list[float] = []
    for _ in range(args.papers):
        t0 = time.perf_counter()
        paper, cap = paper_as_delivered(
            bank,
            blueprint,
            issued,
            caps[-1] if caps else 0.0,
            args.max_overlap,
            rng,
            args.solve_seconds,
        )
        ms.append((time.perf_counter() - t0) * 1e3)
        assert not blueprint_violations(blueprint, paper)
        caps.append(cap)
        issued.append([int(i) for i in paper])
    t = np.asarray(ms)
    print(f"{args.papers} papers of {args.length} from {args.items} items:")
    for upto in (10, 50, 100, 200):
        if upto <= t.size:
            part = t[upto - 10 : upto] if upto > 10 else t[:upto]
            print(f"  papers {max(upto - 9, 1)}-{upto}: mean {part.mean():.1f} ms per paper")
    print(
        f"  all: mean {t.mean():.1f} ms, p50 {np.median(t):.1f}, p95 {np.percentile(t, 95):.1f},"
        f" max {t.max():.1f}; caps {sorted(Counter(caps).items())};"
        f" mean overlap {100 * pairwise_overlap(issued):.1f} %"
    )
    if args.milp:
        papers: list[list[int]] = []
        t_milp = []
        for _ in range(args.milp):
            t0 = time.perf_counter()
            for cap in STEPS:
                if cap < args.max_overlap:
                    continue
                try:
                    p = assemble_paper(
                        bank,
                        blueprint,
                        issued_papers=papers if cap < 1.0 else [],
                        max_overlap=cap,
                        rng=rng,
                        time_limit=10.0,
                    )
                except BlueprintInfeasibleError:
                    continue
                break
            t_milp.append((time.perf_counter() - t0) * 1e3)
            papers.append([int(i) for i in p])
        tm = np.asarray(t_milp)
        print(
            f"  0-1 program alone, {args.milp} papers: mean {tm.mean():.0f} ms,"
            f" last 10 {tm[-10:].mean():.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
