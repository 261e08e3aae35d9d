"""Offline verification: recompute every leaf, chain link and Merkle root from the stored bytes.

Checks: sequence numbers contiguous from 1; each body hashes to its stored leaf and names its own seq; the
chain; every stored checkpoint's signature, origin and root/chain head at its size; the head row; pruned
content covered by a recorded retention event; and, given an external checkpoint saved earlier, that the
log still contains exactly the tree it signed (plus an RFC 6962 consistency proof to the latest checkpoint).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit import checkpoint as cp
from audit.findings import Finding, finding
from audit.keys import load_public_key
from audit.merkle import Frontier, consistency_proof, leaf_hash, verify_consistency
from audit.sequencer import chain_hash
from audit.store import GENESIS_CHAIN, Snapshot, Store, StoredEntry, is_postgres

MAX_FINDINGS_PER_CODE = 20
_RETENTION_TAIL = b'"type":"audit.retention","v":1}'


@dataclass
class VerifyReport:
    size: int = 0
    root: str = ""
    checkpoints_checked: int = 0
    external_checked: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True only when no error was found (warnings do not fail verification)."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [f.seq for f in self.findings if f.severity == "error" and f.seq is not None]
        return min(seqs) if seqs else None

    def lines(self, lang: Literal["en", "zh"] = "en") -> list[str]:
        head = (
            f"{'PASS' if self.ok else 'FAIL'}: {self.size} entries, {self.checkpoints_checked} checkpoints"
            if lang == "en"
            else f"{'通过' if self.ok else '未通过'}：{self.size} 条记录，{self.checkpoints_checked} 个检查点"
        )
        return [head, *(f.text(lang) for f in self.findings)]

    def add(self, item: Finding) -> None:
        if sum(1 for f in self.findings if f.code == item.code) < MAX_FINDINGS_PER_CODE:
            self.findings.append(item)


@runtime_checkable
class _HasStore(Protocol):
    store: Store


@dataclass
class _Expect:
    """A signed checkpoint to compare against when the recomputed tree reaches its size."""

    signed: cp.SignedCheckpoint
    external: bool


def verify(
    log: Store | _HasStore,
    public_key: Ed25519PublicKey | bytes | str | Path,
    checkpoint: cp.SignedCheckpoint | str | Path | None = None,
) -> VerifyReport:
    """Verify a log (a ``SequencedLog`` or a ``Store``) against the bureau's public key and, optionally,
    a checkpoint saved earlier outside the platform (text, path, or parsed)."""
    store = log.store if isinstance(log, _HasStore) else log
    key = load_public_key(public_key)
    report = VerifyReport()
    with store.snapshot() as snap:
        _Verifier(snap, key, report).run(_load_external(checkpoint, report))
    return report


def verify_location(
    location: str | Path, public_key: Ed25519PublicKey | bytes | str | Path, checkpoint_path: str | Path | None = None
) -> VerifyReport:
    """Entry point for ``sandbox audit verify [--checkpoint FILE]``: never creates a missing SQLite log."""
    text = str(location)
    if not is_postgres(text):
        path = Path(text.removeprefix("sqlite:///"))
        if not path.exists():
            report = VerifyReport()
            report.add(finding("log.missing", None, path=str(path)))
            return report
    from audit.log import open_store

    store = open_store(location)
    try:
        return verify(store, public_key, checkpoint_path)
    finally:
        store.close()


def _load_external(source: cp.SignedCheckpoint | str | Path | None, report: VerifyReport) -> cp.SignedCheckpoint | None:
    if source is None or isinstance(source, cp.SignedCheckpoint):
        return source
    try:
        text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) or "\n" not in source else source
        return cp.parse(text)
    except OSError as exc:
        report.add(finding("external.malformed", None, reason=f"cannot read {source}: {exc.strerror}"))
    except (cp.CheckpointError, UnicodeDecodeError) as exc:
        report.add(finding("external.malformed", None, reason=str(exc)))
    return None


class _Verifier:
    def __init__(self, snap: Snapshot, key: Ed25519PublicKey, report: VerifyReport) -> None:
        self.snap, self.key, self.report = snap, key, report
        self.origin = snap.origin()
        self.expect: dict[int, list[_Expect]] = {}
        self.last_good_size = 0  # largest checkpoint size whose root matched

    def run(self, external: cp.SignedCheckpoint | None) -> None:
        latest = self._load_checkpoints()
        if external is not None:
            self._add_external(external)
        keep_leaves = external is not None and self.report.ok
        frontier, chain, leaves, retention_through, pruned_through = self._walk(keep_leaves)
        size = frontier.size
        self.report.size, self.report.root = size, frontier.root().hex()
        self._check_beyond(size)
        self._check_head(size, chain, frontier)
        if pruned_through > retention_through:
            self.report.add(finding("retention.unrecorded", retention_through + 1, last=pruned_through))
        if latest is not None and latest.checkpoint.size < size:
            self.report.add(finding("checkpoint.unsealed_tail", latest.checkpoint.size + 1, last=size))
        if latest is None and size:
            self.report.add(finding("checkpoint.none", 1, last=size))
        if external is not None and leaves is not None and latest is not None:
            self._prove_consistency(external, latest, leaves)

    def _load_checkpoints(self) -> cp.SignedCheckpoint | None:
        latest = None
        for stored in self.snap.checkpoints():
            try:
                signed = cp.parse(stored.note)
            except cp.CheckpointError as exc:
                self.report.add(finding("checkpoint.malformed", stored.size, size=stored.size, reason=str(exc)))
                continue
            c = signed.checkpoint
            if not signed.verify(self.key):
                self.report.add(finding("checkpoint.bad_signature", stored.size, size=stored.size))
            elif c.origin != self.origin:
                self.report.add(finding("checkpoint.origin", stored.size, size=stored.size, origin=c.origin))
            elif c.size != stored.size:
                self.report.add(finding("checkpoint.size_mismatch", stored.size, size=stored.size, signed=c.size))
            else:
                self.report.checkpoints_checked += 1
                self.expect.setdefault(c.size, []).append(_Expect(signed, external=False))
                latest = signed
        return latest

    def _add_external(self, external: cp.SignedCheckpoint) -> None:
        c = external.checkpoint
        if not external.verify(self.key):
            self.report.add(finding("external.bad_signature", None, size=c.size))
        elif c.origin != self.origin:
            self.report.add(finding("external.origin", None, origin=c.origin, expected=self.origin))
        else:
            self.report.external_checked = True
            self.expect.setdefault(c.size, []).append(_Expect(external, external=True))

    def _walk(self, keep_leaves: bool) -> tuple[Frontier, bytes, list[bytes] | None, int, int]:
        frontier, chain = Frontier(), GENESIS_CHAIN
        leaves: list[bytes] | None = [] if keep_leaves else None
        retention_through = pruned_through = 0
        for entry in self._entries():
            if entry.body is None:
                if entry.seq != pruned_through + 1:
                    self.report.add(finding("entry.content_missing", entry.seq))
                pruned_through = entry.seq
                leaf = entry.leaf
            else:
                leaf = leaf_hash(entry.body)
                if leaf != entry.leaf:
                    self.report.add(finding("entry.edited", entry.seq))
                retention_through = max(retention_through, self._check_body(entry))
            chain = chain_hash(chain, entry.seq, leaf)
            if chain != entry.chain:
                self.report.add(finding("entry.chain_broken", entry.seq))
                chain = entry.chain  # resynchronise so later, independent breaks are reported too
            frontier.append(leaf)
            if leaves is not None:
                leaves.append(leaf)
            if frontier.size in self.expect:
                self._check_at(frontier.size, frontier.root(), chain)
        return frontier, chain, leaves, retention_through, pruned_through

    def _entries(self) -> Iterator[StoredEntry]:
        """Entries with gaps and out-of-order/duplicate numbers reported (the walk itself goes by position)."""
        expected = 1
        for entry in self.snap.entries():
            if entry.seq > expected:
                self.report.add(finding("entry.missing", expected, last=entry.seq - 1))
            elif entry.seq < expected:
                self.report.add(finding("entry.out_of_order", entry.seq))
            expected = entry.seq + 1
            yield entry

    def _check_body(self, entry: StoredEntry) -> int:
        """Check the body names its own position; return the seq a retention event covers (0 otherwise).

        Fast path without a JSON parse: in the canonical body the top-level ``"seq"`` is the last one (the
        keys after it hold only strings, where a quote is always escaped).
        """
        body = entry.body
        assert body is not None
        at = body.rfind(b',"seq":')
        end = body.find(b",", at + 7)
        digits = body[at + 7 : end]
        if at < 0 or end < 0 or not body.startswith(b'{"actor":') or not digits.isdigit():
            self.report.add(finding("entry.unreadable", entry.seq))
            return 0
        if int(digits) != entry.seq:
            self.report.add(finding("entry.reordered", entry.seq, body_seq=int(digits)))
        if body.endswith(_RETENTION_TAIL):
            through = json.loads(body).get("detail", {}).get("through_seq", 0)
            return through if isinstance(through, int) and through < entry.seq else 0
        return 0

    def _check_at(self, size: int, root: bytes, chain: bytes) -> None:
        # The rewrite lies after the last checkpoint that still matched; an entry already found bad there
        # is the better name for it.
        bad = [f.seq for f in self.report.findings if f.code.startswith("entry.") and f.seq is not None]
        first = min((q for q in bad if q > self.last_good_size), default=self.last_good_size + 1)
        for item in self.expect.pop(size):
            c = item.signed.checkpoint
            if c.root != root or c.chain_head != chain:
                code = "external.inconsistent" if item.external else "checkpoint.root_mismatch"
                self.report.add(finding(code, first, size=size, first=first))
            elif not item.external:
                self.last_good_size = size

    def _check_beyond(self, size: int) -> None:
        for want, items in sorted(self.expect.items()):
            for item in items:
                code = "external.truncated" if item.external else "log.truncated"
                self.report.add(finding(code, size + 1, size=want, have=size))

    def _check_head(self, size: int, chain: bytes, frontier: Frontier) -> None:
        head = self.snap.head()
        if head.size != size or head.chain != chain or head.frontier != frontier.to_bytes():
            self.report.add(finding("head.mismatch", min(head.size, size) + 1, head=head.size, size=size))

    def _prove_consistency(
        self, external: cp.SignedCheckpoint, latest: cp.SignedCheckpoint, leaves: list[bytes]
    ) -> None:
        old, new = external.checkpoint, latest.checkpoint
        if not self.report.ok or old.size > new.size or old.size == 0:
            return
        proof = consistency_proof(leaves, old.size, new.size)
        if not verify_consistency(old.size, new.size, old.root, new.root, proof):
            self.report.add(finding("external.inconsistent", 1, size=old.size, first=1))
