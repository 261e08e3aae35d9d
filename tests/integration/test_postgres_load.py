"""`sandbox warehouse load`: the PostgreSQL copy of the demo warehouse equals the DuckDB build."""

from __future__ import annotations

from pathlib import Path

import duckdb
import psycopg
import pytest

from sandbox.errors import WarehouseError
from sandbox.warehouse import duckdb as duck
from sandbox.warehouse import postgres
from sandbox.warehouse.checksum import table_checksum
from sandbox.warehouse.names import qualified

pytestmark = pytest.mark.postgres


def _duckdb_snapshot(path: Path) -> dict[str, tuple[int, str]]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return {
            dataset: _summary(conn.execute(f"SELECT * FROM {qualified(dataset)}").fetchall())
            for dataset in duck.describe(conn)
        }


def _postgres_snapshot(dsn: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(dsn) as conn:
        return {
            dataset: _summary(conn.execute(f"SELECT * FROM {qualified(dataset)}").fetchall())
            for dataset in postgres.describe(conn)
        }


def _summary(rows: list[tuple[object, ...]]) -> tuple[int, str]:
    return len(rows), table_checksum(rows)


def test_when_tiny_is_loaded_then_counts_checksums_and_types_match(tiny_warehouse: Path, pg_database: str) -> None:
    report = postgres.load_from_duckdb(tiny_warehouse, pg_database)

    expected = _duckdb_snapshot(tiny_warehouse)
    assert report.rows == {dataset: count for dataset, (count, _) in expected.items()}
    assert _postgres_snapshot(pg_database) == expected
    with duckdb.connect(str(tiny_warehouse), read_only=True) as conn:
        duck_types = duck.describe(conn)
    with psycopg.connect(pg_database) as conn:
        assert postgres.describe(conn) == duck_types


def test_when_loaded_twice_then_the_second_load_replaces_the_first(tiny_warehouse: Path, pg_database: str) -> None:
    postgres.load_from_duckdb(tiny_warehouse, pg_database)
    postgres.load_from_duckdb(tiny_warehouse, pg_database)

    with psycopg.connect(pg_database) as conn:
        schemas = {row[0] for row in conn.execute("SELECT nspname FROM pg_namespace").fetchall()}
        count = conn.execute("SELECT count(*) FROM common.dim_region").fetchone()
    assert not any(name.startswith(postgres.STAGING_PREFIX) for name in schemas)
    assert count == (17,)


def test_when_a_load_fails_midway_then_the_previous_warehouse_is_untouched(
    tiny_warehouse: Path, pg_database: str, tmp_path: Path
) -> None:
    postgres.load_from_duckdb(tiny_warehouse, pg_database)
    broken = tmp_path / "broken.duckdb"
    with duckdb.connect(str(broken)) as conn:
        conn.execute("CREATE SCHEMA common")
        conn.execute("CREATE TABLE common.dim_region (code VARCHAR, level HUGEINT)")  # outside the vocabulary
        conn.execute("INSERT INTO common.dim_region VALUES ('522601', 3)")

    with pytest.raises(WarehouseError) as caught:
        postgres.load_from_duckdb(broken, pg_database)

    assert caught.value.code == "warehouse.unsupported_type"
    assert "common.dim_region.level" in caught.value.message
    with psycopg.connect(pg_database) as conn:
        assert conn.execute("SELECT count(*) FROM common.dim_region").fetchone() == (17,)


def test_when_the_dsn_does_not_connect_then_one_clear_error_without_the_password(
    tiny_warehouse: Path,
) -> None:
    with pytest.raises(WarehouseError) as caught:
        postgres.load_from_duckdb(tiny_warehouse, "postgresql://postgres:s3cret@127.0.0.1:1/nowhere")

    assert caught.value.code == "warehouse.connect"
    assert "127.0.0.1:1/nowhere" in caught.value.message
    assert "s3cret" not in caught.value.message + caught.value.message_zh
