"""Noise mechanisms: unbiasedness, variance, 95 % bounds and integrality, over many seeded draws."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_mechanisms_stats import assert_mean_error_zero, assert_proportion, assert_variance_matches

from sandbox.privacy import accuracy
from sandbox.privacy.mechanisms import Mechanism, noisy_count, noisy_sum

DRAWS = 20_000
GAUSSIAN_DRAWS = 4_000  # GaussianAnalytic re-solves its scale per seeded instance


def _draws(mechanism: Mechanism) -> int:
    return GAUSSIAN_DRAWS if mechanism == "gaussian" else DRAWS


@pytest.mark.parametrize(
    ("mechanism", "delta", "epsilon", "groups", "rows", "true_count"),
    [
        ("geometric", 0.0, 1.0, 1, 1, 100),
        ("geometric", 0.0, 0.5, 2, 3, 0),
        ("laplace", 0.0, 1.0, 1, 1, 37),
        ("laplace", 0.0, 2.0, 3, 1, 5),
        ("gaussian", 1e-5, 1.0, 1, 1, 250),
        ("gaussian", 1e-6, 3.0, 4, 2, 12),
    ],
)
def test_when_counts_are_noised_then_unbiased_with_theoretical_variance_and_coverage(
    mechanism: Mechanism, delta: float, epsilon: float, groups: int, rows: int, true_count: int
) -> None:
    rng = np.random.RandomState(20261125)
    released = [
        noisy_count(true_count, epsilon, max_groups_per_unit=groups, max_rows_per_unit=rows,
                    mechanism=mechanism, delta=delta, rng=rng)
        for _ in range(_draws(mechanism))
    ]  # fmt: skip
    errors = [r.value - true_count for r in released]
    assert all(isinstance(r.value, int) for r in released)  # counts are released as integers
    assert_mean_error_zero(errors)
    assert_variance_matches(errors, released[0].stddev ** 2)
    covered = sum(abs(e) <= released[0].ci95_halfwidth for e in errors)
    assert covered / len(errors) >= 0.95 - 5 * math.sqrt(0.95 * 0.05 / len(errors))


def test_when_geometric_count_then_coverage_equals_exact_tail_probability() -> None:
    rng = np.random.RandomState(7)
    cells = [noisy_count(50, 1.0, max_groups_per_unit=1, max_rows_per_unit=1, rng=rng) for _ in range(DRAWS)]
    h = cells[0].ci95_halfwidth
    alpha = math.exp(-1.0)
    assert h == 3
    assert_proportion(sum(abs(c.value - 50) <= h for c in cells), DRAWS, 1 - 2 * alpha ** (h + 1) / (1 + alpha))


def test_when_true_count_is_zero_then_negative_releases_are_kept_and_mean_stays_zero() -> None:
    rng = np.random.RandomState(11)
    values = [noisy_count(0, 1.0, max_groups_per_unit=1, max_rows_per_unit=1, rng=rng).value for _ in range(DRAWS)]
    assert min(values) < 0  # no clamping at zero, which would bias small counts upwards
    assert_mean_error_zero(values)


def test_count_accuracy_at_epsilon_one_meets_issue_target() -> None:
    """Issue 4 target: at ε = 1 with 1 group and 1 row per unit, median |error| ≤ 1.5 and |mean error| ≤ 0.1."""
    rng = np.random.RandomState(2026)
    true = 4321
    errors = np.array(
        [noisy_count(true, 1.0, max_groups_per_unit=1, max_rows_per_unit=1, rng=rng).value - true for _ in range(2000)]
    )
    print(f"geometric COUNT ε=1: median |err| {np.median(np.abs(errors))}, mean err {errors.mean():+.4f}")
    assert np.median(np.abs(errors)) <= 1.5
    assert abs(errors.mean()) <= 0.1


@pytest.mark.parametrize(
    ("mechanism", "delta", "lower", "upper", "groups", "rows", "true_sum"),
    [
        ("laplace", 0.0, 0.0, 5000.0, 1, 1, 1_234_567.25),
        ("laplace", 0.0, -20.0, 10.0, 2, 3, -815.5),
        ("geometric", 0.0, 0, 12, 1, 2, 4_000),
        ("gaussian", 1e-5, 0.0, 100.0, 3, 1, 9_876.5),
    ],
)
def test_when_sums_are_noised_then_unbiased_with_theoretical_variance_and_coverage(
    mechanism: Mechanism, delta: float, lower: float, upper: float, groups: int, rows: int, true_sum: float
) -> None:
    rng = np.random.RandomState(99)
    released = [
        noisy_sum(true_sum, 1.0, lower=lower, upper=upper, max_groups_per_unit=groups, max_rows_per_unit=rows,
                  mechanism=mechanism, delta=delta, rng=rng)
        for _ in range(_draws(mechanism))
    ]  # fmt: skip
    errors = [r.value - true_sum for r in released]
    assert_mean_error_zero(errors)
    assert_variance_matches(errors, released[0].stddev ** 2)
    covered = sum(abs(e) <= released[0].ci95_halfwidth for e in errors)
    if mechanism != "geometric":  # continuous noise: the bound is exact, so coverage is 95 %, not more
        assert_proportion(covered, len(errors), 0.95)
    assert covered / len(errors) >= 0.95 - 5 * math.sqrt(0.95 * 0.05 / len(errors))
    assert all(isinstance(r.value, int) for r in released) == (mechanism == "geometric")


@pytest.mark.parametrize(
    ("groups", "rows", "lower", "upper", "count_l1", "count_l2", "sum_l1", "sum_l2"),
    [
        (1, 1, 0.0, 100.0, 1, 1, 100, 100),
        (1, 1, -300.0, 50.0, 1, 1, 300, 300),
        (4, 1, 0.0, 10.0, 4, 2, 40, 20),
        (4, 3, -2.0, 5.0, 12, 6, 60, 30),
        (9, 2, 0.0, 0.0, 18, 6, 0, 0),
    ],
)
def test_sensitivity_table(
    groups: int, rows: int, lower: float, upper: float, count_l1: float, count_l2: float, sum_l1: float, sum_l2: float
) -> None:
    bounds = {"max_groups_per_unit": groups, "max_rows_per_unit": rows}
    assert noisy_count(10, 2.0, **bounds, mechanism="laplace").sensitivity == pytest.approx(count_l1)
    assert noisy_count(10, 2.0, **bounds, mechanism="laplace").scale == pytest.approx(count_l1 / 2.0)
    assert noisy_count(10, 2.0, **bounds, mechanism="gaussian", delta=1e-5).sensitivity == pytest.approx(count_l2)
    assert noisy_sum(10.0, 2.0, lower=lower, upper=upper, **bounds).sensitivity == pytest.approx(sum_l1)
    gauss = noisy_sum(10.0, 2.0, lower=lower, upper=upper, **bounds, mechanism="gaussian", delta=1e-5)
    assert gauss.sensitivity == pytest.approx(sum_l2)


def test_when_bounds_are_zero_then_the_sum_needs_no_noise() -> None:
    cell = noisy_sum(0.0, 1.0, lower=0.0, upper=0.0, max_groups_per_unit=1, max_rows_per_unit=1)
    assert (cell.value, cell.ci95_halfwidth) == (0.0, 0.0)


def _gaussian_delta(epsilon: float, sigma: float, sensitivity: float) -> float:
    """Exact δ(ε) of N(0, σ²) with sensitivity Δ (Balle & Wang 2018, Theorem 8)."""

    def phi(x: float) -> float:
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))

    a, b = sensitivity / (2 * sigma), epsilon * sigma / sensitivity
    return phi(a - b) - math.exp(epsilon) * phi(-a - b)


@pytest.mark.parametrize(("epsilon", "delta", "sensitivity"), [(0.5, 1e-5, 1), (1.0, 1e-6, 2), (3.0, 1e-5, 1)])
def test_gaussian_calibration_is_exact_even_above_epsilon_one(epsilon: float, delta: float, sensitivity: int) -> None:
    cell = noisy_count(
        0, epsilon, max_groups_per_unit=sensitivity**2, max_rows_per_unit=1, mechanism="gaussian", delta=delta
    )
    assert cell.sensitivity == sensitivity  # √L0 · L∞
    assert _gaussian_delta(epsilon, cell.scale, sensitivity) == pytest.approx(delta, rel=1e-3)
    if epsilon <= 1:  # the analytic σ beats the classic σ = Δ·√(2 ln(1.25/δ))/ε where the latter is valid
        assert cell.scale < sensitivity * math.sqrt(2 * math.log(1.25 / delta)) / epsilon
    assert cell.rho == pytest.approx(sensitivity**2 / (2 * cell.scale**2))


def test_pure_mechanisms_report_the_zcdp_figure_implied_by_epsilon() -> None:
    cell = noisy_count(3, 0.8, max_groups_per_unit=1, max_rows_per_unit=1)
    assert (cell.epsilon, cell.delta, cell.rho) == (0.8, 0.0, pytest.approx(0.32))


def test_rounded_laplace_variance_matches_direct_summation() -> None:
    b = 1.7
    q = math.exp(-1 / b)
    direct = sum(2 * k * k * math.sinh(0.5 / b) * q**k for k in range(1, 2000))
    assert accuracy.rounded_laplace_variance(b) == pytest.approx(direct)
    assert accuracy.rounded_laplace_variance(50.0) == pytest.approx(accuracy.laplace_variance(50.0) + 1 / 12, rel=1e-3)
