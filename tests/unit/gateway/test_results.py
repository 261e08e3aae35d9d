"""Result serialisation: JSON rows, type names, and the result hash."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from sandbox.queries.results import json_rows, result_hash, type_name


def test_json_rows_turn_decimals_dates_and_non_finite_floats_into_json() -> None:
    table = pa.table(
        {
            "amount": pa.array([Decimal("12.50"), None], pa.decimal128(14, 2)),
            "day": pa.array([dt.date(2025, 5, 1), None], pa.date32()),
            "ts": pa.array([dt.datetime(2025, 5, 1, 8), None], pa.timestamp("us")),
            "ratio": pa.array([float("nan"), 0.5]),
            "name": ["凯里", None],
        }
    )

    assert json_rows(table) == [
        [12.5, "2025-05-01", "2025-05-01T08:00:00", None, "凯里"],
        [None, None, None, 0.5, None],
    ]


def test_type_names_use_the_warehouse_vocabulary() -> None:
    assert [type_name(t) for t in (pa.string(), pa.int64(), pa.decimal128(14, 2), pa.timestamp("us"))] == [
        "VARCHAR",
        "BIGINT",
        "DECIMAL(14,2)",
        "TIMESTAMP",
    ]


def test_the_result_hash_depends_on_the_data_not_on_metadata() -> None:
    table = pa.table({"n": [1, 2]})

    assert result_hash(table) == result_hash(table.replace_schema_metadata({b"x": b"y"}))
    assert result_hash(table) != result_hash(pa.table({"n": [1, 3]}))
    assert len(result_hash(table)) == 64
