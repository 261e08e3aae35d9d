"""Noisy AVG, VARIANCE and STDDEV: budget split, (near-)unbiasedness and reported error bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_mechanisms_stats import assert_mean_error_zero

from sandbox.privacy.mechanisms import Mechanism, noisy_mean, noisy_stddev, noisy_variance

DATA = np.linspace(10.0, 90.0, 800)  # public test data, clamped to bounds [0, 100]
BOUNDS = {"lower": 0.0, "upper": 100.0, "max_groups_per_unit": 1, "max_rows_per_unit": 1}


@pytest.mark.parametrize(("mechanism", "delta", "draws"), [("laplace", 0.0, 20_000), ("gaussian", 1e-5, 1_000)])
def test_when_mean_is_noised_then_centred_and_covered(mechanism: Mechanism, delta: float, draws: int) -> None:
    rng = np.random.RandomState(5)
    true_mean = float(DATA.mean())
    cells = [
        noisy_mean(float(DATA.sum()), len(DATA), 1.0, **BOUNDS, mechanism=mechanism, delta=delta, rng=rng)
        for _ in range(draws)
    ]
    errors = np.array([c.value - true_mean for c in cells])
    assert_mean_error_zero(errors)  # ratio estimator: bias O(Var C / C²), invisible at this size
    assert errors.std() == pytest.approx(np.mean([c.stddev for c in cells]), rel=0.1)
    coverage = np.mean(np.abs(errors) <= np.array([c.ci95_halfwidth for c in cells]))
    assert coverage == pytest.approx(0.95, abs=0.02 if draws > 5000 else 0.04)


def test_mean_splits_the_budget_equally_between_count_and_centred_sum() -> None:
    cell = noisy_mean(500.0, 10, 1.0, **BOUNDS, mechanism="gaussian", delta=1e-6)
    count, centred = cell.parts
    assert (count.epsilon, centred.epsilon, count.delta, centred.delta) == (0.5, 0.5, 5e-7, 5e-7)
    assert (cell.epsilon, cell.delta) == (1.0, pytest.approx(1e-6))
    assert cell.rho == pytest.approx(count.rho + centred.rho)
    assert centred.sensitivity == 50.0  # (upper − lower)/2, not max(|lower|, |upper|)
    pure = noisy_mean(500.0, 10, 1.0, **BOUNDS)
    assert [p.mechanism for p in pure.parts] == ["geometric", "laplace"]


@pytest.mark.parametrize("ddof", [0, 1])
def test_when_variance_is_noised_then_centred_on_the_true_variance(ddof: int) -> None:
    rng = np.random.RandomState(8)
    true_var = float(DATA.var(ddof=ddof))
    args = (float(DATA.sum()), float((DATA**2).sum()), len(DATA), 3.0)
    cells = [noisy_variance(*args, **BOUNDS, ddof=ddof, rng=rng) for _ in range(20_000)]
    errors = np.array([c.value - true_var for c in cells])
    assert_mean_error_zero(errors)
    assert errors.std() == pytest.approx(np.mean([c.stddev for c in cells]), rel=0.1)
    assert [p.epsilon for p in cells[0].parts] == [1.0, 1.0, 1.0]


def test_stddev_is_the_root_of_the_variance_and_never_nan() -> None:
    rng = np.random.RandomState(3)
    args = (float(DATA.sum()), float((DATA**2).sum()), len(DATA), 3.0)
    sds = [noisy_stddev(*args, **BOUNDS, rng=rng).value for _ in range(5_000)]
    assert np.mean(sds) == pytest.approx(DATA.std(), rel=0.01)
    constant = noisy_stddev(5.0, 25.0, 1, 0.1, **BOUNDS, rng=rng)  # one row: noisy variance may be < 0
    assert constant.value >= 0 and not math.isnan(constant.ci95_halfwidth)
