"""Running already-checked SQL on the warehouse: the executor interface and its uniform errors.

The policy pipeline decides *what* may run; an executor decides *how*: a locked-down engine, a statement
timeout, a row cap, and the keyed pseudonym function ``sandbox_hash``. Whatever goes wrong inside the
engine surfaces as one of two fixed errors, so a failure never tells a user which row caused it
(error oracle) or what the data looked like. The real cause goes to the log, never to the caller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import pyarrow as pa

from sandbox.errors import WarehouseError

if TYPE_CHECKING:
    from sandbox.settings import Settings

log = logging.getLogger("sandbox.warehouse.executor")

Dialect = Literal["duckdb", "postgres"]

QUERY_FAILED = "query.failed"
QUERY_TIMEOUT = "query.timeout"

# Fixed texts: identical for every cause, carry no engine text, value or path.
_FAILED_EN = "The query could not be run on the warehouse. Check the query and try again."
_FAILED_ZH = "查询无法在数据仓库中执行，请检查查询后重试。"
_TIMEOUT_EN = "The query took longer than the time allowed and was stopped."
_TIMEOUT_ZH = "查询超过允许的执行时间，已被终止。"

# Defaults for the engine limits; Settings may override them (see _setting).
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"
DEFAULT_DUCKDB_THREADS = 2
DEFAULT_PG_POOL_MAX = 8
DEFAULT_READER_ROLE = "sandbox_reader"


@dataclass(frozen=True)
class ExecResult:
    """A result: at most ``max_rows`` rows, whether more existed, and the engine time in milliseconds."""

    table: pa.Table
    truncated: bool
    duration_ms: float


class Executor(Protocol):
    """Runs one checked SELECT (a ``QueryPlan.sql``) on a hardened, read-only warehouse connection.

    ``run`` contract:
    - ``sandbox_hash(x)`` is available to the SQL and equals lowercase hex
      HMAC-SHA-256(hash_key, CAST(x AS text)), NULL for NULL, identically on both engines. The key is
      passed out of band (never in SQL text, logs or errors).
    - At most ``max_rows + 1`` rows are fetched; the result holds at most ``max_rows`` rows and
      ``truncated`` says whether the query produced more. Truncation is not an error.
    - Exactly one SELECT statement is executed; anything else fails.
    - Any engine or runtime failure raises ``WarehouseError(code="query.failed")`` with one fixed
      message; exceeding ``timeout_s`` raises ``WarehouseError(code="query.timeout")``, also fixed.
    - Safe to call from several threads at once.
    """

    dialect: Dialect

    def run(self, sql: str, *, hash_key: bytes, timeout_s: float, max_rows: int) -> ExecResult: ...

    def close(self) -> None: ...


def query_failed() -> WarehouseError:
    return WarehouseError(_FAILED_EN, _FAILED_ZH, code=QUERY_FAILED)


def query_timeout() -> WarehouseError:
    return WarehouseError(_TIMEOUT_EN, _TIMEOUT_ZH, code=QUERY_TIMEOUT)


def log_engine_error(dialect: Dialect, error: BaseException, detail: str = "") -> None:
    """Record an engine failure: the class (and SQLSTATE) at WARNING, the engine text only at DEBUG.

    Engine messages can quote data values ("could not convert 'x'"), so they stay out of WARNING logs.
    """
    log.warning("query failed on %s: %s%s", dialect, type(error).__name__, f" ({detail})" if detail else "")
    log.debug("engine message: %s", error)


def check_limits(timeout_s: float, max_rows: int, hash_key: bytes) -> None:
    # Programming errors of the caller, not user input: fail loudly.
    if timeout_s <= 0:
        raise ValueError("timeout_s must be positive")
    if max_rows < 0:
        raise ValueError("max_rows must not be negative")
    if len(hash_key) < 16:
        raise ValueError("hash_key must hold at least 16 bytes")


def open_executor(settings: Settings) -> Executor:
    """The executor for ``settings.warehouse``: a DuckDB file, or a postgresql:// DSN.

    For PostgreSQL the DSN's user is replaced by the reader role created by ``sandbox warehouse load``
    (its password, if any, comes from libpq's usual sources: PGPASSWORD or ~/.pgpass).
    """
    if settings.warehouse_is_duckdb:
        from sandbox.warehouse.duckdb_executor import DuckDBExecutor

        return DuckDBExecutor(
            settings.duckdb_path,
            memory_limit=str(_setting(settings, "duckdb_memory_limit", DEFAULT_DUCKDB_MEMORY_LIMIT)),
            threads=int(_setting(settings, "duckdb_threads", DEFAULT_DUCKDB_THREADS)),
        )
    from sandbox.warehouse.postgres_executor import PostgresExecutor, reader_conninfo

    role = str(_setting(settings, "warehouse_reader_role", DEFAULT_READER_ROLE))
    return PostgresExecutor(
        reader_conninfo(settings.warehouse, role),
        pool_max=int(_setting(settings, "warehouse_pool_max", DEFAULT_PG_POOL_MAX)),
    )


def _setting(settings: Settings, name: str, default: str | int) -> str | int:
    # The lead may add these fields to Settings; until then the defaults apply.
    value = getattr(settings, name, None)
    return default if value is None else value
