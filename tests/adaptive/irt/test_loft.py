import numpy as np

from adaptive.irt import assemble_paper, blueprint_violations, pairwise_overlap
from adaptive.irt.simulation import loft_blueprint, simulate_loft, synthetic_bank


def test_unique_papers_meet_the_blueprint_and_respect_the_overlap_cap():
    rng = np.random.default_rng(60)
    sb = synthetic_bank(20 * 6, n_nos=6, rng=rng)  # 20 items per blueprint slot
    res = simulate_loft(sb, per_slot=2, n_papers=12, max_overlap=0.15, rng=rng)
    assert res["blueprint_met"]
    assert res["max_overlap"] <= 0.15 + 1e-9
    assert res["mean_overlap"] <= 0.15


def test_paper_is_informative_at_the_cut_and_excludes_seen_items():
    rng = np.random.default_rng(61)
    sb = synthetic_bank(200, n_nos=5, rng=rng)
    bp = loft_blueprint(sb, 3)
    seen = list(range(0, 200, 3))
    paper = assemble_paper(sb.bank, bp, target_thetas=[0.5], excluded=seen, rng=rng)
    assert blueprint_violations(bp, paper) == []
    assert not set(seen) & set(paper.tolist())
    best = assemble_paper(sb.bank, bp, target_thetas=[0.5], randomization=0.0, rng=rng)
    random_info = np.mean(
        [sum(sb.bank.subset(rng.choice(200, 15, replace=False)).discrimination) for _ in range(20)]
    )
    assert sum(sb.bank.subset(best).discrimination) > random_info


def test_pairwise_overlap():
    assert pairwise_overlap([[1, 2, 3, 4], [3, 4, 5, 6], [7, 8, 9, 10]]) == (0.5 + 0 + 0) / 3
    assert pairwise_overlap([[1, 2]]) == 0.0
