"""The log: durable receipts, gap-free sequencing under concurrency, checkpoints, proofs, fail closed."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, timedelta

import pytest
from audit_support import query_event
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import (
    AuditEvent,
    AuditUnavailable,
    EventError,
    EventFilter,
    SequencedLog,
    SequencerSettings,
    parse_checkpoint,
    verify,
    verify_consistency,
    verify_inclusion,
)
from audit.store import Batch, BatchBuilder

MakeLog = Callable[..., SequencedLog]


def _seqs(log: SequencedLog) -> list[int]:
    with log.store.snapshot() as snap:
        return [e.seq for e in snap.entries()]


def test_receipts_number_events_from_one_and_are_durable_on_return(make_log: MakeLog) -> None:
    log = make_log()
    receipts = [log.append(query_event(i)) for i in range(3)]
    assert [r.seq for r in receipts] == [1, 2, 3]
    # A second, independent connection already sees all three: the append returned after COMMIT.
    with log.store.snapshot() as snap:
        assert [(e.seq, e.leaf.hex()) for e in snap.entries()] == [(r.seq, r.leaf_hash) for r in receipts]


def test_64_concurrent_producers_leave_no_gaps_or_duplicates_and_keep_their_order(make_log: MakeLog) -> None:
    log = make_log(settings=SequencerSettings(checkpoint_every=500, checkpoint_interval_s=60))
    per_thread = 40
    got: dict[int, list[int]] = {}

    def produce(t: int) -> None:
        got[t] = [log.append(query_event(i, actor=f"p{t}")).seq for i in range(per_thread)]

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(64)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    acked = sorted(s for seqs in got.values() for s in seqs)
    assert acked == list(range(1, 64 * per_thread + 1))
    assert _seqs(log) == acked
    assert all(seqs == sorted(seqs) for seqs in got.values())  # per-producer order kept
    for t, seqs in got.items():  # and each producer's events are stored under its own receipts
        stored = [e.seq for e in log.iter_events(EventFilter(actor=f"p{t}"))]
        assert stored == seqs


def test_two_writers_on_one_file_share_one_gap_free_sequence(make_log: MakeLog, signing_key: Ed25519PrivateKey) -> None:
    first = make_log("shared.db")
    second = make_log("shared.db")
    assert first.origin == second.origin

    def produce(log: SequencedLog) -> None:
        for i in range(100):
            log.append(query_event(i))

    threads = [threading.Thread(target=produce, args=(log,)) for log in (first, second, first, second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert _seqs(first) == list(range(1, 401))
    first.checkpoint()
    report = verify(first, signing_key.public_key())
    assert report.ok, report.lines()


def test_reopening_continues_the_sequence_and_chain(make_log: MakeLog, signing_key: Ed25519PrivateKey) -> None:
    log = make_log("reopen.db")
    log.append(query_event(1))
    log.close()
    again = make_log("reopen.db")
    assert again.append(query_event(2)).seq == 2
    again.checkpoint()
    assert verify(again, signing_key.public_key()).ok


def test_a_refused_event_does_not_consume_a_sequence_number(make_log: MakeLog) -> None:
    log = make_log()
    log.append(query_event(1))
    with pytest.raises(EventError):
        log.append(AuditEvent("query", "a", "allowed", detail={"result": [1, 2]}))
    with pytest.raises(EventError):
        log.append(AuditEvent("query", "a", "allowed", detail={"x": float("nan")}))
    assert log.append(query_event(2)).seq == 2


class _BrokenStore:
    """Wraps a store and fails every write, like a full disk."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def commit_batch(self, build: BatchBuilder) -> Batch:
        raise OSError("disk full")

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def test_when_the_store_cannot_write_then_append_raises_and_nothing_is_acknowledged(make_log: MakeLog) -> None:
    log = make_log()
    log.append(query_event(0))
    log._sequencer._store = _BrokenStore(log.store)  # type: ignore[assignment]
    with pytest.raises(AuditUnavailable):
        log.append(query_event(1))
    assert _seqs(log) == [1]


def test_when_the_writer_is_stuck_then_append_times_out_closed(make_log: MakeLog) -> None:
    log = make_log(settings=SequencerSettings(append_timeout_s=0.2, checkpoint_interval_s=60))
    gate = threading.Event()
    real = log.store.commit_batch

    def slow(build: BatchBuilder) -> Batch:
        gate.wait(5)
        return real(build)

    log._sequencer._store = _SlowStore(log.store, slow)  # type: ignore[assignment]
    with pytest.raises(AuditUnavailable, match="in time"):
        log.append(query_event(1))
    gate.set()


class _SlowStore(_BrokenStore):
    def __init__(self, inner: object, commit: Callable[[BatchBuilder], Batch]) -> None:
        super().__init__(inner)
        self._commit = commit

    def commit_batch(self, build: BatchBuilder) -> Batch:
        return self._commit(build)


def test_a_checkpoint_is_signed_every_n_entries(make_log: MakeLog, signing_key: Ed25519PrivateKey) -> None:
    log = make_log()  # checkpoint_every=10
    for i in range(25):
        log.append(query_event(i))
    with log.store.snapshot() as snap:
        sizes = [c.size for c in snap.checkpoints()]
    assert sizes == [10, 20]  # sequential appends: one batch per event, a checkpoint at each multiple of 10
    parsed = parse_checkpoint(log.latest_checkpoint() or "")
    assert parsed.verify(signing_key.public_key())


def test_a_checkpoint_is_signed_after_t_seconds_when_the_tree_grew(make_log: MakeLog) -> None:
    log = make_log(settings=SequencerSettings(checkpoint_every=10_000, checkpoint_interval_s=0.05))
    log.append(query_event(1))
    deadline = time.monotonic() + 3
    while log.latest_checkpoint() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    text = log.latest_checkpoint()
    assert text is not None and parse_checkpoint(text).checkpoint.size == 1
    time.sleep(0.2)
    with log.store.snapshot() as snap:
        assert len(snap.checkpoints()) == 1  # an idle log does not sign again


def test_without_a_signing_key_events_are_logged_but_not_checkpointed(make_log: MakeLog) -> None:
    log = make_log(key=None)
    log.append(query_event(1))
    assert log.checkpoint() is None
    with pytest.raises(RuntimeError):
        log.export_checkpoint("/dev/null")


def test_inclusion_and_consistency_proofs_from_the_log_verify_against_signed_roots(make_log: MakeLog) -> None:
    log = make_log()
    receipts = [log.append(query_event(i)) for i in range(13)]
    old = parse_checkpoint(log.checkpoint() or "").checkpoint
    for i in range(13, 30):
        log.append(query_event(i))
    new = parse_checkpoint(log.checkpoint() or "").checkpoint
    assert (old.size, new.size) == (13, 30)
    for r in receipts:
        proof = log.inclusion_proof(r.seq, new.size)
        assert verify_inclusion(bytes.fromhex(r.leaf_hash), r.seq - 1, new.size, proof.path, new.root)
    assert verify_consistency(old.size, new.size, old.root, new.root, log.consistency_proof(old.size, new.size))
    assert not verify_consistency(old.size, new.size, new.root, old.root, log.consistency_proof(old.size, new.size))


def test_auditor_filters_by_actor_enterprise_dataset_type_and_time(make_log: MakeLog) -> None:
    log = make_log()
    log.append(query_event(1, actor="a", enterprise="E1", dataset="tourism.visits"))
    log.append(query_event(2, actor="b", enterprise="E2", dataset="transit.taps"))
    log.append(AuditEvent("login", "a", "allowed"))
    log.append(AuditEvent("query", "c", "refused", detail={"datasets": ["tourism.visits", "transit.taps"]}))

    def seqs(**kw: object) -> list[int]:
        return [e.seq for e in log.events(EventFilter(**kw)).events]  # type: ignore[arg-type]

    assert seqs(actor="a") == [1, 3]
    assert seqs(enterprise="E2") == [2]
    assert seqs(dataset="tourism.visits") == [1, 4]
    assert seqs(dataset="transit.taps", type="query") == [2, 4]
    assert seqs(type="login") == [3]
    first = log.events().events[0]
    assert seqs(since=first.ts + timedelta(days=1)) == []
    assert seqs(since=first.ts) == [1, 2, 3, 4]
    assert seqs(until=first.ts + timedelta(days=1)) == [1, 2, 3, 4]
    assert seqs(until=first.ts) == []


def test_pagination_walks_every_event_once(make_log: MakeLog) -> None:
    log = make_log()
    for i in range(23):
        log.append(query_event(i))
    seen, cursor = [], None
    while True:
        page = log.events(cursor=cursor, limit=5)
        seen += [e.seq for e in page.events]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == list(range(1, 24))


def test_csv_export_is_itself_audited_before_it_runs(make_log: MakeLog) -> None:
    log = make_log()
    log.append(query_event(1, actor="a"))
    log.append(query_event(2, actor="b"))
    out = io.StringIO()
    assert log.export_csv(out, EventFilter(actor="a"), actor="auditor-1") == 1
    rows = out.getvalue().splitlines()
    assert rows[0].startswith("seq,ts,type,actor")
    assert rows[1].startswith("1,")
    exported = log.events(EventFilter(type="audit.export")).events
    assert [(e.event.actor, dict(e.event.detail)) for e in exported] == [("auditor-1", {"actor": "a"})]


def test_entry_times_never_go_backwards(make_log: MakeLog) -> None:
    log = make_log()
    times = [log.append(query_event(i)).ts for i in range(20)]
    assert times == sorted(times)
    assert all(t.tzinfo is UTC for t in times)
    body = json.loads(log.events().events[0].body)
    assert body["ts"].endswith("Z")


def test_verify_while_producers_append_sees_one_consistent_snapshot(
    make_log: MakeLog, signing_key: Ed25519PrivateKey
) -> None:
    log = make_log(settings=SequencerSettings(checkpoint_every=7, checkpoint_interval_s=60))
    stop = threading.Event()
    grown = threading.Condition()
    acknowledged = 0

    def produce(t: int) -> None:
        nonlocal acknowledged
        i = 0
        while not stop.is_set():
            log.append(query_event(i, actor=f"p{t}"))
            with grown:
                acknowledged += 1
                grown.notify_all()
            i += 1

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    try:
        reports = []
        seen = 0
        for _ in range(10):
            # Each verification reads a log that producers are still growing: wait until at least one
            # event was acknowledged beyond what the previous verification saw.
            with grown:
                assert grown.wait_for(lambda: acknowledged > seen, timeout=10)  # noqa: B023
            reports.append(verify(log, signing_key.public_key()))
            seen = reports[-1].size
    finally:
        stop.set()
        for th in threads:
            th.join()
    assert all(r.ok for r in reports), [r.lines() for r in reports if not r.ok]
    assert reports[-1].size > reports[0].size > 0
