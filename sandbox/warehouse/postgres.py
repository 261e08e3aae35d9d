"""The PostgreSQL warehouse: bulk load from the DuckDB build with COPY, and introspection.

A load is one transaction: tables are created and filled in staging schemas, row counts are checked,
then the old schemas are dropped and the staging ones renamed. Readers see the old warehouse until the
commit and the new one after it; a failure leaves the old one untouched.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql

from sandbox.errors import WarehouseError
from sandbox.warehouse import duckdb as duck
from sandbox.warehouse import postgres_reader as reader
from sandbox.warehouse.executor import DEFAULT_READER_ROLE
from sandbox.warehouse.names import SCHEMAS, qualified
from sandbox.warehouse.types import from_postgres, to_postgres

STAGING_PREFIX = "_load_"
BATCH_ROWS = 200_000

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class LoadReport:
    rows: dict[str, int]
    target: str


def describe_target(dsn: str) -> str:
    """Host, port and database of a DSN, for messages; the password is never shown."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(unparseable DSN)"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


@contextmanager
def connect(dsn: str) -> Iterator[psycopg.Connection]:
    target = describe_target(dsn)
    try:
        conn = psycopg.connect(dsn, connect_timeout=5, application_name="sandbox-warehouse")
    except (psycopg.OperationalError, psycopg.ProgrammingError):
        raise WarehouseError(
            f"Cannot connect to PostgreSQL at {target}: check the DSN, that the server runs and that "
            "the user may log in.",
            f"无法连接 PostgreSQL（{target}）：请检查连接串、服务器是否运行以及用户是否有登录权限。",
            code="warehouse.connect",
        ) from None
    try:
        yield conn
    finally:
        conn.close()


def load_from_duckdb(
    source: Path,
    dsn: str,
    progress: Progress | None = None,
    *,
    reader_role: str = DEFAULT_READER_ROLE,
    reader_password: str | None = None,
) -> LoadReport:
    """Copy every table of the five schemas from the DuckDB file ``source`` into PostgreSQL.

    Also (idempotently) sets up ``reader_role``, the only role queries run as, and the ``sandbox_hash``
    function: see ``sandbox.warehouse.postgres_reader``.
    """
    src = duck.connect_read_only(source)
    try:
        tables = duck.describe(src)
        if not tables:
            raise WarehouseError(
                f"The warehouse {source} holds no tables: run `sandbox demo-data` first.",
                f"数据仓库 {source} 中没有表：请先运行 `sandbox demo-data`。",
                code="warehouse.empty",
            )
        with connect(dsn) as conn:
            try:
                reader.ensure_role(conn, reader_role, reader_password)
                rows = _load(conn, src, tables, progress, reader_role)
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFile):
                raise WarehouseError(
                    f"The load into {describe_target(dsn)} needs a user that may create roles and the pgcrypto "
                    f"extension (to set up the reader role {reader_role}); the load was rolled back.",
                    f"向 {describe_target(dsn)} 装载需要有权创建角色和 pgcrypto 扩展的用户"
                    f"（用于设置只读角色 {reader_role}），已回滚本次装载。",
                    code="warehouse.privileges",
                ) from None
    finally:
        src.close()
    return LoadReport(rows=rows, target=describe_target(dsn))


def _load(
    conn: psycopg.Connection,
    src: duckdb.DuckDBPyConnection,
    tables: duck.Columns,
    progress: Progress | None,
    reader_role: str,
) -> dict[str, int]:
    rows: dict[str, int] = {}
    with conn.transaction(), conn.cursor() as cur:
        for schema in SCHEMAS:
            staging = sql.Identifier(STAGING_PREFIX + schema)
            cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(staging))
            cur.execute(sql.SQL("CREATE SCHEMA {}").format(staging))
        for dataset, columns in tables.items():
            rows[dataset] = _copy_table(cur, src, dataset, columns, progress)
        for schema in SCHEMAS:
            cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
            cur.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(STAGING_PREFIX + schema), sql.Identifier(schema)
                )
            )
        reader.grant_reader(cur, reader_role)
    return rows


def _copy_table(
    cur: psycopg.Cursor,
    src: duckdb.DuckDBPyConnection,
    dataset: str,
    columns: list[tuple[str, str]],
    progress: Progress | None,
) -> int:
    schema, table = dataset.split(".", 1)
    target = sql.Identifier(STAGING_PREFIX + schema, table)
    column_defs = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(_postgres_type(dataset, name, kind)))
        for name, kind in columns
    )
    cur.execute(sql.SQL("CREATE TABLE {} ({})").format(target, column_defs))
    reader: pa.RecordBatchReader = src.sql(f"SELECT * FROM {qualified(dataset)}").to_arrow_reader(BATCH_ROWS)
    copied = 0
    with cur.copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv)").format(target)) as copy:
        for batch in reader:
            copy.write(_csv_bytes(batch))
            copied += batch.num_rows
            if progress:
                progress(dataset, batch.num_rows)
    cur.execute(sql.SQL("SELECT count(*) FROM {}").format(target))
    loaded = cur.fetchone()
    if loaded is None or loaded[0] != copied:
        raise WarehouseError(
            f"Row count mismatch after copying {dataset}; the load was rolled back.",
            f"复制 {dataset} 后行数不一致，已回滚本次装载。",
            code="warehouse.count_mismatch",
        )
    return copied


def _postgres_type(dataset: str, column: str, duckdb_type: str) -> str:
    try:
        return to_postgres(duckdb_type)
    except ValueError:
        raise WarehouseError(
            f"Column {dataset}.{column} has type {duckdb_type}, which the warehouse does not support; "
            "the load was rolled back.",
            f"列 {dataset}.{column} 的类型 {duckdb_type} 不在数据仓库支持的类型之内，已回滚本次装载。",
            code="warehouse.unsupported_type",
        ) from None


def _csv_bytes(batch: pa.RecordBatch) -> bytes:
    # Arrow quotes every string and leaves NULL unquoted-empty, which is exactly PostgreSQL's CSV convention.
    buffer = io.BytesIO()
    pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
    return buffer.getvalue()


def describe(conn: psycopg.Connection) -> duck.Columns:
    """``{"schema.table": [(column, duckdb_type), ...]}`` for the five schemas, in column order."""
    cur = conn.execute(
        "SELECT table_schema, table_name, column_name, data_type, numeric_precision, numeric_scale "
        "FROM information_schema.columns WHERE table_schema = ANY(%s) "
        "ORDER BY table_schema, table_name, ordinal_position",
        (list(SCHEMAS),),
    )
    tables: duck.Columns = {}
    for schema, table, column, data_type, precision, scale in cur.fetchall():
        column_type = from_postgres(data_type, precision, scale)
        tables.setdefault(f"{schema}.{table}", []).append((column, column_type))
    return tables
