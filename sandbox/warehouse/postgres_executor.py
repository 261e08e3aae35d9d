"""The hardened PostgreSQL executor.

Connects only as the reader role set up by the load (and refuses to start as anything more powerful),
through a connection pool. Each query runs in its own READ ONLY transaction with a transaction-local
statement timeout and hash key (set through bound parameters, so the key is never in SQL text), as a
server-side cursor: ``DECLARE … CURSOR FOR`` accepts a single SELECT or VALUES only, and lets us fetch
no more than ``max_rows + 1`` rows.
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pyarrow as pa
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from sandbox.errors import WarehouseError
from sandbox.warehouse.executor import (
    DEFAULT_PG_POOL_MAX,
    Dialect,
    ExecResult,
    check_limits,
    log_engine_error,
    query_failed,
    query_timeout,
)
from sandbox.warehouse.postgres import describe_target
from sandbox.warehouse.postgres_reader import HASH_SCHEMA, KEY_SETTING

_SETUP = sql.SQL(
    "SELECT set_config('statement_timeout', %s, true), set_config({key}, %s, true), "
    "set_config('search_path', {path}, true)"
).format(key=sql.Literal(KEY_SETTING), path=sql.Literal(HASH_SCHEMA))

# The reader's powers, from its own session: anything true here means it could write or escalate.
_POWERS = """
SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,
       EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid),
       has_database_privilege(current_database(), 'CREATE'),
       EXISTS (SELECT 1 FROM pg_namespace n
               WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                 AND has_schema_privilege(n.oid, 'CREATE')),
       EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
                 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                 AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
FROM pg_roles r WHERE r.rolname = current_user
"""
_POWER_NAMES = (
    "SUPERUSER",
    "CREATEROLE",
    "CREATEDB",
    "REPLICATION",
    "BYPASSRLS",
    "membership of other roles",
    "CREATE on the database",
    "CREATE on a schema",
    "write privileges on a table",
)


def reader_conninfo(dsn: str, role: str) -> str:
    """``dsn`` with its user replaced by ``role``; the admin's password is dropped, never reused."""
    params: dict[str, Any] = conninfo_to_dict(dsn)
    if params.get("user") != role:
        params["user"] = role
        params.pop("password", None)
    return make_conninfo(**params)


class PostgresExecutor:
    dialect: Dialect = "postgres"

    def __init__(self, conninfo: str, *, pool_max: int = DEFAULT_PG_POOL_MAX) -> None:
        self._target = describe_target(conninfo)
        check_reader(conninfo)
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=pool_max,
            kwargs={"application_name": "sandbox-executor", "connect_timeout": 5, "autocommit": True},
            configure=_configure,
            reset=_reset,
            open=True,
            name="sandbox-executor",
        )

    def run(self, sql_text: str, *, hash_key: bytes, timeout_s: float, max_rows: int) -> ExecResult:
        check_limits(timeout_s, max_rows, hash_key)
        timeout_ms = str(max(1, round(timeout_s * 1000)))
        started = time.perf_counter()
        failure: WarehouseError | None = None
        try:
            with self._pool.connection(timeout=timeout_s) as conn, conn.transaction():
                conn.execute(_SETUP, (timeout_ms, hash_key.hex()))
                table, truncated = _fetch(conn, sql_text, max_rows)
        except (errors.QueryCanceled, PoolTimeout):
            failure = query_timeout()
        except Exception as error:
            log_engine_error(self.dialect, error, getattr(error, "sqlstate", None) or "")
            failure = query_failed()
        if failure is not None:
            raise failure  # raised outside the handler: no engine exception chained to it
        return ExecResult(table, truncated, (time.perf_counter() - started) * 1000)

    def close(self) -> None:
        self._pool.close()


def _configure(conn: psycopg.Connection) -> None:
    # BEGIN READ ONLY for every transaction, on top of the role's default_transaction_read_only.
    conn.read_only = True


def _reset(conn: psycopg.Connection) -> None:
    # A query may have changed session state (set_config(..., false), advisory locks); the next request
    # on this pooled connection must start from the role's defaults.
    conn.execute("RESET ALL; SELECT pg_advisory_unlock_all()")


def check_reader(conninfo: str) -> None:
    """Refuse to run queries as a role that could write or escalate (defence in depth)."""
    target = describe_target(conninfo)
    try:
        with psycopg.connect(conninfo, connect_timeout=5) as conn:
            row = conn.execute(_POWERS).fetchone()
            read_only = conn.execute("SHOW default_transaction_read_only").fetchone()
            hash_ready = conn.execute(
                "SELECT to_regprocedure(%s) IS NOT NULL AND has_function_privilege(to_regprocedure(%s), 'EXECUTE')",
                (f"{HASH_SCHEMA}.sandbox_hash(text)",) * 2,
            ).fetchone()
    except psycopg.Error:
        raise WarehouseError(
            f"Cannot connect to PostgreSQL at {target} as the warehouse reader role: run "
            "`sandbox warehouse load` first and check the DSN.",
            f"无法以数据仓库只读角色连接 PostgreSQL（{target}）：请先运行 `sandbox warehouse load` 并检查连接串。",
            code="warehouse.connect",
        ) from None
    powers = [name for name, held in zip(_POWER_NAMES, row or (), strict=False) if held]
    if row is None:
        powers.append("unknown role")
    if not read_only or read_only[0] != "on":
        powers.append("default_transaction_read_only is off")
    if not powers and not (hash_ready and hash_ready[0]):
        raise WarehouseError(
            f"The PostgreSQL warehouse at {target} lacks the sandbox_hash function: run `sandbox warehouse load`.",
            f"PostgreSQL 数据仓库（{target}）缺少 sandbox_hash 函数：请运行 `sandbox warehouse load`。",
            code="warehouse.not_loaded",
        )
    if powers:
        raise WarehouseError(
            f"Refusing to query PostgreSQL at {target}: the connected role is not a read-only reader "
            f"({', '.join(powers)}). Connect as the role created by `sandbox warehouse load`.",
            f"拒绝查询 PostgreSQL（{target}）：所连接的角色不是只读角色（{', '.join(powers)}）。"
            "请使用 `sandbox warehouse load` 创建的角色连接。",
            code="warehouse.unsafe_role",
        )


def _fetch(conn: psycopg.Connection, sql_text: str, max_rows: int) -> tuple[pa.Table, bool]:
    with conn.cursor(name="sandbox_query") as cur:
        cur.execute(sql_text)  # checked SQL from the policy pipeline
        rows = cur.fetchmany(max_rows + 1)
        description = cur.description or []
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    names = [column.name for column in description]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    arrays = [_array(list(values), column) for values, column in zip(columns, description, strict=True)]
    return pa.Table.from_arrays(arrays, names=names), truncated


_ARROW_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    700: pa.float32(),
    701: pa.float64(),
    25: pa.string(),
    1042: pa.string(),
    1043: pa.string(),
    19: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
}
_NUMERIC = 1700


def _array(values: list[Any], column: psycopg.Column) -> pa.Array:
    arrow_type = _ARROW_TYPES.get(column.type_code)
    if arrow_type is None and column.type_code == _NUMERIC and column.precision is not None:
        decimal = pa.decimal128 if column.precision <= 38 else pa.decimal256
        arrow_type = decimal(column.precision, column.scale or 0)
    if arrow_type is not None:
        return pa.array(values, arrow_type)
    if column.type_code == _NUMERIC and any(isinstance(v, Decimal) and not v.is_finite() for v in values):
        return pa.array([None if v is None else float(v) for v in values], pa.float64())
    if any(isinstance(v, timedelta) for v in values):
        return pa.array(values, pa.duration("us"))
    return pa.array(values)  # inferred (e.g. unconstrained numeric)
