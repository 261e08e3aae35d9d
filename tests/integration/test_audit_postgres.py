"""PostgreSQL backend: many producers, connections and processes share one gap-free sequence; kills lose nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_audit_crash import _check, _kill_loop

from audit import AuditEvent, SequencedLog, SequencerSettings, generate_signing_key, open_log, verify

pytestmark = pytest.mark.postgres
KEY = Ed25519PrivateKey.generate()
SETTINGS = SequencerSettings(checkpoint_every=256, checkpoint_interval_s=0.2)


def _event(producer: str, i: int) -> AuditEvent:
    return AuditEvent("query", producer, "allowed", detail={"sql": f"SELECT {i}", "datasets": ["tourism.visits"]})


def _entries(dsn: str) -> list[tuple[int, str]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT seq, actor FROM audit_entry ORDER BY seq").fetchall()
    return [(int(seq), str(actor)) for seq, actor in rows]


def _produce(logs: list[SequencedLog], producers: int, per_producer: int) -> dict[str, list[int]]:
    got: dict[str, list[int]] = {}

    def run(p: int) -> None:
        log = logs[p % len(logs)]
        got[f"p{p}"] = [log.append(_event(f"p{p}", i)).seq for i in range(per_producer)]

    threads = [threading.Thread(target=run, args=(p,)) for p in range(producers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got


def test_64_producers_on_one_log_leave_no_gaps_or_duplicates(pg_database: str) -> None:
    with open_log(pg_database, KEY, settings=SETTINGS) as log:
        got = _produce([log], 64, 30)
        log.checkpoint()
        report = verify(log, KEY.public_key())
    acked = sorted(s for seqs in got.values() for s in seqs)
    assert acked == list(range(1, 64 * 30 + 1))
    entries = _entries(pg_database)
    assert [seq for seq, _ in entries] == acked
    for producer, seqs in got.items():
        assert [seq for seq, actor in entries if actor == producer] == seqs  # order kept, no strays
    assert report.ok, report.lines()


def test_four_writer_connections_share_one_sequence(pg_database: str) -> None:
    logs = [open_log(pg_database, KEY, settings=SETTINGS) for _ in range(4)]
    try:
        got = _produce(logs, 64, 20)
        logs[0].checkpoint()
        report = verify(logs[0], KEY.public_key())
    finally:
        for log in logs:
            log.close()
    acked = sorted(s for seqs in got.values() for s in seqs)
    assert acked == list(range(1, 64 * 20 + 1))
    assert [seq for seq, _ in _entries(pg_database)] == acked
    assert report.ok, report.lines()


def test_sigkilled_writers_lose_no_acknowledged_event(pg_database: str, tmp_path: Path) -> None:
    key = generate_signing_key(tmp_path / "audit.key")
    acked = _kill_loop(pg_database, tmp_path / "audit.key", kills=9, seed=3)
    _check(pg_database, key.public_key(), acked)


def test_the_app_connection_cannot_update_or_delete_entries(pg_database: str) -> None:
    with open_log(pg_database, KEY) as log:
        log.append(_event("a", 1))
    with psycopg.connect(pg_database) as conn:
        for sql in ("UPDATE audit_entry SET actor = 'x'", "DELETE FROM audit_entry", "TRUNCATE audit_entry"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(sql)
            conn.rollback()


def test_verify_while_writers_append_sees_one_consistent_snapshot(pg_database: str) -> None:
    with open_log(pg_database, KEY, settings=SequencerSettings(checkpoint_every=7, checkpoint_interval_s=60)) as log:
        stop = threading.Event()

        def produce(p: int) -> None:
            i = 0
            while not stop.is_set():
                log.append(_event(f"p{p}", i))
                i += 1

        threads = [threading.Thread(target=produce, args=(p,)) for p in range(8)]
        for t in threads:
            t.start()
        try:
            reports = [verify(log, KEY.public_key()) for _ in range(8)]
        finally:
            stop.set()
            for t in threads:
                t.join()
    assert all(r.ok for r in reports), [r.lines() for r in reports if not r.ok]
    assert reports[-1].size > reports[0].size > 0
