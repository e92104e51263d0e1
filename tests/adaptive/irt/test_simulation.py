"""The simulation bar of the adaptive engine: a CAT to SE <= 0.3 needs at most half the items of a
fixed form of equal RMSE, keeps exposure under 0.2 and meets the blueprint every time."""

from __future__ import annotations

import numpy as np
import pytest

from adaptive.irt import ExposureControl, StoppingRule
from adaptive.irt.simulation import (
    cat_blueprint,
    equal_rmse_fixed_length,
    fixed_form_rmse,
    simulate_cat,
    synthetic_bank,
)


@pytest.fixture(scope="module")
def study():
    rng = np.random.default_rng(2026)
    sb = synthetic_bank(800, n_nos=5, rng=rng)
    bp = cat_blueprint(sb, 30, rng=rng)
    thetas = rng.normal(0.0, 1.0, 150)
    cat = simulate_cat(
        sb,
        bp,
        thetas,
        stopping=StoppingRule(se_target=0.3, min_length=5),
        exposure=ExposureControl(sb.bank.n_items, max_rate=0.2),
        rng=rng,
    )
    return sb, thetas, cat, rng


def test_cat_reaches_the_se_target_within_the_blueprint_and_exposure_cap(study):
    _, _, cat, _ = study
    assert cat["blueprint_met"]
    assert cat["max_exposure"] <= 0.2 + 1e-9
    assert cat["mean_se"] <= 0.3 + 0.02  # a few tests end at 30 items just above the target
    assert abs(cat["bias"]) < 0.1


def test_cat_needs_at_most_half_the_items_of_a_typical_fixed_form_of_equal_rmse(study):
    sb, thetas, cat, rng = study
    fixed = equal_rmse_fixed_length(sb, cat["rmse"], thetas, rng, kind="random", max_length=300)
    assert fixed is not None
    # The fixed form is a paper as SSCs issue them: random items, evenly spread over the NOS.
    assert cat["mean_length"] <= 0.5 * fixed


def test_fixed_form_rmse_falls_with_length_and_optimised_forms_beat_random_ones(study):
    sb, thetas, _, rng = study
    random_10, random_40 = (fixed_form_rmse(sb, n, thetas, rng, kind="random") for n in (10, 40))
    assert random_40 < random_10
    assert fixed_form_rmse(sb, 10, thetas, rng, kind="best") < random_10
