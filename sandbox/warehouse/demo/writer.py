"""Stream Arrow chunks into a DuckDB file and swap it into place atomically."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from sandbox.errors import WarehouseError
from sandbox.warehouse.demo.schema import SCHEMAS, TABLES, column_names

_CHUNK_VIEW = "_demo_chunk"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qualified(table: str) -> str:
    schema, name = table.split(".", 1)
    return f"{_quote(schema)}.{_quote(name)}"


class WarehouseWriter:
    """Creates every table of ``schema.TABLES`` and appends Arrow chunks to them."""

    def __init__(self, path: Path, *, threads: int | None = None, memory_limit: str = "2GB") -> None:
        self._con = duckdb.connect(str(path))
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")
        self._con.execute(f"SET memory_limit = '{memory_limit}'")
        self._con.execute("SET preserve_insertion_order = false")
        for schema in SCHEMAS:
            self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
        for table, columns in TABLES.items():
            cols = ", ".join(f"{_quote(name)} {dtype}" for name, dtype in columns)
            self._con.execute(f"CREATE TABLE {_qualified(table)} ({cols})")

    def append(self, table: str, chunk: pa.Table) -> None:
        """Insert ``chunk``, whose columns must be exactly the table's columns in order."""
        expected = column_names(table)
        if tuple(chunk.column_names) != expected:
            raise WarehouseError(
                f"generator for {table} produced columns that do not match schema.TABLES",
                f"{table} 的生成器输出列与 schema.TABLES 不一致",
                code="demo.columns",
            )
        casts = ", ".join(f"CAST({_quote(n)} AS {t})" for n, t in TABLES[table])
        self._con.register(_CHUNK_VIEW, chunk)
        try:
            self._con.execute(f"INSERT INTO {_qualified(table)} SELECT {casts} FROM {_CHUNK_VIEW}")
        finally:
            self._con.unregister(_CHUNK_VIEW)

    def row_count(self, table: str) -> int:
        row = self._con.execute(f"SELECT count(*) FROM {_qualified(table)}").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self._con.execute("CHECKPOINT")
        self._con.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._con.close()


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


@contextlib.contextmanager
def atomic_target(target: Path, suffix: str = ".building") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success move it onto ``target``.

    On any exception (including KeyboardInterrupt) the temporary file is removed and an existing
    ``target`` is left untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + suffix)
    _remove(tmp)
    try:
        yield tmp
    except BaseException:
        _remove(tmp)
        raise
    os.replace(tmp, target)


def write_parquet_atomic(table: pa.Table, target: Path) -> None:
    """Write ``table`` as Parquet to ``target`` through a temporary file and a rename."""
    with atomic_target(target) as tmp:
        pq.write_table(table, tmp)
