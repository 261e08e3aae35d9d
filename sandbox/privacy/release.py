"""Turn the true per-group statistics of a DP query into released noisy cells (pure: no I/O).

The query's ε is split equally between its aggregate columns and, when the keys are not public,
partition selection: with m aggregates each gets ε/(m+1) and selection the last share (ε/m each and no
selection for an ungrouped query, whose single group always exists, or for public keys, which are all
released, present or not). Each aggregate's noise is calibrated
to the sensitivity of the whole vector of groups (the factor L0), so a GROUP BY costs its ε once.
δ is spent by partition selection and, when the client asks for Gaussian noise, by the aggregates (the
Gaussian δ split equally between them). Composition: the shares add up to the query's (ε, δ).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.privacy.ledger import Cost
from sandbox.privacy.mechanisms import (
    NoisyValue,
    RandomSource,
    noisy_count,
    noisy_mean,
    noisy_stddev,
    noisy_sum,
    noisy_variance,
)
from sandbox.privacy.partitions import keep_partition, partition_threshold
from sandbox.privacy.sensitivity import check_epsilon
from sandbox.privacy.spec import UNITS_COLUMN, DpAggregate, DpSpec


@dataclass(frozen=True)
class Shares:
    per_aggregate: float
    selection_epsilon: float  # 0 when no selection is needed
    selection_delta: float
    aggregate_delta: float = 0.0  # per aggregate, Gaussian noise only


def shares(spec: DpSpec, epsilon: float, delta: float, *, gaussian_delta: float = 0.0) -> Shares:
    """``gaussian_delta`` > 0 asks for Gaussian noise on every aggregate, that δ split equally between them."""
    epsilon = check_epsilon(epsilon)
    selects = spec.grouped and not spec.public_keys  # public keys are all released: no selection to pay for
    parts = len(spec.aggregates) + (1 if selects else 0)
    each = epsilon / parts
    per_delta = gaussian_delta / len(spec.aggregates) if spec.aggregates else 0.0
    return Shares(each, each if selects else 0.0, delta if selects else 0.0, per_delta)


def query_cost(spec: DpSpec, epsilon: float, delta: float, *, gaussian_delta: float = 0.0) -> Cost:
    """What the query is charged on each of its dp datasets: exactly the (ε, δ) it spends."""
    split = shares(spec, epsilon, delta, gaussian_delta=gaussian_delta)
    return Cost(float(epsilon), split.selection_delta + split.aggregate_delta * len(spec.aggregates))


def threshold(spec: DpSpec, epsilon: float, delta: float) -> float | None:
    """The partition-selection threshold τ in distinct units (before the k shift), for the notice."""
    split = shares(spec, epsilon, delta)
    if not split.selection_epsilon:
        return None
    return partition_threshold(split.selection_epsilon, split.selection_delta, spec.max_groups_per_unit) + (
        spec.min_units - 1
    )


@dataclass(frozen=True)
class Released:
    kept: tuple[int, ...]  # row indexes of the SQL result that are released, in order
    cells: tuple[tuple[NoisyValue, ...], ...]  # per aggregate, one cell per kept row


def release(
    spec: DpSpec,
    columns: Mapping[str, Sequence[Any]],
    epsilon: float,
    delta: float,
    *,
    gaussian_delta: float = 0.0,
    rng: RandomSource = None,
) -> Released:
    """Select partitions, then noise every cell; ``columns`` are the SQL result's columns by name."""
    split = shares(spec, epsilon, delta, gaussian_delta=gaussian_delta)
    units = columns[UNITS_COLUMN]
    rows = range(len(units))
    if split.selection_epsilon:
        kept = tuple(
            i
            for i in rows
            if keep_partition(
                int(units[i] or 0),
                split.selection_epsilon,
                split.selection_delta,
                spec.max_groups_per_unit,
                min_units=spec.min_units,
                rng=rng,
            )
        )
    else:
        kept = tuple(rows)
    cells = tuple(tuple(_cell(agg, columns, i, split, spec, rng) for i in kept) for agg in spec.aggregates)
    return Released(kept, cells)


def _cell(
    agg: DpAggregate, columns: Mapping[str, Sequence[Any]], row: int, split: Shares, spec: DpSpec, rng: RandomSource
) -> NoisyValue:
    eps, d = split.per_aggregate, split.aggregate_delta
    gauss: dict[str, Any] = {"mechanism": "gaussian", "delta": d} if d > 0 else {}
    l0, linf = spec.max_groups_per_unit, spec.max_rows_per_unit
    count = int(columns[agg.count_column][row] or 0)
    total = float(columns[agg.sum_column][row] or 0.0) if agg.sum_column else 0.0
    squares = float(columns[agg.squares_column][row] or 0.0) if agg.squares_column else 0.0
    lo, hi = agg.lower, agg.upper
    if agg.kind == "count":
        return noisy_count(count, eps, max_groups_per_unit=l0, max_rows_per_unit=linf, rng=rng, **gauss)
    if agg.kind == "count_units":  # a unit adds at most 1 to each of its ≤ L0 groups
        return noisy_count(count, eps, max_groups_per_unit=l0, max_rows_per_unit=1, rng=rng, **gauss)
    if agg.kind == "sum":
        return noisy_sum(
            total, eps, lower=lo, upper=hi, max_groups_per_unit=l0, max_rows_per_unit=linf, rng=rng, **gauss
        )
    if agg.kind == "mean":
        return noisy_mean(
            total, count, eps, lower=lo, upper=hi, max_groups_per_unit=l0, max_rows_per_unit=linf, rng=rng, **gauss
        )
    ddof = 1 if agg.kind.endswith("samp") else 0
    release_fn = noisy_variance if agg.kind.startswith("var") else noisy_stddev
    return release_fn(
        total,
        squares,
        count,
        eps,
        lower=lo,
        upper=hi,
        max_groups_per_unit=l0,
        max_rows_per_unit=linf,
        ddof=ddof,
        rng=rng,
        **gauss,
    )
