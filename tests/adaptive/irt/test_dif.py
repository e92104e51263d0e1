"""Mantel-Haenszel DIF (Holland & Thayer 1988) with the ETS A/B/C categories."""

from __future__ import annotations

import numpy as np
import pytest

from adaptive.irt import ItemBank, mantel_haenszel

from .helpers import simulate


def _table_persons(stratum_tables: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, list]:
    """Persons whose matching score puts them in stratum k with the given 2 x 2 counts
    (reference right, reference wrong, focal right, focal wrong) on item 0. The other items
    make up the score: stratum k = k + 1 other items right."""
    rows, groups = [], []
    n_other = len(stratum_tables) + 1
    for k, (a, b, c, d) in enumerate(stratum_tables):
        for right, group, count in ((1, "R", a), (0, "R", b), (1, "F", c), (0, "F", d)):
            for _ in range(count):
                # total score = right + (k + 1 - right) = k + 1 whatever the studied item
                others = [1] * (k + 1 - right) + [0] * (n_other - (k + 1 - right))
                rows.append([right, *others])
                groups.append(group)
    return np.array(rows, dtype=float), groups


def test_common_odds_ratio_and_chi_square_match_the_hand_computed_values():
    tables = [(30, 10, 20, 20), (40, 20, 25, 15)]
    y, groups = _table_persons(tables)
    res = mantel_haenszel(y, groups, focal="F", reference="R", purify=False)
    # alpha = (30*20/80 + 40*15/100) / (10*20/80 + 20*25/100) = (7.5 + 6) / (2.5 + 5) = 1.8
    assert np.exp(res.log_odds_ratio[0]) == pytest.approx(1.8)
    assert res.delta[0] == pytest.approx(-2.35 * np.log(1.8))
    # sum A = 70; E(A) = 40*50/80 + 60*65/100 = 25 + 39 = 64;
    # Var = 40*40*50*30/(80^2*79) + 60*40*65*35/(100^2*99) = 4.7468 + 5.5152
    var = 40 * 40 * 50 * 30 / (80**2 * 79) + 60 * 40 * 65 * 35 / (100**2 * 99)
    assert res.chi_square[0] == pytest.approx((abs(70 - 64) - 0.5) ** 2 / var)


def test_dif_is_recovered_on_simulated_data_and_impact_is_not_mistaken_for_it():
    """Rasch items, focal group half an sd lower (impact, not DIF); items 0 and 1 harder for the
    focal group by 0.5 and 1.2 logits: ln alpha_MH estimates that shift."""
    rng = np.random.default_rng(1)
    b = rng.normal(0, 1, 20)
    b_focal = b.copy()
    b_focal[0] += 0.5
    b_focal[1] += 1.2
    y = np.vstack(
        [
            simulate(rng, ItemBank.from_irt(np.ones(20), b), rng.normal(0, 1, 3000)),
            simulate(rng, ItemBank.from_irt(np.ones(20), b_focal), rng.normal(-0.5, 1, 3000)),
        ]
    )
    groups = ["en"] * 3000 + ["hi"] * 3000
    res = mantel_haenszel(y, groups, focal="hi")
    assert res.log_odds_ratio[0] == pytest.approx(0.5, abs=3 * res.standard_error[0])
    assert res.log_odds_ratio[1] == pytest.approx(1.2, abs=3 * res.standard_error[1])
    assert res.category[0] in ("B", "C") and res.category[1] == "C"
    assert sum(c != "A" for c in res.category[2:]) <= 1
    assert np.all(np.abs(res.log_odds_ratio[2:]) < 0.25)
    assert (res.focal, res.reference) == ("hi", "rest")


def test_several_groups_compare_a_named_focal_with_a_named_reference():
    rng = np.random.default_rng(2)
    bank = ItemBank.from_irt(np.ones(10), rng.normal(0, 1, 10))
    y = simulate(rng, bank, rng.normal(0, 1, 1500))
    centres = np.array(["C1", "C2", "C3"])[rng.integers(0, 3, 1500)]
    res = mantel_haenszel(y, centres, focal="C2", reference="C1")
    assert res.reference == "C1" and len(res.category) == 10
    assert all(np.isfinite(res.log_odds_ratio))


def test_missing_cells_and_empty_groups_are_refused():
    y = np.array([[1, 0], [0, 1], [1, 1]], dtype=float)
    with pytest.raises(ValueError, match="both"):
        mantel_haenszel(y, ["a", "a", "a"], focal="b")
    y[0, 0] = np.nan
    with pytest.raises(ValueError, match="complete"):
        mantel_haenszel(y, ["a", "b", "a"], focal="b")


def test_dif_on_adaptive_like_sparse_data_matches_on_ability_strata():
    """60 % of the cells empty (as in CAT/LOFT data): persons matched on bands of their EAP on
    the bank's scale; the DIF item is found, impact (focal 0.5 lower) is not taken for DIF."""
    from adaptive.irt import estimate_ability

    rng = np.random.default_rng(4)
    b = rng.normal(0, 1, 30)
    b_focal = b.copy()
    b_focal[0] += 1.0
    bank = ItemBank.from_irt(np.ones(30), b)
    y = np.vstack(
        [
            simulate(rng, bank, rng.normal(0, 1, 4000)),
            simulate(rng, ItemBank.from_irt(np.ones(30), b_focal), rng.normal(-0.5, 1, 4000)),
        ]
    )
    y[rng.random(y.shape) < 0.6] = np.nan
    groups = ["en"] * 4000 + ["hi"] * 4000
    theta = estimate_ability(y, bank, "eap").theta
    strata = np.digitize(theta, np.quantile(theta, np.linspace(0, 1, 21)[1:-1]))
    res = mantel_haenszel(y, groups, focal="hi", reference="en", strata=strata)
    assert res.log_odds_ratio[0] == pytest.approx(1.0, abs=0.3)
    assert res.category[0] == "C"
    assert sum(c != "A" for c in res.category[1:]) <= 2
    assert np.median(np.abs(res.log_odds_ratio[1:])) < 0.15
    with pytest.raises(ValueError, match="complete"):
        mantel_haenszel(y, groups, focal="hi")
    with pytest.raises(ValueError, match="strata"):
        mantel_haenszel(y, groups, focal="hi", strata=theta)
