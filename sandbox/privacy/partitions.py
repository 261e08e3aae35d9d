"""DP partition selection: which GROUP BY keys may appear in a result (pure, no I/O).

Laplace thresholding (Google differential-privacy "Laplace partition selection"; Wilson et al., PETS 2020):
keep a group iff n + Lap(Δ0/ε) ≥ τ, where n is the group's count of distinct privacy units and Δ0 the
maximum number of groups one unit contributes to. With τ = 1 + (Δ0/ε)·ln(Δ0/(2δ)) the selection is
(ε, δ)-DP: groups present in both neighbours see Laplace noise calibrated to the L1 sensitivity Δ0 of the
unit-count vector; a group that exists only because of the added unit has n = 1 and is released with
probability ½·exp(−(τ − 1)ε/Δ0) = δ/Δ0, and that unit owns at most Δ0 such groups (union bound: δ).

Keys the catalogue declares public (county codes, dates) skip selection: the caller releases every public
key, including empty ones, so presence reveals nothing.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from numbers import Integral
from typing import TypeVar

from sandbox.privacy.mechanisms import RandomSource, make_mechanism
from sandbox.privacy.sensitivity import Contribution, PrivacyParameterError, check_epsilon

K = TypeVar("K", bound=Hashable)


def _check_delta(delta: float) -> float:
    if not (isinstance(delta, int | float) and 0.0 < delta < 1.0):
        raise PrivacyParameterError("partition selection needs 0 < delta < 1", "分组选择要求 δ 在 (0, 1) 之内")
    return float(delta)


def _check_min_units(min_units: int) -> int:
    if isinstance(min_units, bool) or not isinstance(min_units, int) or min_units < 1:
        raise PrivacyParameterError("min_units must be an integer ≥ 1", "min_units 必须是不小于 1 的整数")
    return min_units


def partition_threshold(epsilon: float, delta: float, max_groups_per_unit: int) -> float:
    """τ = 1 + (Δ0/ε)·ln(Δ0/(2δ)), i.e. 1 + (Δ0/ε)·ln(1/(2δ′)) with the per-group δ′ = δ/Δ0."""
    epsilon, delta = check_epsilon(epsilon), _check_delta(delta)
    l0 = Contribution(max_groups_per_unit, 1).max_groups_per_unit
    return 1.0 + (l0 / epsilon) * math.log(l0 / (2.0 * delta))


def keep_probability(
    unit_count: int, epsilon: float, delta: float, max_groups_per_unit: int, *, min_units: int = 1
) -> float:
    """Exact probability that :func:`keep_partition` keeps a group with ``unit_count`` distinct units."""
    tau = partition_threshold(epsilon, delta, max_groups_per_unit)
    if unit_count < _check_min_units(min_units):
        return 0.0
    b = max_groups_per_unit / epsilon
    gap = unit_count - (min_units - 1) - tau  # P(Lap(b) ≥ −gap)
    return 1.0 - 0.5 * math.exp(-gap / b) if gap >= 0 else 0.5 * math.exp(gap / b)


def keep_partition(
    unit_count: int,
    epsilon: float,
    delta: float,
    max_groups_per_unit: int,
    *,
    min_units: int = 1,
    rng: RandomSource = None,
) -> bool:
    """Keep a group iff it has ≥ ``min_units`` units and (n − min_units + 1) + Lap(Δ0/ε) ≥ τ.

    ``unit_count`` is the exact COUNT(DISTINCT privacy unit) of the group after contribution bounding.
    ``min_units`` (the catalogue's k) is Google's pre-thresholding: shifting the count by k − 1 keeps the
    (ε, δ) guarantee, since the group count seen by the noise still changes by at most 1 per unit.
    """
    if isinstance(unit_count, bool) or not isinstance(unit_count, Integral) or unit_count < 0:
        raise PrivacyParameterError("a unit count must be an integer ≥ 0", "隐私单元计数必须是非负整数")
    tau = partition_threshold(epsilon, delta, max_groups_per_unit)
    if unit_count < _check_min_units(min_units):
        return False
    unit_count = int(unit_count)
    noise = make_mechanism("laplace", float(epsilon), 0.0, float(max_groups_per_unit), rng)
    return float(noise.randomise(float(unit_count - (min_units - 1)))) >= tau


def select_partitions(
    unit_counts: Mapping[K, int],
    epsilon: float,
    delta: float,
    max_groups_per_unit: int,
    *,
    public_keys: Iterable[K] | None = None,
    min_units: int = 1,
    rng: RandomSource = None,
) -> list[K]:
    """Keys to release: all ``public_keys`` when the grouping is public, else those passing :func:`keep_partition`."""
    if public_keys is not None:
        return list(public_keys)
    return [
        key
        for key, n in unit_counts.items()
        if keep_partition(n, epsilon, delta, max_groups_per_unit, min_units=min_units, rng=rng)
    ]
