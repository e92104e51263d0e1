import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive.irt import (
    ItemBank,
    conditional_standard_error,
    expected_score,
    item_information,
    probability,
)
from adaptive.irt.models import category_log_probabilities, test_information

from .helpers import dichotomous_bank, graded_bank


def _numeric_derivative(f, theta, h=1e-5):
    return (f(theta + h) - f(theta - h)) / (2 * h)


def test_3pl_information_equals_squared_slope_over_pq():
    rng = np.random.default_rng(1)
    bank = dichotomous_bank(rng, 15, guessing=True)
    theta = np.linspace(-3, 3, 13)
    p = probability(theta, bank)
    dp = _numeric_derivative(lambda t: probability(t, bank), theta)
    np.testing.assert_allclose(item_information(theta, bank), dp**2 / (p * (1 - p)), rtol=1e-6)


def test_2pl_information_equals_a_squared_pq():
    rng = np.random.default_rng(2)
    bank = dichotomous_bank(rng, 15)
    theta = np.linspace(-3, 3, 13)
    p = probability(theta, bank)
    expected = bank.discrimination[None, :] ** 2 * p * (1 - p)
    np.testing.assert_allclose(item_information(theta, bank), expected, rtol=1e-12)


def test_graded_information_equals_sum_of_squared_category_slopes():
    rng = np.random.default_rng(3)
    bank = graded_bank(rng, 8)
    theta = np.linspace(-3, 3, 7)
    p = np.exp(category_log_probabilities(theta, bank))
    dp = _numeric_derivative(lambda t: np.exp(category_log_probabilities(t, bank)), theta)
    expected = (dp**2 / p).sum(axis=2)
    np.testing.assert_allclose(item_information(theta, bank), expected, rtol=1e-6)


def test_category_probabilities_sum_to_one_and_match_cumulative_logits():
    rng = np.random.default_rng(4)
    bank = graded_bank(rng, 6, n_categories=5)
    theta = np.linspace(-4, 4, 9)
    p = np.exp(category_log_probabilities(theta, bank))
    np.testing.assert_allclose(p.sum(axis=2), 1.0, atol=1e-12)
    # P(x >= 1) is the first cumulative logistic.
    star = 1 / (1 + np.exp(-(theta[:, None] * bank.discrimination + bank.intercepts[:, 0])))
    np.testing.assert_allclose(p[:, :, 1:].sum(axis=2), star, rtol=1e-10)


def test_test_information_is_not_collected_as_a_test_and_sums_items():
    rng = np.random.default_rng(5)
    bank = dichotomous_bank(rng, 10)
    assert getattr(test_information, "__test__", True) is False
    info = test_information([0.0, 1.0], bank, [1, 3])
    np.testing.assert_allclose(info, item_information([0.0, 1.0], bank)[:, [1, 3]].sum(axis=1))
    np.testing.assert_allclose(conditional_standard_error([0.0, 1.0], bank, [1, 3]), info**-0.5)


def test_from_irt_difficulty_round_trips():
    bank = ItemBank.from_irt([1.0, 2.0], [0.5, -1.0])
    np.testing.assert_allclose(bank.difficulty, [0.5, -1.0])
    np.testing.assert_allclose(bank.intercept, [-0.5, 2.0])


def test_bank_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        ItemBank(np.ones(3), np.zeros(2), np.zeros(3))


extreme_theta = st.floats(min_value=-40, max_value=40, allow_nan=False)


@settings(max_examples=60, deadline=None, database=None)
@given(theta=extreme_theta, c=st.floats(0.0, 0.5), a=st.floats(0.2, 4.0), b=st.floats(-4, 4))
def test_probability_and_information_are_finite_at_extreme_thetas(theta, c, a, b):
    bank = ItemBank.from_irt([a], [b], [c])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = probability([theta], bank)
        info = item_information([theta], bank)
        lp = category_log_probabilities([theta], bank)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    assert np.all(np.isfinite(info)) and np.all(info >= 0)
    assert not np.any(np.isnan(lp))


@settings(max_examples=40, deadline=None, database=None)
@given(theta=extreme_theta)
def test_graded_model_is_finite_at_extreme_thetas(theta):
    bank = graded_bank(np.random.default_rng(0), 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lp = category_log_probabilities([theta], bank)
        info = item_information([theta], bank)
    assert not np.any(np.isnan(lp))
    assert np.all(np.isfinite(info)) and np.all(info >= 0)
    np.testing.assert_allclose(np.exp(lp).sum(axis=2), 1.0, atol=1e-9)


def test_expected_score_weighs_each_category_by_the_fraction_of_the_mark_it_earns():
    """A numeric item worth 0.1 for a near answer and 1 for the exact one ([0, 0.1, 1]): its
    expected score is 0.1 P1 + P2, not (P1 + 2 P2) / 2; evenly spaced levels keep the default,
    and a dichotomous bank with [0, 1] levels is unchanged."""
    bank = ItemBank(
        np.array([1.0, 1.2]), np.array([[0.5, -0.5], [0.3, 0.0]]), np.zeros(2), polytomous="gpcm"
    )
    theta = np.linspace(-2, 2, 5)
    p = np.exp(category_log_probabilities(theta, bank))
    out = expected_score(theta, bank, [[0.0, 0.1, 1.0], [0.0, 0.5, 1.0]])
    np.testing.assert_allclose(out[:, 0], 0.1 * p[:, 0, 1] + p[:, 0, 2])
    np.testing.assert_allclose(out[:, 1], expected_score(theta, bank)[:, 1])
    binary = ItemBank.from_irt(np.ones(2), np.zeros(2))
    np.testing.assert_allclose(expected_score(theta, binary, [[0.0, 1.0]] * 2),
                               expected_score(theta, binary))  # fmt: skip
    with pytest.raises(ValueError, match="one entry per item"):
        expected_score(theta, bank, [[0.0, 1.0]])
