"""The single sequencer: group commit with blocking producers.

Producers enqueue an event and wait. One thread drains the queue into a batch, assigns sequence numbers,
computes leaf and chain hashes and the Merkle frontier, signs a checkpoint when one is due, and writes it
all in one transaction. Only after COMMIT (fsync) are the waiting producers released with their receipt;
if the write fails every producer in the batch gets an error (fail closed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256

from audit.checkpoint import Checkpoint
from audit.events import AuditEvent, EncodedEvent, EventError, encode_event, format_ts
from audit.merkle import Frontier, leaf_hash
from audit.store import Batch, Head, Row, Store, StoredCheckpoint, now_us

Signer = Callable[[Checkpoint], str]  # returns the signed checkpoint text


class AuditUnavailable(RuntimeError):
    """The event could not be made durable: the action that needed it must be refused."""


@dataclass(frozen=True)
class AuditReceipt:
    seq: int
    ts: datetime
    leaf_hash: str  # hex
    chain_hash: str  # hex


@dataclass(frozen=True)
class SequencerSettings:
    checkpoint_every: int = 4096  # entries
    checkpoint_interval_s: float = 1.0
    max_batch: int = 1024
    append_timeout_s: float = 5.0


def chain_hash(prev: bytes, seq: int, leaf: bytes) -> bytes:
    """Chain link over the leaf hash (which commits to the body), so links survive content retention."""
    return sha256(prev + seq.to_bytes(8, "big") + leaf).digest()


class _Waiter:
    __slots__ = ("done", "error", "event", "receipt")

    def __init__(self, event: EncodedEvent) -> None:
        self.event = event
        self.done = threading.Event()
        self.receipt: AuditReceipt | None = None
        self.error: BaseException | None = None


class _BatchBuilder:
    """Turns waiters into rows on top of the locked head (runs inside the write transaction)."""

    def __init__(
        self, waiters: list[_Waiter], origin: str, signer: Signer | None, cfg: SequencerSettings, force_checkpoint: bool
    ) -> None:
        self.waiters, self.origin, self.signer, self.cfg = waiters, origin, signer, cfg
        self.force = force_checkpoint
        self.accepted: list[tuple[_Waiter, Row]] = []

    def __call__(self, head: Head) -> Batch:
        self.accepted = []
        frontier = Frontier.from_bytes(head.size, head.frontier)
        chain, seq, ts = head.chain, head.size, max(now_us(), head.ts_us)
        rows: list[Row] = []
        ts_text = format_ts(ts).encode()
        for waiter in self.waiters:
            ev = waiter.event.event
            try:
                body = waiter.event.body(seq + 1, ts, ts_text)
            except EventError as exc:
                waiter.error = exc  # a bad event must not consume a sequence number
                continue
            seq += 1
            leaf = leaf_hash(body)
            chain = chain_hash(chain, seq, leaf)
            frontier.append(leaf)
            row = Row(seq, ts, ev.type, ev.actor, ev.enterprise, ev.datasets, body, leaf, chain)
            rows.append(row)
            self.accepted.append((waiter, row))
        checkpoint, cp_size, cp_ts = None, head.cp_size, head.cp_ts_us
        if self._checkpoint_due(head, seq, ts) and self.signer is not None:
            cp = Checkpoint(self.origin, seq, frontier.root(), chain, format_ts(ts))
            checkpoint = StoredCheckpoint(seq, ts, self.signer(cp))
            cp_size, cp_ts = seq, ts
        if not rows and checkpoint is None:
            return Batch(rows, head, None)  # nothing to write: leave the head exactly as it was
        return Batch(rows, Head(seq, chain, frontier.to_bytes(), ts, cp_size, cp_ts), checkpoint)

    def _checkpoint_due(self, head: Head, size: int, ts: int) -> bool:
        if size <= head.cp_size:
            return False  # only when the tree grew
        interval_us = self.cfg.checkpoint_interval_s * 1_000_000
        return self.force or size - head.cp_size >= self.cfg.checkpoint_every or ts - head.cp_ts_us >= interval_us


class Sequencer:
    def __init__(self, store: Store, signer: Signer | None, cfg: SequencerSettings) -> None:
        self._store, self._signer, self._cfg = store, signer, cfg
        self._origin = store.origin()
        self._cond = threading.Condition()
        self._queue: list[_Waiter] = []
        self._closed = False
        self._force = False
        self._dirty = signer is not None  # the tree may have grown since the last checkpoint (e.g. after a crash)
        self._flushed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-sequencer", daemon=True)
        self._thread.start()

    def submit(self, event: AuditEvent) -> AuditReceipt:
        waiter = _Waiter(encode_event(event))  # refuses bad events in the caller, before queueing
        with self._cond:
            if self._closed:
                raise AuditUnavailable("the audit log is closed")
            self._queue.append(waiter)
            self._cond.notify()
        if not waiter.done.wait(self._cfg.append_timeout_s):
            raise AuditUnavailable("the audit log did not confirm the event in time")
        if waiter.error is not None:
            if isinstance(waiter.error, EventError):
                raise waiter.error
            raise AuditUnavailable("the audit log could not store the event") from waiter.error
        assert waiter.receipt is not None
        return waiter.receipt

    def checkpoint_now(self) -> None:
        """Force a signed checkpoint over everything appended so far (no-op if the tree did not grow)."""
        with self._cond:
            self._force = True
            self._flushed.clear()
            self._cond.notify()
        self._flushed.wait(self._cfg.append_timeout_s)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._queue and not self._closed and not self._force:
                    self._cond.wait(self._cfg.checkpoint_interval_s)
                batch = self._queue[: self._cfg.max_batch]
                del self._queue[: self._cfg.max_batch]
                force, self._force = self._force or self._closed, False
                stop = self._closed and not self._queue
            if batch or ((force or self._dirty) and self._signer is not None):
                self._write(batch, force)
            if force:
                self._flushed.set()
            if stop:
                return

    def _write(self, waiters: list[_Waiter], force: bool) -> None:
        builder = _BatchBuilder(waiters, self._origin, self._signer, self._cfg, force)
        try:
            result = self._store.commit_batch(builder)
        except BaseException as exc:  # fail closed: nobody in the batch is acknowledged
            for waiter in waiters:
                waiter.error = waiter.error or exc
                waiter.done.set()
            return
        self._dirty = self._signer is not None and result.head.size > result.head.cp_size
        for waiter, row in builder.accepted:
            ts = datetime.fromtimestamp(row.ts_us / 1_000_000, UTC)
            waiter.receipt = AuditReceipt(row.seq, ts, row.leaf.hex(), row.chain.hex())
        for waiter in waiters:
            waiter.done.set()
