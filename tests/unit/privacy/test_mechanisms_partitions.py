"""DP partition selection: the threshold formula and the stated keep/drop probabilities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_mechanisms_stats import assert_proportion

from sandbox.privacy.partitions import keep_partition, keep_probability, partition_threshold, select_partitions

TRIALS = 20_000


@pytest.mark.parametrize(
    ("epsilon", "delta", "groups", "tau"),
    [
        (1.0, 1e-5, 1, 1 + math.log(5e4)),
        (0.5, 1e-6, 1, 1 + 2 * math.log(5e5)),
        (1.0, 1e-5, 3, 1 + 3 * math.log(1.5e5)),
    ],
)
def test_threshold_formula(epsilon: float, delta: float, groups: int, tau: float) -> None:
    assert partition_threshold(epsilon, delta, groups) == pytest.approx(tau)


@pytest.mark.parametrize("groups", [1, 3])
def test_singleton_is_kept_with_probability_delta_over_groups(groups: int) -> None:
    delta = 0.05  # large on purpose, so the rate is measurable
    assert keep_probability(1, 1.0, delta, groups) == pytest.approx(delta / groups)
    rng = np.random.RandomState(17)
    kept = sum(keep_partition(1, 1.0, delta, groups, rng=rng) for _ in range(TRIALS))
    assert_proportion(kept, TRIALS, delta / groups)


def test_realistic_delta_drops_singletons_and_keeps_large_groups() -> None:
    rng = np.random.RandomState(23)
    assert sum(keep_partition(1, 1.0, 1e-5, 1, rng=rng) for _ in range(TRIALS)) <= 3  # expected 0.2
    assert all(keep_partition(200, 1.0, 1e-5, 1, rng=rng) for _ in range(TRIALS))
    tau = partition_threshold(1.0, 1e-5, 1)
    assert keep_probability(30, 1.0, 1e-5, 1) == pytest.approx(1 - 0.5 * math.exp(-(30 - tau)))


@pytest.mark.parametrize("count", [9, 12, 15])
def test_groups_near_the_threshold_are_kept_at_the_stated_rate(count: int) -> None:
    rng = np.random.RandomState(count)
    kept = sum(keep_partition(count, 1.0, 1e-5, 1, rng=rng) for _ in range(TRIALS))
    assert_proportion(kept, TRIALS, keep_probability(count, 1.0, 1e-5, 1))


def test_min_units_drops_small_groups_and_shifts_the_threshold() -> None:
    rng = np.random.RandomState(29)
    assert not any(keep_partition(4, 1.0, 0.05, 1, min_units=5, rng=rng) for _ in range(1000))
    kept = sum(keep_partition(5, 1.0, 0.05, 1, min_units=5, rng=rng) for _ in range(TRIALS))
    assert_proportion(kept, TRIALS, 0.05)  # a group of exactly k units is treated like a singleton


def test_public_keys_skip_selection_and_include_empty_groups() -> None:
    counts = {"522601": 1, "522622": 500}
    public = ["522601", "522622", "522623"]
    assert select_partitions(counts, 1.0, 1e-5, 1, public_keys=public) == public
    assert select_partitions(counts, 1.0, 1e-5, 1, rng=np.random.RandomState(1)) == ["522622"]
