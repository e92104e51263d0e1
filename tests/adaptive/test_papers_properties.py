"""Property tests of the QP blueprint: questions per PC and per NOS bracket the PC's share of the
theory marks, and a bank with enough questions per PC always yields a paper that meets it."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive.irt import ItemBank, assemble_paper, blueprint_violations
from adaptive.papers import AssessmentBank, PoolItem, blueprint_build, blueprint_shortfalls

pcs_strategy = st.lists(
    st.tuples(
        st.integers(0, 3),  # NOS
        st.floats(0.5, 10.0, allow_nan=False),  # theory marks
        st.integers(1, 6),  # questions in the bank
    ),
    min_size=1,
    max_size=12,
)


def bank_of(pcs) -> AssessmentBank:
    items, weight = [], {}
    total = sum(m for _, m, _ in pcs)
    for pc_id, (nos, marks, n) in enumerate(pcs):
        weight[pc_id] = marks / total
        items += [
            PoolItem(len(items) + k, len(items) + k, f"N{nos}", pc_id, f"PC{pc_id}")
            for k in range(n)
        ]
    nos_weight: dict[str, float] = {}
    for p in {(p.pc_id, p.nos_code) for p in items}:
        nos_weight[p[1]] = nos_weight.get(p[1], 0.0) + weight[p[0]]
    rng = np.random.default_rng(len(items))
    irt = ItemBank.from_irt(rng.uniform(0.7, 2.0, len(items)), rng.normal(0, 1, len(items)))
    return AssessmentBank(items, irt, weight, nos_weight, {k: k for k in nos_weight})


@settings(max_examples=200, deadline=None)
@given(pcs=pcs_strategy, share=st.floats(0.05, 1.0))
def test_bounds_bracket_each_pcs_share_and_a_paper_exists_when_the_bank_allows(pcs, share):
    bank = bank_of(pcs)
    length = max(1, int(share * len(bank.items)))
    blueprint = blueprint_build(bank, length=length)
    for c in blueprint.constraints:
        w = (
            bank.nos_weight[c.name]
            if c.name in bank.nos_weight
            else bank.pc_weight[int(c.name.split("PC")[1])]
        )
        assert c.minimum == math.floor(length * w + 1e-9)
        assert c.maximum == math.ceil(length * w - 1e-9)
    # Enough questions for every PC's upper bound: the paper must exist (rounding the shares
    # of a two-level hierarchy, PCs within NOS, is always possible: controlled rounding, Cox 1987).
    enough = all(
        n >= math.ceil(length * bank.pc_weight[k] - 1e-9) for k, (_, _, n) in enumerate(pcs)
    )
    if enough:
        assert blueprint_shortfalls(bank, blueprint) == []
        paper = assemble_paper(bank.irt, blueprint, rng=np.random.default_rng(0))
        assert len(paper) == length
        assert blueprint_violations(blueprint, paper) == []
