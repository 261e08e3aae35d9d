"""The release step of a DP query: budget split, unbiased cells, partition selection, the released table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from sandbox.privacy.release import query_cost, release, shares
from sandbox.privacy.spec import UNITS_COLUMN, DpAggregate, DpOutput, DpSpec
from sandbox.queries.dp_answers import released_table

COUNT = DpAggregate("n", "count", "__dp_n")
MEAN = DpAggregate("m", "mean", "__dp_c1", "__dp_s1", None, 0.0, 100.0)


def spec(keys: tuple[str, ...], *aggregates: DpAggregate, k: int = 1) -> DpSpec:
    outputs = tuple(DpOutput(f"key{i}", True, i) for i in range(len(keys)))
    outputs += tuple(DpOutput(a.name, False, i) for i, a in enumerate(aggregates))
    return DpSpec(keys, aggregates, outputs, 1, 1, k, ("s.t",))


def test_grouped_queries_split_epsilon_between_aggregates_and_selection_and_charge_delta() -> None:
    grouped = spec(("__dp_k0",), COUNT, MEAN)
    split = shares(grouped, 0.9, 1e-6)
    assert split.per_aggregate * 2 + split.selection_epsilon == pytest.approx(0.9)
    assert query_cost(grouped, 0.9, 1e-6) == (0.9, 1e-6)
    ungrouped = spec((), COUNT, MEAN)
    assert shares(ungrouped, 0.9, 1e-6).per_aggregate == pytest.approx(0.45)
    assert query_cost(ungrouped, 0.9, 1e-6) == (0.9, 0.0)


def test_an_ungrouped_count_at_epsilon_one_meets_the_accuracy_target() -> None:
    rng = np.random.RandomState(2026)
    single = spec((), COUNT)
    columns = {UNITS_COLUMN: [3000], "__dp_n": [3000]}
    errors = np.array([release(single, columns, 1.0, 0.0, rng=rng).cells[0][0].value - 3000 for _ in range(2000)])
    assert np.median(np.abs(errors)) <= 1.5
    assert abs(errors.mean()) <= 0.1


def test_groups_below_k_are_never_released_and_large_groups_always_are() -> None:
    rng = np.random.RandomState(7)
    grouped = spec(("__dp_k0",), COUNT, k=20)
    columns = {UNITS_COLUMN: [19, 5000, 1], "__dp_n": [19, 5000, 1]}
    kept = {release(grouped, columns, 1.0, 1e-6, rng=rng).kept for _ in range(200)}
    assert kept == {(1,)}


def test_the_released_table_keeps_the_users_order_and_adds_error_bounds() -> None:
    grouped = spec(("__dp_k0",), COUNT, MEAN)
    raw = pa.table(
        {
            "__dp_k0": ["a", "b"],
            UNITS_COLUMN: [4000, 4000],
            "__dp_n": [4000, 4000],
            "__dp_c1": [4000, 4000],
            "__dp_s1": [200_000.0, 40_000.0],
        }
    )
    columns = {n: raw.column(n).to_pylist() for n in raw.column_names}
    released = release(grouped, columns, 2.0, 1e-6, rng=np.random.RandomState(1))
    table = released_table(grouped, raw, released)
    assert table.column_names == ["key0", "n", "m", "n_ci95", "m_ci95"]
    assert table.column("key0").to_pylist() == ["a", "b"]
    assert table.schema.field("n").type == pa.int64() and table.schema.field("m").type == pa.float64()
    means = table.column("m").to_pylist()
    assert means[0] == pytest.approx(50.0, abs=2.0) and means[1] == pytest.approx(10.0, abs=2.0)
    assert all(h > 0 for h in table.column("m_ci95").to_pylist())


def test_gaussian_aggregates_split_their_delta_and_are_charged_for_it() -> None:
    grouped = spec(("__dp_k0",), COUNT, MEAN)
    assert query_cost(grouped, 1.0, 1e-6, gaussian_delta=4e-6) == (1.0, pytest.approx(5e-6))
    columns = {"__dp_k0": ["a"], UNITS_COLUMN: [5000], "__dp_n": [5000], "__dp_c1": [5000], "__dp_s1": [250_000.0]}
    released = release(grouped, columns, 1.0, 1e-6, gaussian_delta=4e-6, rng=np.random.RandomState(3))
    count, mean = released.cells[0][0], released.cells[1][0]
    assert (count.mechanism, count.delta) == ("gaussian", pytest.approx(2e-6))
    assert mean.mechanism == "gaussian" and mean.delta == pytest.approx(2e-6)
