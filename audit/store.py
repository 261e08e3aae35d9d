"""Storage behind one interface; SQLite and PostgreSQL differ only in connection handling and SQL dialect.

A batch is written in ONE transaction that locks the single head row, so sequence numbers, the chain and
the Merkle frontier advance atomically and gap-free even with several writer processes (the head update is
also a compare-and-swap on the old size, so a second writer can never fork the log).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from audit.events import to_ts_us

GENESIS_CHAIN = bytes(32)


def is_postgres(location: str) -> bool:
    """A ``postgresql://`` URL or a libpq ``key=value`` string; anything else is a SQLite path."""
    return location.startswith(("postgresql://", "postgres://")) or "dbname=" in location


def now_us() -> int:
    return time.time_ns() // 1000


@dataclass(frozen=True)
class Head:
    """The tip of the log: what the next batch builds on."""

    size: int
    chain: bytes
    frontier: bytes  # Frontier.to_bytes()
    ts_us: int  # time of the last entry (entry times never go backwards)
    cp_size: int  # tree size of the last signed checkpoint
    cp_ts_us: int  # time of the last checkpoint (creation time before the first)


@dataclass(frozen=True)
class Row:
    seq: int
    ts_us: int
    type: str
    actor: str
    enterprise: str | None
    datasets: tuple[str, ...]
    body: bytes
    leaf: bytes
    chain: bytes


class StoredEntry(NamedTuple):  # a tuple: verification builds a million of these
    seq: int
    body: bytes | None  # None once retention has removed the content (hashes stay)
    leaf: bytes
    chain: bytes


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    ts_us: int
    note: str


@dataclass(frozen=True)
class EventFilter:
    """Auditor query; every given field narrows the result. Times are timezone-aware, ``since <= ts < until``."""

    actor: str | None = None
    enterprise: str | None = None
    dataset: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Batch:
    rows: Sequence[Row]
    head: Head
    checkpoint: StoredCheckpoint | None


class BatchBuilder(Protocol):
    def __call__(self, head: Head) -> Batch: ...


class Snapshot(Protocol):
    """A consistent read-only view (one read transaction)."""

    def origin(self) -> str: ...
    def head(self) -> Head: ...
    def entries(self) -> Iterator[StoredEntry]: ...
    def checkpoints(self) -> list[StoredCheckpoint]: ...


class Store(Protocol):
    location: str

    def origin(self) -> str: ...
    def commit_batch(self, build: BatchBuilder) -> Batch: ...
    def snapshot(self) -> AbstractContextManager[Snapshot]: ...
    def query(self, flt: EventFilter, after_seq: int, limit: int) -> list[tuple[int, bytes]]: ...
    def last_seq_before(self, ts_us: int) -> int: ...
    def prune_through(self, seq: int) -> int: ...
    def close(self) -> None: ...


class HeadConflict(RuntimeError):
    """The head moved under a writer that held its lock: refuse rather than fork the log."""


# SQL shared by both dialects; `?` placeholders are rewritten for psycopg.
SQL_HEAD = "SELECT size, chain, frontier, ts_us, cp_size, cp_ts_us FROM audit_head WHERE id = 1"
SQL_INSERT_ENTRY = (
    "INSERT INTO audit_entry (seq, ts_us, type, actor, enterprise, body, leaf, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
SQL_INSERT_DATASET = "INSERT INTO audit_entry_dataset (dataset, seq) VALUES (?, ?)"
SQL_INSERT_CHECKPOINT = "INSERT INTO audit_checkpoint (size, ts_us, note) VALUES (?, ?, ?)"
SQL_UPDATE_HEAD = (
    "UPDATE audit_head SET size = ?, chain = ?, frontier = ?, ts_us = ?, cp_size = ?, cp_ts_us = ? "
    "WHERE id = 1 AND size = ?"
)
SQL_ENTRIES = "SELECT seq, body, leaf, chain FROM audit_entry ORDER BY seq"
SQL_ORIGIN = "SELECT value FROM audit_meta WHERE key = 'origin'"
SQL_CHECKPOINTS = "SELECT size, ts_us, note FROM audit_checkpoint ORDER BY size"
SQL_LAST_BEFORE = "SELECT COALESCE(MAX(seq), 0) FROM audit_entry WHERE ts_us < ?"
SQL_PRUNE = (
    "UPDATE audit_entry SET body = NULL, type = NULL, actor = NULL, enterprise = NULL "
    "WHERE seq <= ? AND body IS NOT NULL"
)
SQL_PRUNE_DATASETS = "DELETE FROM audit_entry_dataset WHERE seq <= ?"


def head_from_row(row: Sequence[Any]) -> Head:
    return Head(int(row[0]), bytes(row[1]), bytes(row[2]), int(row[3]), int(row[4]), int(row[5]))


def write_batch(
    execute: Callable[[str, Sequence[Any]], int],
    executemany: Callable[[str, list[Any]], object],
    old: Head,
    batch: Batch,
) -> None:
    """Insert a built batch and advance the head (inside the caller's transaction)."""
    if batch.rows:
        executemany(
            SQL_INSERT_ENTRY,
            [(r.seq, r.ts_us, r.type, r.actor, r.enterprise, r.body, r.leaf, r.chain) for r in batch.rows],
        )
        datasets = [(d, r.seq) for r in batch.rows for d in dict.fromkeys(r.datasets)]
        if datasets:
            executemany(SQL_INSERT_DATASET, datasets)
    if batch.checkpoint is not None:
        cp = batch.checkpoint
        execute(SQL_INSERT_CHECKPOINT, (cp.size, cp.ts_us, cp.note))
    h = batch.head
    changed = execute(SQL_UPDATE_HEAD, (h.size, h.chain, h.frontier, h.ts_us, h.cp_size, h.cp_ts_us, old.size))
    if changed != 1:
        raise HeadConflict("audit head changed during the batch")


def query_sql(flt: EventFilter, after_seq: int, limit: int) -> tuple[str, list[Any]]:
    """Auditor query over the index columns (callers re-read each event from its authenticated body)."""
    join, params = "", list[Any]()
    if flt.dataset is not None:
        join = " JOIN audit_entry_dataset d ON d.seq = e.seq AND d.dataset = ?"
        params.append(flt.dataset)
    clauses = ["e.seq > ?", "e.body IS NOT NULL"]
    params.append(after_seq)
    for column, value in (("actor", flt.actor), ("enterprise", flt.enterprise), ("type", flt.type)):
        if value is not None:
            clauses.append(f"e.{column} = ?")
            params.append(value)
    if flt.since is not None:
        clauses.append("e.ts_us >= ?")
        params.append(to_ts_us(flt.since))
    if flt.until is not None:
        clauses.append("e.ts_us < ?")
        params.append(to_ts_us(flt.until))
    params.append(limit)
    sql = f"SELECT e.seq, e.body FROM audit_entry e{join} WHERE {' AND '.join(clauses)} ORDER BY e.seq LIMIT ?"
    return sql, params
