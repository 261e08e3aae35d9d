"""The embedded DuckDB warehouse: introspection and read-only access."""

from __future__ import annotations

from pathlib import Path

import duckdb

from sandbox.errors import WarehouseError
from sandbox.warehouse.names import SCHEMAS
from sandbox.warehouse.types import normalise

Columns = dict[str, list[tuple[str, str]]]


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.is_file():
        raise WarehouseError(
            f"No warehouse at {path}: run `sandbox demo-data --scale tiny` (or `make demo`) first.",
            f"{path} 处没有数据仓库：请先运行 `sandbox demo-data --scale tiny`（或 `make demo`）。",
            code="warehouse.missing",
        )
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        raise WarehouseError(
            f"The warehouse file {path} cannot be opened as DuckDB (damaged, or locked by a writer).",
            f"无法以 DuckDB 打开数据仓库文件 {path}（文件损坏或正被写入）。",
            code="warehouse.unreadable",
        ) from None


def describe(conn: duckdb.DuckDBPyConnection) -> Columns:
    """``{"schema.table": [(column, type), ...]}`` for the five warehouse schemas, in column order."""
    placeholders = ", ".join("?" for _ in SCHEMAS)
    rows = conn.execute(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema IN ({placeholders}) ORDER BY table_schema, table_name, ordinal_position",
        list(SCHEMAS),
    ).fetchall()
    tables: Columns = {}
    for schema, table, column, data_type in rows:
        tables.setdefault(f"{schema}.{table}", []).append((column, normalise(data_type)))
    return tables
