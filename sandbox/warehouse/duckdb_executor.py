"""The hardened DuckDB executor.

One read-only database handle per process, locked down when it is opened (no file system, no extension
loading, no Python variable scans, configuration locked); one cursor per request so requests run
concurrently. ``sandbox_hash`` is a per-cursor temporary macro over one vectorised Arrow UDF; the macro
passes a random per-request token, and the UDF looks the key up by that token in process memory, so
the key never enters SQL text and a request can only use its own key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from pathlib import Path

import duckdb
import duckdb.func
import pyarrow as pa

from sandbox.errors import WarehouseError
from sandbox.warehouse.duckdb import connect_read_only
from sandbox.warehouse.executor import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_DUCKDB_THREADS,
    Dialect,
    ExecResult,
    check_limits,
    log_engine_error,
    query_failed,
    query_timeout,
)
from sandbox.warehouse.watchdog import WATCHDOG

_UDF = "_sandbox_hmac"
_BATCH_ROWS = 8_192


def _lockdown(memory_limit: str, threads: int) -> list[tuple[str, str]]:
    return [
        ("enable_external_access", "false"),  # no file, URL, ATTACH, COPY TO, INSTALL
        ("autoinstall_known_extensions", "false"),
        ("autoload_known_extensions", "false"),
        ("allow_community_extensions", "false"),
        ("allow_unsigned_extensions", "false"),
        ("python_enable_replacements", "false"),  # no `FROM some_python_variable`
        ("memory_limit", _quote(memory_limit)),
        ("threads", str(int(threads))),
        ("lock_configuration", "true"),  # last: nothing above can be SET by a query any more
    ]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _KeyRing:
    """Per-request HMAC states, addressed by random tokens that live as long as one request."""

    def __init__(self) -> None:
        self._states: dict[str, hmac.HMAC] = {}

    def add(self, key: bytes) -> str:
        token = secrets.token_hex(16)
        self._states[token] = hmac.new(key, digestmod=hashlib.sha256)
        return token

    def discard(self, token: str) -> None:
        self._states.pop(token, None)

    def udf(self, values: pa.Array, tokens: pa.Array) -> pa.Array:
        if len(values) == 0:
            return pa.array([], pa.string())
        base = self._states[tokens[0].as_py()]  # an unknown token fails the query (uniform error)
        out: list[str | None] = []
        for value in values.to_pylist():
            if value is None:
                out.append(None)
                continue
            state = base.copy()
            state.update(value.encode("utf-8"))
            out.append(state.hexdigest())
        return pa.array(out, pa.string())


class _Engine:
    """The process-wide handle on one warehouse file: locked down once, owner of the hash UDF.

    DuckDB shares one database instance per file within a process, and a Python UDF crashes the process
    if it is called after the connection that registered it has closed; so this connection stays open
    for the life of the process and every executor on the file borrows cursors from it.
    """

    def __init__(self, path: Path, memory_limit: str, threads: int) -> None:
        self.conn = connect_read_only(path)
        _apply_lockdown(self.conn, _lockdown(memory_limit, threads))
        self.conn.create_function(
            _UDF,
            _KEYS.udf,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            type=duckdb.func.ARROW,
            null_handling=duckdb.func.SPECIAL,
            side_effects=False,
        )


_KEYS = _KeyRing()
_ENGINES: dict[Path, _Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(path: Path, memory_limit: str, threads: int) -> _Engine:
    key = path.resolve()
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _Engine(path, memory_limit, threads)
        return _ENGINES[key]


def _apply_lockdown(conn: duckdb.DuckDBPyConnection, wanted: list[tuple[str, str]]) -> None:
    """SET GLOBAL each option (not a connect-time config, which DuckDB would refuse for a file another
    part of the process already has open); if someone locked the instance first, verify instead."""
    locked = conn.execute("SELECT current_setting('lock_configuration')").fetchone()
    if not (locked and locked[0]):
        for name, value in wanted:
            conn.execute(f"SET GLOBAL {name} = {value}")
        return
    for name, value in wanted:
        if name in _SECURITY_OPTIONS:
            current = conn.execute(f"SELECT CAST(current_setting('{name}') AS VARCHAR)").fetchone()
            if current is None or str(current[0]).lower() != value:
                raise WarehouseError(
                    f"The warehouse engine was locked with unsafe settings ({name}); restart the service.",
                    f"数据仓库引擎已以不安全的配置（{name}）锁定；请重启服务。",
                    code="warehouse.unsafe_engine",
                )


_SECURITY_OPTIONS = frozenset(
    {
        "enable_external_access",
        "autoinstall_known_extensions",
        "autoload_known_extensions",
        "allow_community_extensions",
        "allow_unsigned_extensions",
        "python_enable_replacements",
    }
)


class DuckDBExecutor:
    """Executor on a DuckDB file. Limits apply from the first executor opened on the file in this process."""

    dialect: Dialect = "duckdb"

    def __init__(
        self,
        path: Path,
        *,
        memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT,
        threads: int = DEFAULT_DUCKDB_THREADS,
    ) -> None:
        self._engine = _engine(path, memory_limit, threads)
        self._closed = False

    def run(self, sql: str, *, hash_key: bytes, timeout_s: float, max_rows: int) -> ExecResult:
        check_limits(timeout_s, max_rows, hash_key)
        if self._closed:
            raise RuntimeError("this executor is closed")
        started = time.perf_counter()
        cursor = self._engine.conn.cursor()
        token = _KEYS.add(hash_key)
        deadline = None
        failure: WarehouseError | None = None
        try:
            if "sandbox_hash" in sql.lower():  # without it the macro is not needed (an unknown name fails)
                cursor.execute(f"CREATE TEMP MACRO sandbox_hash(x) AS {_UDF}(CAST(x AS VARCHAR), '{token}')")
            _require_one_select(cursor, sql)
            deadline = WATCHDOG.schedule(timeout_s, cursor.interrupt)
            table, truncated = _fetch(cursor, sql, max_rows)
        except Exception as error:
            timed_out = deadline is not None and deadline.fired
            if not timed_out:
                log_engine_error(self.dialect, error)
            failure = query_timeout() if timed_out else query_failed()
        finally:
            if deadline is not None:
                deadline.cancel()
            _KEYS.discard(token)
            cursor.close()
        if failure is not None:
            raise failure  # raised outside the handler: no engine exception chained to it
        return ExecResult(table, truncated, (time.perf_counter() - started) * 1000)

    def close(self) -> None:
        # The shared engine stays open (see _Engine); only this executor stops accepting queries.
        self._closed = True


class _NotOneSelect(Exception):
    """Defence in depth: the pipeline already allows only one SELECT; the engine double-checks."""


def _require_one_select(cursor: duckdb.DuckDBPyConnection, sql: str) -> None:
    statements = cursor.extract_statements(sql)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise _NotOneSelect()


def _fetch(cursor: duckdb.DuckDBPyConnection, sql: str, max_rows: int) -> tuple[pa.Table, bool]:
    reader = cursor.sql(sql).to_arrow_reader(min(max_rows + 1, _BATCH_ROWS) or 1)
    batches: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        batches.append(batch)
        rows += batch.num_rows
        if rows > max_rows:
            break
    table = pa.Table.from_batches(batches, schema=reader.schema)
    return table.slice(0, max_rows), rows > max_rows
