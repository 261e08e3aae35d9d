"""A query's answer as the service hands it to adapters: the Arrow table plus what describes it.

The result hash is SHA-256 over the Arrow IPC stream of the data alone (no ids, no metadata), so the
same answer hashes the same whichever format it was delivered in; the audit record keeps it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Privacy:
    """The contract's privacy fields; ``extra`` adds DP details (δ, cache, dry-run cost, per-dataset balance)."""

    mode: str
    epsilon_spent: float
    budget_remaining: float
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        base = {"mode": self.mode, "epsilon_spent": self.epsilon_spent, "budget_remaining": self.budget_remaining}
        return {**self.extra, **base}


@dataclass(frozen=True)
class QueryResult:
    result_id: str
    table: pa.Table
    rewritten_sql: str
    notices: tuple[str, ...]
    privacy: Privacy
    result_hash: str
    engine_ms: float = field(default=0.0, compare=False)  # time inside the warehouse engine

    def envelope(self) -> dict[str, Any]:
        """Everything of the contract's response but the rows (the Arrow format carries it as metadata)."""
        return {
            "result_id": self.result_id,
            "columns": [{"name": f.name, "type": type_name(f.type)} for f in self.table.schema],
            "rewritten_sql": self.rewritten_sql,
            "notices": list(self.notices),
            "privacy": self.privacy.to_json(),
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.envelope(), "rows": json_rows(self.table)}


def truncated_notice(max_rows: int) -> str:
    return f"result truncated to {max_rows} rows · 结果已截断为 {max_rows} 行"


def ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def result_hash(table: pa.Table) -> str:
    return hashlib.sha256(ipc_bytes(table.replace_schema_metadata(None))).hexdigest()


def type_name(arrow_type: pa.DataType) -> str:
    """The warehouse vocabulary's name for an Arrow type (VARCHAR, BIGINT, DECIMAL(p,s), …)."""
    if pa.types.is_decimal(arrow_type):
        return f"DECIMAL({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    return _TYPE_NAMES.get(arrow_type, str(arrow_type).upper())


_TYPE_NAMES: dict[pa.DataType, str] = {
    pa.string(): "VARCHAR",
    pa.large_string(): "VARCHAR",
    pa.string_view(): "VARCHAR",
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.uint64(): "UBIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
    pa.bool_(): "BOOLEAN",
    pa.null(): "NULL",
}


def json_rows(table: pa.Table) -> list[list[Any]]:
    """Rows as JSON-ready lists: decimals as numbers, dates and times as ISO text, non-finite floats as null."""
    columns = [_json_column(column) for column in table.columns]
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _json_column(column: pa.ChunkedArray) -> list[Any]:
    kind = column.type
    if pa.types.is_decimal(kind):
        column = pc.cast(column, pa.float64())
        kind = column.type
    elif pa.types.is_temporal(kind):
        return [None if v is None else v.isoformat() for v in column.to_pylist()]
    values: list[Any] = column.to_pylist()
    if pa.types.is_floating(kind):
        return [v if v is None or math.isfinite(v) else None for v in values]
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return [None if v is None else bytes(v).hex() for v in values]
    return values
