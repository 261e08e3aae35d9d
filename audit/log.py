"""The audit log: the producer interface, opening a log, auditor queries, checkpoints, proofs, retention."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import checkpoint as cp
from audit.canonical import canonical_bytes
from audit.events import AuditEvent, LoggedEvent, decode_body, to_ts_us
from audit.merkle import consistency_proof, inclusion_proof
from audit.receipt import format_receipt
from audit.retention import RetentionPolicy
from audit.sequencer import AuditReceipt, Sequencer, SequencerSettings
from audit.store import EventFilter, Store, is_postgres

MAX_PAGE = 1000


class AuditLog(Protocol):
    """What producers (gateway, portal, CLI) depend on."""

    def append(self, event: AuditEvent) -> AuditReceipt:
        """Return only once the event is durable; raise ``AuditUnavailable`` otherwise (fail closed)."""
        ...


@dataclass(frozen=True)
class Page:
    events: list[LoggedEvent]
    next_cursor: str | None  # pass back as ``cursor`` for the next page; None at the end


@dataclass(frozen=True)
class InclusionProof:
    seq: int
    size: int
    leaf: bytes
    path: list[bytes]


def open_store(url_or_path: str | Path, origin: str | None = None) -> Store:
    """Open (creating if needed) the storage for a SQLite path / ``sqlite:///`` URL or a PostgreSQL DSN."""
    text = str(url_or_path)
    origin = origin or f"qdn-sandbox.audit/{secrets.token_hex(8)}"
    if is_postgres(text):
        from audit.pg_store import PgStore

        return PgStore(text, origin)
    from audit.sqlite_store import SqliteStore

    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    return SqliteStore(text, origin)


class SequencedLog:
    """An :class:`AuditLog` with one sequencer per process, plus the auditor's tools."""

    def __init__(
        self,
        store: Store,
        signing_key: Ed25519PrivateKey | None,
        *,
        key_name: str = "qdn-audit",
        settings: SequencerSettings | None = None,
        retention: RetentionPolicy | None = None,
    ) -> None:
        self.store = store
        self.key_name = key_name
        self.retention = retention or RetentionPolicy()
        signer = None
        if signing_key is not None:
            key = signing_key

            def signer(checkpoint: cp.Checkpoint) -> str:
                return cp.sign(checkpoint, key, key_name).text()

        self._sequencer = Sequencer(store, signer, settings or SequencerSettings())

    @property
    def origin(self) -> str:
        return self.store.origin()

    def append(self, event: AuditEvent) -> AuditReceipt:
        return self._sequencer.submit(event)

    def checkpoint(self) -> str | None:
        """Seal everything appended so far in a signed checkpoint and return the latest checkpoint text."""
        self._sequencer.checkpoint_now()
        return self.latest_checkpoint()

    def latest_checkpoint(self) -> str | None:
        with self.store.snapshot() as snap:
            checkpoints = snap.checkpoints()
        return checkpoints[-1].note if checkpoints else None

    def export_checkpoint(self, path: str | Path) -> str:
        """Write the latest signed checkpoint for an auditor or witness to keep outside the platform."""
        text = self.checkpoint()
        if text is None:
            raise RuntimeError("no signed checkpoint yet (the log is empty or has no signing key)")
        Path(path).write_text(text, encoding="utf-8")
        return text

    def events(self, flt: EventFilter | None = None, *, cursor: str | None = None, limit: int = 100) -> Page:
        """Filtered events in sequence order, ``limit`` per page (at most 1000)."""
        limit = max(1, min(limit, MAX_PAGE))
        after = int(cursor) if cursor else 0
        rows = self.store.query(flt or EventFilter(), after, limit + 1)
        events = []
        for seq, body in rows[:limit]:
            _, ts, event = decode_body(body)
            events.append(LoggedEvent(seq, ts, event, body))
        next_cursor = str(rows[limit - 1][0]) if len(rows) > limit else None
        return Page(events, next_cursor)

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[LoggedEvent]:
        cursor: str | None = None
        while True:
            page = self.events(flt, cursor=cursor, limit=MAX_PAGE)
            yield from page.events
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def export_csv(self, out: IO[str], flt: EventFilter | None, *, actor: str) -> int:
        """Write the filtered view as CSV; the export itself is audited first (refused if that fails)."""
        self.append(AuditEvent("audit.export", actor, "allowed", target="audit", detail=_filter_detail(flt)))
        writer = csv.writer(out)
        writer.writerow(
            ["seq", "ts", "type", "actor", "enterprise", "grant", "target", "outcome", "correlation_id", "detail"]
        )
        count = 0
        for item in self.iter_events(flt):
            e = item.event
            detail = canonical_bytes(dict(e.detail)).decode("utf-8")
            writer.writerow(
                [
                    item.seq,
                    item.ts.isoformat(),
                    e.type,
                    e.actor,
                    e.enterprise or "",
                    e.grant or "",
                    e.target,
                    e.outcome,
                    e.correlation_id or "",
                    detail,
                ]
            )
            count += 1
        return count

    def leaves(self, size: int | None = None) -> list[bytes]:
        with self.store.snapshot() as snap:
            leaves = [entry.leaf for entry in snap.entries()]
        return leaves if size is None else leaves[:size]

    def inclusion_proof(self, seq: int, size: int) -> InclusionProof:
        """Proof that entry ``seq`` (1-based) is in the tree of ``size`` entries (leaf index seq - 1)."""
        leaves = self.leaves(size)
        return InclusionProof(seq, size, leaves[seq - 1], inclusion_proof(leaves, seq - 1, size))

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return consistency_proof(self.leaves(new_size), old_size, new_size)

    def receipt(self, seq: int) -> str:
        """A receipt for entry ``seq``: the latest signed checkpoint (sealing it first) and an inclusion proof."""
        text = self.checkpoint()
        if text is None:
            raise RuntimeError("no signed checkpoint yet (the log is empty or has no signing key)")
        size = cp.parse(text).checkpoint.size
        if not 1 <= seq <= size:
            raise ValueError(f"entry {seq} is not covered by the latest checkpoint (size {size})")
        proof = self.inclusion_proof(seq, size)
        return format_receipt(seq - 1, proof.path, text)

    def prune_expired(self, now: datetime, *, actor: str = "audit-retention") -> int:
        """Delete the content of whole expired, sealed monthly segments; return how many entries were pruned."""
        cutoff = self.retention.segment_cutoff(now)
        through = self.store.last_seq_before(to_ts_us(cutoff))
        with self.store.snapshot() as snap:
            sealed = snap.head().cp_size
        if through == 0 or through > sealed:
            return 0  # nothing expired, or the segment is not sealed by a checkpoint yet
        detail = {"through_seq": through, "cutoff": cutoff.isoformat(), "retention_days": self.retention.days}
        self.append(AuditEvent("audit.retention", actor, "succeeded", target="audit", detail=detail))
        return self.store.prune_through(through)

    def close(self) -> None:
        self._sequencer.close()
        self.store.close()

    def __enter__(self) -> SequencedLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _filter_detail(flt: EventFilter | None) -> dict[str, object]:
    if flt is None:
        return {}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in vars(flt).items() if v is not None}


def open_log(
    url_or_path: str | Path,
    signing_key: Ed25519PrivateKey | None = None,
    *,
    origin: str | None = None,
    settings: SequencerSettings | None = None,
    retention: RetentionPolicy | None = None,
) -> SequencedLog:
    """Open the audit log at a SQLite path / ``sqlite:///`` URL or a ``postgresql://`` DSN.

    Without a signing key the log still records events but writes no checkpoints (verification then has
    only the chain and an external checkpoint to go on).
    """
    return SequencedLog(open_store(url_or_path, origin), signing_key, settings=settings, retention=retention)


__all__ = ["AuditLog", "InclusionProof", "Page", "SequencedLog", "open_log", "open_store"]
