"""PostgreSQL backend.

Concurrency design: there is no queue table that a reader follows by "id greater than the last seen" (ids
become visible out of commit order, which loses rows). Instead every writer process groups its producers'
events into one transaction that locks the single head row (`SELECT … FOR UPDATE`), assigns the next
sequence numbers from it, inserts the entries and advances the head with a compare-and-swap. The row lock
serialises batches across connections, so sequence numbers are committed in order, gap-free, and a
transaction that aborts leaves no trace. `synchronous_commit = on` makes COMMIT wait for the WAL flush.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from audit import store as s

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, chain BYTEA NOT NULL, frontier BYTEA NOT NULL,
    ts_us BIGINT NOT NULL, cp_size BIGINT NOT NULL, cp_ts_us BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_entry (
    seq BIGINT PRIMARY KEY, ts_us BIGINT NOT NULL, type TEXT, actor TEXT, enterprise TEXT,
    body BYTEA, leaf BYTEA NOT NULL, chain BYTEA NOT NULL);
CREATE INDEX IF NOT EXISTS audit_entry_actor ON audit_entry (actor, seq);
CREATE INDEX IF NOT EXISTS audit_entry_enterprise ON audit_entry (enterprise, seq);
CREATE INDEX IF NOT EXISTS audit_entry_type ON audit_entry (type, seq);
CREATE INDEX IF NOT EXISTS audit_entry_ts ON audit_entry (ts_us);
CREATE TABLE IF NOT EXISTS audit_entry_dataset (dataset TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (dataset, seq));
CREATE TABLE IF NOT EXISTS audit_checkpoint (size BIGINT PRIMARY KEY, ts_us BIGINT NOT NULL, note TEXT NOT NULL);
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_entry' AND NEW.body IS NULL AND NEW.seq = OLD.seq
       AND NEW.leaf = OLD.leaf AND NEW.chain = OLD.chain AND NEW.ts_us = OLD.ts_us THEN
        RETURN NEW;  -- retention removes content but keeps the hashes
    END IF;
    RAISE EXCEPTION 'audit tables are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_entry_append_only') THEN
        CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
            FOR EACH ROW EXECUTE FUNCTION audit_append_only();
        CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
            FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
        CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
            FOR EACH ROW EXECUTE FUNCTION audit_append_only();
        CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
            FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
    END IF;
END $$;
"""


def _sql(query: str) -> str:
    return query.replace("?", "%s")


def _connect(dsn: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(dsn)
    conn.execute("SET synchronous_commit = on")  # COMMIT returns only after the WAL is flushed
    conn.commit()
    return conn


class PgSnapshot:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def origin(self) -> str:
        row = self._conn.execute(s.SQL_ORIGIN).fetchone()
        return str(row[0]) if row else ""

    def head(self) -> s.Head:
        row = self._conn.execute(s.SQL_HEAD).fetchone()
        assert row is not None
        return s.head_from_row(row)

    def entries(self) -> Iterator[s.StoredEntry]:
        with self._conn.cursor(name="audit_entries") as cur:  # server-side: streams a million rows
            cur.itersize = 8192
            cur.execute(s.SQL_ENTRIES)
            for seq, body, leaf, chain in cur:
                yield s.StoredEntry(seq, None if body is None else bytes(body), bytes(leaf), bytes(chain))

    def checkpoints(self) -> list[s.StoredCheckpoint]:
        return [s.StoredCheckpoint(*row) for row in self._conn.execute(s.SQL_CHECKPOINTS)]


class PgStore:
    def __init__(self, dsn: str, origin: str) -> None:
        self.location = dsn
        self._writer = _connect(dsn)
        with self._writer.transaction():
            self._writer.execute("SELECT pg_advisory_xact_lock(hashtext('audit_schema'))")  # concurrent init
            self._writer.execute(SCHEMA)
            self._writer.execute(
                "INSERT INTO audit_meta (key, value) VALUES ('origin', %s) ON CONFLICT DO NOTHING", (origin,)
            )
            self._writer.execute(
                "INSERT INTO audit_head VALUES (1, 0, %s, %s, 0, 0, %s) ON CONFLICT DO NOTHING",
                (s.GENESIS_CHAIN, b"", s.now_us()),
            )
        row = self._writer.execute(s.SQL_ORIGIN).fetchone()
        self._writer.commit()
        assert row is not None
        self._origin = str(row[0])

    def origin(self) -> str:
        return self._origin

    def commit_batch(self, build: s.BatchBuilder) -> s.Batch:
        conn = self._writer
        try:
            with conn.transaction():
                row = conn.execute(s.SQL_HEAD + " FOR UPDATE").fetchone()  # serialises writers
                assert row is not None
                old = s.head_from_row(row)
                batch = build(old)
                with conn.cursor() as cur:

                    def execute(query: str, params: Any) -> int:
                        cur.execute(_sql(query), params)
                        return cur.rowcount

                    def executemany(query: str, params: list[Any]) -> None:
                        cur.executemany(_sql(query), params)

                    s.write_batch(execute, executemany, old, batch)
        except psycopg.OperationalError:
            if conn.closed or conn.broken:
                self._writer = _connect(self.location)  # the next batch gets a fresh connection
            raise
        return batch

    @contextmanager
    def snapshot(self) -> Iterator[PgSnapshot]:
        with psycopg.connect(self.location) as conn:
            # one snapshot for every read (psycopg opens the transaction at the first statement)
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            yield PgSnapshot(conn)

    def query(self, flt: s.EventFilter, after_seq: int, limit: int) -> list[tuple[int, bytes]]:
        sql, params = s.query_sql(flt, after_seq, limit)
        with psycopg.connect(self.location) as conn:
            return [(int(seq), bytes(body)) for seq, body in conn.execute(_sql(sql), params)]

    def last_seq_before(self, ts_us: int) -> int:
        with psycopg.connect(self.location) as conn:
            row = conn.execute(_sql(s.SQL_LAST_BEFORE), (ts_us,)).fetchone()
            return int(row[0]) if row else 0

    def prune_through(self, seq: int) -> int:
        with psycopg.connect(self.location) as conn:
            changed = conn.execute(_sql(s.SQL_PRUNE), (seq,)).rowcount
            conn.execute(_sql(s.SQL_PRUNE_DATASETS), (seq,))
            return int(changed)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Raw access for tests and tooling (not used by the log itself)."""
        with psycopg.connect(self.location) as conn:
            cur = conn.execute(sql, params)
            return list(cur.fetchall()) if cur.description else []

    def close(self) -> None:
        self._writer.close()
