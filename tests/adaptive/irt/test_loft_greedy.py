"""The fast LOFT assembly: whatever the greedy returns meets every constraint the 0-1 program
would (blueprint, enemies, overlap caps, exclusions), and when it is stuck the 0-1 program
still decides, checked against every possible paper of a small bank."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive.irt import (
    Blueprint,
    BlueprintInfeasibleError,
    Constraint,
    ItemBank,
    assemble_paper,
    blueprint_violations,
)
from adaptive.irt.loft import assemble_paper_fast, assemble_paper_greedy, overlap_cap
from adaptive.irt.simulation import loft_blueprint, synthetic_bank


def _valid(paper, blueprint, issued, cap, excluded) -> bool:
    items = [int(i) for i in paper]
    return (
        len(items) == blueprint.length
        and items == sorted(set(items))
        and not blueprint_violations(blueprint, items)
        and not set(items) & set(excluded)
        and all(len(set(items) & set(p)) <= cap for p in issued)
    )


@st.composite
def loft_problems(draw):
    """A bank split into PCs (as ``adaptive.papers.blueprint_build`` does: floor / ceil of a
    share of the length per PC, grouped in NOS), enemies, papers issued, a cap, exclusions."""
    n = draw(st.integers(6, 12))
    length = draw(st.integers(2, min(5, n - 1)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_pcs = draw(st.integers(1, 4))
    pc_of = rng.integers(0, n_pcs, n)
    share = rng.dirichlet(np.ones(n_pcs))
    nos_of_pc = rng.integers(0, 2, n_pcs)
    constraints = []
    for pc in range(n_pcs):
        idx = tuple(np.flatnonzero(pc_of == pc).tolist())
        if idx:
            lo, hi = np.floor(length * share[pc]), np.ceil(length * share[pc])
            constraints.append(Constraint(idx, minimum=lo, maximum=hi, name=f"PC{pc}"))
    for nos in (0, 1):
        idx = tuple(np.flatnonzero(nos_of_pc[pc_of] == nos).tolist())
        w = share[nos_of_pc == nos].sum()
        if idx:
            constraints.append(
                Constraint(idx, minimum=np.floor(length * w), maximum=np.ceil(length * w))
            )
    enemies = tuple(
        tuple(rng.choice(n, 2, replace=False).tolist()) for _ in range(draw(st.integers(0, 2)))
    )
    blueprint = Blueprint(length, tuple(constraints), enemies)
    issued = [
        sorted(rng.choice(n, length, replace=False).tolist())
        for _ in range(draw(st.integers(0, 6)))
    ]
    cap = draw(st.integers(0, length))
    excluded = sorted(rng.choice(n, draw(st.integers(0, 3)), replace=False).tolist())
    bank = ItemBank.from_irt(np.exp(rng.normal(0, 0.3, n)), rng.normal(0, 1, n))
    return bank, blueprint, issued, cap, excluded, rng


def _exists(blueprint, n, issued, cap, excluded) -> bool:
    return any(
        _valid(list(c), blueprint, issued, cap, excluded)
        for c in combinations(range(n), blueprint.length)
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loft_problems())
def test_what_the_greedy_returns_meets_every_constraint(problem):
    bank, blueprint, issued, cap, excluded, rng = problem
    weight = rng.uniform(0.1, 2.0, bank.n_items)
    paper = assemble_paper_greedy(
        weight, blueprint, issued_papers=issued, cap=cap, excluded=excluded
    )
    if paper is not None:
        assert _valid(paper, blueprint, issued, cap, excluded)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loft_problems())
def test_a_paper_comes_exactly_when_one_exists(problem):
    bank, blueprint, issued, cap, excluded, rng = problem
    exists = _exists(blueprint, bank.n_items, issued, cap, excluded)
    max_overlap = cap / blueprint.length
    try:
        paper = assemble_paper(
            bank, blueprint, issued_papers=issued, max_overlap=max_overlap, excluded=excluded,
            rng=rng,
        )  # fmt: skip
    except BlueprintInfeasibleError:
        assert not exists
        return
    assert overlap_cap(max_overlap, blueprint.length) == cap
    assert _valid(paper, blueprint, issued, cap, excluded)


def test_when_the_greedy_is_stuck_the_program_finds_the_paper():
    # Item 0 is the most informative and in both rows; taking it first leaves no second item
    # (1 breaks row A, 2 breaks row B), while {1, 2} meets both.
    bank = ItemBank.from_irt(np.array([3.0, 1.0, 1.0]), np.zeros(3))
    blueprint = Blueprint(
        2,
        (
            Constraint((0, 1), minimum=1, maximum=1, name="A"),
            Constraint((0, 2), minimum=1, maximum=1, name="B"),
        ),
    )
    weight = np.array([3.0, 1.0, 1.0])
    assert assemble_paper_greedy(weight, blueprint, cap=2) is None
    assert assemble_paper_fast(bank, blueprint, randomization=0.0) is None
    paper = assemble_paper(bank, blueprint, randomization=0.0)
    assert paper.tolist() == [1, 2]


def test_no_paper_at_all_is_refused():
    bank = ItemBank.from_irt(np.ones(4), np.zeros(4))
    blueprint = Blueprint(2, (Constraint((0, 1, 2, 3), minimum=0, maximum=1),))
    with pytest.raises(BlueprintInfeasibleError):
        assemble_paper(bank, blueprint)


def test_many_issued_papers_the_greedy_meets_the_cap_and_papers_differ():
    rng = np.random.default_rng(15)
    sb = synthetic_bank(200, n_nos=10, rng=rng)
    bp = loft_blueprint(sb, 2)  # 20 items; a 25 % cap lets 5 items be shared
    papers: list[list[int]] = []
    for _ in range(60):
        paper = assemble_paper_fast(sb.bank, bp, issued_papers=papers, max_overlap=0.25, rng=rng)
        assert paper is not None
        assert _valid(paper, bp, papers, 5, [])
        papers.append(paper.tolist())
    assert len({tuple(p) for p in papers}) == 60
