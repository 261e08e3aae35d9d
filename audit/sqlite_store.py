"""SQLite backend: WAL journal, synchronous=FULL (every commit is fsynced before a writer is acknowledged)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from audit import store as s

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, chain BLOB NOT NULL, frontier BLOB NOT NULL,
    ts_us INTEGER NOT NULL, cp_size INTEGER NOT NULL, cp_ts_us INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit_entry (
    seq INTEGER PRIMARY KEY, ts_us INTEGER NOT NULL, type TEXT, actor TEXT, enterprise TEXT,
    body BLOB, leaf BLOB NOT NULL, chain BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS audit_entry_actor ON audit_entry (actor, seq);
CREATE INDEX IF NOT EXISTS audit_entry_enterprise ON audit_entry (enterprise, seq);
CREATE INDEX IF NOT EXISTS audit_entry_type ON audit_entry (type, seq);
CREATE INDEX IF NOT EXISTS audit_entry_ts ON audit_entry (ts_us);
CREATE TABLE IF NOT EXISTS audit_entry_dataset (
    dataset TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (dataset, seq));
CREATE TABLE IF NOT EXISTS audit_checkpoint (size INTEGER PRIMARY KEY, ts_us INTEGER NOT NULL, note TEXT NOT NULL);
-- Append-only guards (defence in depth: whoever can edit the file can drop them; verify catches that).
CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry
    WHEN NOT (NEW.body IS NULL AND NEW.seq = OLD.seq AND NEW.leaf = OLD.leaf AND NEW.chain = OLD.chain
              AND NEW.ts_us = OLD.ts_us)
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
    BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
    BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
"""


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute("PRAGMA busy_timeout = 30000")
    enable_wal(conn)
    conn.execute("PRAGMA synchronous = FULL")  # NORMAL may lose committed entries on power loss
    conn.execute("PRAGMA fullfsync = ON")  # macOS: a real flush to the platter
    return conn


def enable_wal(conn: sqlite3.Connection, timeout_s: float = 30.0) -> None:
    """Switch to WAL, retrying: SQLite answers BUSY at once, without the busy handler, while another
    process is creating or converting the same file."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class SqliteSnapshot:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def origin(self) -> str:
        row = self._conn.execute(s.SQL_ORIGIN).fetchone()
        return str(row[0]) if row else ""

    def head(self) -> s.Head:
        return s.head_from_row(self._conn.execute(s.SQL_HEAD).fetchone())

    def entries(self) -> Iterator[s.StoredEntry]:
        cur = self._conn.execute(s.SQL_ENTRIES)
        while rows := cur.fetchmany(4096):
            for seq, body, leaf, chain in rows:
                yield s.StoredEntry(seq, None if body is None else _as_bytes(body), _as_bytes(leaf), _as_bytes(chain))

    def checkpoints(self) -> list[s.StoredCheckpoint]:
        return [s.StoredCheckpoint(*row) for row in self._conn.execute(s.SQL_CHECKPOINTS)]


class SqliteStore:
    """One file; one writer connection used only by the sequencer thread."""

    def __init__(self, path: str | Path, origin: str) -> None:
        self.location = str(path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = _connect(self.location)
        self._writer.executescript(SCHEMA)  # idempotent DDL
        self._writer.execute("BEGIN IMMEDIATE")
        try:
            self._writer.execute("INSERT OR IGNORE INTO audit_meta (key, value) VALUES ('origin', ?)", (origin,))
            self._writer.execute(
                "INSERT OR IGNORE INTO audit_head VALUES (1, 0, ?, ?, 0, 0, ?)", (s.GENESIS_CHAIN, b"", s.now_us())
            )
            self._writer.execute("COMMIT")
        except BaseException:
            self._writer.execute("ROLLBACK")
            raise
        self._origin = str(self._writer.execute(s.SQL_ORIGIN).fetchone()[0])

    def origin(self) -> str:
        return self._origin

    def commit_batch(self, build: s.BatchBuilder) -> s.Batch:
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")  # takes the write lock: one batch at a time, across processes too
        try:
            old = s.head_from_row(conn.execute(s.SQL_HEAD).fetchone())
            batch = build(old)
            s.write_batch(lambda q, p: conn.execute(q, p).rowcount, conn.executemany, old, batch)
            conn.execute("COMMIT")  # fsync (synchronous=FULL) before anyone is acknowledged
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return batch

    @contextmanager
    def snapshot(self) -> Iterator[SqliteSnapshot]:
        conn = _connect(self.location)
        try:
            conn.execute("BEGIN")  # deferred: the first read pins one WAL snapshot
            yield SqliteSnapshot(conn)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def query(self, flt: s.EventFilter, after_seq: int, limit: int) -> list[tuple[int, bytes]]:
        sql, params = s.query_sql(flt, after_seq, limit)
        with self._reader() as conn:
            return [(int(seq), bytes(body)) for seq, body in conn.execute(sql, params)]

    def last_seq_before(self, ts_us: int) -> int:
        with self._reader() as conn:
            return int(conn.execute(s.SQL_LAST_BEFORE, (ts_us,)).fetchone()[0])

    def prune_through(self, seq: int) -> int:
        with self._reader() as conn:
            conn.execute("BEGIN IMMEDIATE")
            changed = conn.execute(s.SQL_PRUNE, (seq,)).rowcount
            conn.execute(s.SQL_PRUNE_DATASETS, (seq,))
            conn.execute("COMMIT")
            return int(changed)

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        conn = _connect(self.location)
        try:
            yield conn
        finally:
            conn.close()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Raw access for tests and tooling (not used by the log itself)."""
        with self._reader() as conn:
            return list(conn.execute(sql, params))

    def close(self) -> None:
        self._writer.close()


def _as_bytes(value: object) -> bytes:
    # SQLite columns are dynamically typed: an edit made with string functions turns a BLOB into TEXT.
    # Verification must then report a mismatch, not fail on the type.
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")
