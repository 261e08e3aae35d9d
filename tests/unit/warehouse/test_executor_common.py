"""The executor interface: uniform errors, argument checks, backend choice, PostgreSQL helpers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pyarrow as pa
import pytest

from sandbox.settings import Settings
from sandbox.warehouse.duckdb_executor import DuckDBExecutor
from sandbox.warehouse.executor import (
    QUERY_FAILED,
    QUERY_TIMEOUT,
    check_limits,
    open_executor,
    query_failed,
    query_timeout,
)
from sandbox.warehouse.postgres_executor import _array, reader_conninfo


def test_uniform_errors_carry_fixed_bilingual_text() -> None:
    failed, again, timeout = query_failed(), query_failed(), query_timeout()

    assert (failed.code, timeout.code) == (QUERY_FAILED, QUERY_TIMEOUT)
    assert (failed.message, failed.message_zh, str(failed)) == (again.message, again.message_zh, str(again))
    assert failed.message != timeout.message
    assert failed.message_zh != failed.message and timeout.message_zh != timeout.message


@pytest.mark.parametrize(
    ("timeout_s", "max_rows", "key"),
    [(0, 10, b"k" * 32), (-1, 10, b"k" * 32), (1, -1, b"k" * 32), (1, 10, b""), (1, 10, b"short")],
)
def test_invalid_limits_are_programming_errors(timeout_s: float, max_rows: int, key: bytes) -> None:
    with pytest.raises(ValueError):
        check_limits(timeout_s, max_rows, key)


def test_open_executor_gives_duckdb_for_a_duckdb_file(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    settings = Settings(home=tmp_path, warehouse=str(path), state_url="sqlite://")

    executor = open_executor(settings)
    try:
        assert isinstance(executor, DuckDBExecutor)
        assert executor.dialect == "duckdb"
    finally:
        executor.close()


def test_reader_conninfo_swaps_the_user_and_drops_the_admin_password() -> None:
    info = psycopg.conninfo.conninfo_to_dict(
        reader_conninfo("postgresql://admin:s3cret@db.example:5433/wh?sslmode=require", "sandbox_reader")
    )

    assert info["user"] == "sandbox_reader"
    assert "password" not in info
    assert (info["host"], info["port"], info["dbname"], info["sslmode"]) == ("db.example", "5433", "wh", "require")


def test_reader_conninfo_keeps_the_password_of_a_dsn_that_names_the_reader() -> None:
    info = psycopg.conninfo.conninfo_to_dict(reader_conninfo("postgresql://sandbox_reader:pw@h/wh", "sandbox_reader"))

    assert (info["user"], info["password"]) == ("sandbox_reader", "pw")


class _Column:
    def __init__(self, type_code: int, precision: int | None = None, scale: int | None = None) -> None:
        self.type_code, self.precision, self.scale = type_code, precision, scale


@pytest.mark.parametrize(
    ("values", "column", "expected"),
    [
        ([1, None], _Column(20), pa.int64()),
        ([1, 2], _Column(21), pa.int16()),
        (["a", None], _Column(1043), pa.string()),
        ([Decimal("1.50")], _Column(1700, 14, 2), pa.decimal128(14, 2)),
        ([Decimal("1.5"), Decimal("10.25")], _Column(1700), pa.decimal128(4, 2)),
        ([Decimal("NaN"), Decimal("1.5")], _Column(1700), pa.float64()),
        ([date(2024, 1, 2)], _Column(1082), pa.date32()),
        ([True, None], _Column(16), pa.bool_()),
    ],
)
def test_postgres_values_become_matching_arrow_types(
    values: list[object], column: _Column, expected: pa.DataType
) -> None:
    assert _array(values, column).type == expected  # type: ignore[arg-type]
