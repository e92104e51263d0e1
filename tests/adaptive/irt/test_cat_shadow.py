"""The fast shadow test (greedy assembly, incremental swaps) against the full 0-1 program, and
the bank usage the exposure floor buys."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive.irt import (
    Blueprint,
    BlueprintInfeasibleError,
    CatSession,
    Constraint,
    ExposureControl,
    PreparedBank,
    ShadowTest,
    StoppingRule,
    blueprint_violations,
    probability,
)
from adaptive.irt.blueprint import solve_assembly
from adaptive.irt.cat import _solve_shadow
from adaptive.irt.shadow import AssemblyTables, assemble_greedy, meets_blueprint, swap_in
from adaptive.irt.simulation import cat_blueprint, simulate_cat, synthetic_bank


@st.composite
def assembly_problems(draw):
    """A small bank, a random blueprint (counts, marks, enemies), an objective, the items
    allowed, and an administered prefix taken from some feasible test when there is one."""
    n = draw(st.integers(8, 24))
    length = draw(st.integers(2, min(8, n - 2)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    cons = []
    for k in range(draw(st.integers(0, 4))):
        items = tuple(int(i) for i in rng.choice(n, int(rng.integers(2, n)), replace=False))
        lo = int(rng.integers(0, 3))
        hi = lo + int(rng.integers(0, 4))
        marks = tuple(float(m) for m in rng.choice([1.0, 2.0], len(items))) if k == 3 else None
        cons.append(Constraint(items, lo, hi, marks=marks, name=f"c{k}"))
    enemies = tuple(
        tuple(int(i) for i in rng.choice(n, 2, replace=False))
        for _ in range(draw(st.integers(0, 3)))
    )
    bp = Blueprint(length, tuple(cons), enemies)
    objective = rng.random(n)
    allowed = rng.random(n) < draw(st.floats(0.5, 1.0))
    try:
        full = solve_assembly(rng.random(n), bp)
        forced = rng.choice(full, int(rng.integers(0, length)), replace=False).astype(np.int64)
    except BlueprintInfeasibleError:
        forced = np.zeros(0, dtype=np.int64)
    allowed[forced] = True
    return bp, objective, allowed, forced


def _milp(bp, objective, allowed, forced):
    try:
        return solve_assembly(objective, bp, forced=forced, forbidden=np.flatnonzero(~allowed))
    except BlueprintInfeasibleError:
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assembly_problems())
def test_greedy_shadow_test_meets_exactly_what_the_full_solve_meets(problem):
    bp, objective, allowed, forced = problem
    tables = AssemblyTables.for_blueprint(bp, objective.size)
    greedy = assemble_greedy(objective, tables, forced, allowed)
    exact = _milp(bp, objective, allowed, forced)
    if exact is None:
        assert greedy is None  # never claims a test the blueprint does not allow
    if greedy is not None:
        assert meets_blueprint(tables, greedy, forced, allowed)
        assert blueprint_violations(bp, greedy.tolist()) == []
        assert set(forced.tolist()) <= set(greedy.tolist())
    # The CAT's solve (greedy, then the 0-1 program) finds a test whenever one exists.
    excluded = np.zeros(objective.size, dtype=bool)
    if exact is not None:
        shadow = _solve_shadow(objective, bp, forced, excluded, allowed)
        assert meets_blueprint(tables, shadow, forced, allowed)
        assert blueprint_violations(bp, shadow.tolist()) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assembly_problems(), st.integers(0, 2**16))
def test_a_swap_is_found_exactly_when_some_single_swap_meets_the_blueprint(problem, pick):
    bp, objective, allowed, forced = problem
    tables = AssemblyTables.for_blueprint(bp, objective.size)
    shadow = _milp(bp, objective, allowed, forced)
    if shadow is None:
        return
    free = [i for i in shadow.tolist() if i not in set(forced.tolist())]
    outside = [i for i in range(objective.size) if i not in set(shadow.tolist())]
    if not outside:
        return
    item = outside[pick % len(outside)]
    free_ascending = sorted(free, key=lambda i: objective[i])
    swapped = swap_in(tables, shadow.tolist(), free_ascending, item)
    # Brute force over every single swap.
    feasible = [
        out
        for out in free
        if not blueprint_violations(bp, [i for i in shadow.tolist() if i != out] + [item])
    ]
    if not feasible:
        assert swapped is None
    else:
        assert swapped is not None
        assert blueprint_violations(bp, swapped.tolist()) == []
        assert item in swapped.tolist() and set(forced.tolist()) <= set(swapped.tolist())
        # the worst free item whose removal breaks nothing is the one given up
        gone = set(shadow.tolist()) - set(swapped.tolist())
        assert gone == {min(feasible, key=lambda i: (objective[i], free_ascending.index(i)))}


@pytest.fixture(scope="module")
def setting():
    rng = np.random.default_rng(60)
    sb = synthetic_bank(400, n_nos=4, pcs_per_nos=3, rng=rng)
    bp = cat_blueprint(sb, 16, enemy_pairs=30, rng=rng)
    return sb, bp, PreparedBank.from_bank(sb.bank)


def test_every_intermediate_shadow_test_meets_the_blueprint_and_holds_the_given_items(setting):
    sb, bp, prep = setting
    rng = np.random.default_rng(61)
    exposure = ExposureControl(sb.bank.n_items, max_rate=0.2)
    swaps = solves = 0
    for theta in rng.normal(0, 1.2, 15):
        sess = CatSession(
            prep, bp, stopping=StoppingRule(se_target=None), exposure=exposure, rng=rng
        )
        while (item := sess.next_item()) is not None:
            shadow = sess.shadow
            assert shadow is not None and len(shadow.items) == bp.length
            assert blueprint_violations(bp, shadow.items.tolist()) == []
            assert set(sess.administered) | {item} <= set(shadow.items.tolist())
            p = probability([theta], prep.bank.subset([item]))[0, 0]
            sess.record(item, float(rng.random() < p))
        assert blueprint_violations(bp, sess.administered) == []
        swaps += sess.shadow.swaps
        solves += sess.shadow.solves
    assert swaps > solves  # the incremental path is the one mostly taken ...
    assert solves <= 2 * 15  # ... and the full assembly about once per examinee


def test_a_shadow_test_saved_by_the_earlier_code_still_continues(setting):
    """Attempts in progress hold a shadow test from the 0-1 program, stored as items, theta,
    progress, noise, ineligible items and solves (adaptive.delivery): it must load and go on."""
    sb, bp, prep = setting
    rng = np.random.default_rng(62)
    n = sb.bank.n_items
    noise = rng.random(n)
    administered = [int(i) for i in np.flatnonzero(sb.nos == 0)[:2]]
    objective = noise * prep.information[100]
    items = solve_assembly(objective, bp, forced=administered, relative_gap=0.01)
    stored = {
        "items": [int(i) for i in items],
        "theta": 0.0,
        "progress": 0.1,
        "noise": [float(x) for x in noise],
        "ineligible": [],
        "solves": 3,
    }
    eligible = np.ones(n, dtype=bool)
    eligible[np.asarray(stored["ineligible"], dtype=np.int64)] = False
    sess = CatSession(prep, bp, stopping=StoppingRule(se_target=None), rng=rng)
    for i in administered:
        sess.record(i, 1.0)
    sess.shadow = ShadowTest(
        items=np.asarray(stored["items"], dtype=np.int64),
        theta=float(stored["theta"]),
        progress=float(stored["progress"]),
        noise=np.asarray(stored["noise"], dtype=float),
        eligible=eligible,
        solves=int(stored["solves"]),
    )
    while (item := sess.next_item()) is not None:
        sess.record(item, float(rng.random() < 0.5))
    assert len(sess.administered) == bp.length
    assert sess.administered[:2] == administered
    assert blueprint_violations(bp, sess.administered) == []
    assert sess.shadow is not None and np.array_equal(sess.shadow.noise, noise)


def _usage_study(unused_boost: float):
    rng = np.random.default_rng(7)
    sb = synthetic_bank(1000, n_nos=4, pcs_per_nos=3, rng=rng)
    bp = cat_blueprint(sb, 20, rng=rng)
    thetas = rng.normal(0, 1, 200)
    exposure = ExposureControl(sb.bank.n_items, max_rate=0.2, unused_boost=unused_boost)
    stopping = StoppingRule(se_target=0.35, min_length=5)
    study = simulate_cat(sb, bp, thetas, stopping=stopping, exposure=exposure, rng=rng)
    return sb, bp, study


@pytest.fixture(scope="module")
def usage():
    return _usage_study(0.8), _usage_study(0.0)


def test_half_the_bank_is_used_with_exposure_at_most_0_2(usage):
    (sb, bp, study), (_, _, plain) = usage
    used = 1 - study["unused_items"] / sb.bank.n_items
    assert used >= 0.5
    assert 1 - plain["unused_items"] / sb.bank.n_items < 0.35  # without the floor
    assert study["max_exposure"] <= 0.2
    assert np.all(study["exposure_counts"] <= 0.2 * 200)


def test_the_exposure_floor_keeps_the_blueprint_and_costs_under_one_item(usage):
    (sb, bp, study), (_, _, plain) = usage
    for test in study["tests"]:
        assert blueprint_violations(bp, test) == []
    assert study["blueprint_met"]
    assert study["mean_length"] <= plain["mean_length"] + 1.0
    assert study["mean_se"] <= 0.35
    assert abs(study["rmse"] - plain["rmse"]) < 0.05


def test_information_weight_favours_items_no_test_has_used():
    exposure = ExposureControl(4, max_rate=0.2, unused_boost=0.5)
    exposure.record_test([1, 2], np.ones(4, dtype=bool))
    assert exposure.information_weight().tolist() == [1.5, 1.0, 1.0, 1.5]
    exposure.record_test([0], np.ones(4, dtype=bool))
    assert exposure.information_weight().tolist() == [1.0, 1.0, 1.0, 1.5]  # follows the counts
    assert ExposureControl(4, unused_boost=0.0).information_weight() is None


def test_swap_in_needs_a_free_item(setting):
    _, bp, prep = setting
    tables = AssemblyTables.for_blueprint(bp, prep.bank.n_items)
    assert swap_in(tables, list(range(bp.length)), [], bp.length) is None


def test_a_negative_exposure_floor_is_refused_with_a_clear_message(capsys):
    from adaptive.irt.__main__ import main

    with pytest.raises(ValueError, match="unused_boost must be 0 or more"):
        ExposureControl(10, unused_boost=-0.5)
    assert main(["simulate", "--bank-size", "50", "--unused-boost", "-1"]) == 2
    assert "unused_boost must be 0 or more" in capsys.readouterr().err


def test_the_compact_state_round_trips_and_the_earlier_form_still_loads(setting):
    sb, bp, prep = setting
    n = sb.bank.n_items
    rng = np.random.default_rng(63)
    sess = CatSession(prep, bp, exposure=ExposureControl(n, max_rate=0.2), rng=rng)
    sess.record(sess.next_item(), 1.0)
    sess.next_item()
    shadow = sess.shadow
    state = shadow.to_state()
    assert "noise_seed" in state and len(json.dumps(state)) < 2000  # not n numbers
    back = ShadowTest.from_state(json.loads(json.dumps(state)), n)
    assert np.array_equal(back.noise, shadow.noise)
    assert np.array_equal(back.eligible, shadow.eligible)
    assert back.items.tolist() == shadow.items.tolist() and back.solves == shadow.solves
    # noise from elsewhere (no seed) goes exactly as bytes
    other = ShadowTest(shadow.items, 0.1, 0.2, rng.random(n), shadow.eligible)
    again = ShadowTest.from_state(json.loads(json.dumps(other.to_state())), n)
    assert np.array_equal(again.noise, other.noise)
    # the form adaptive.delivery wrote until now
    earlier = {
        "items": shadow.items.tolist(),
        "theta": 0.3,
        "progress": 0.1,
        "noise": shadow.noise.tolist(),
        "ineligible": np.flatnonzero(~shadow.eligible).tolist(),
        "solves": 2,
    }
    old = ShadowTest.from_state(earlier, n)
    assert np.array_equal(old.noise, shadow.noise)
    assert np.array_equal(old.eligible, shadow.eligible)
    assert old.noise_seed is None and old.solves == 2
    with pytest.raises(ValueError, match="stored shadow test has"):
        ShadowTest.from_state(earlier, n + 1)
