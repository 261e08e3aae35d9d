"""The tamper matrix: every attack on a stored log is named by verify, on SQLite and on PostgreSQL.

An attacker here has write access to the database (the append-only triggers are bypassed, as a DBA or
someone with the file could); in the re-append case they also hold the signing key. What only an
external checkpoint can catch is asserted both ways: passes without it, fails with it.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit import AuditEvent, SequencerSettings, open_log, public_key_pem, verify_location
from audit.checkpoint import Checkpoint, sign
from audit.merkle import Frontier, leaf_hash
from audit.sequencer import chain_hash
from audit.store import GENESIS_CHAIN

KEY = Ed25519PrivateKey.generate()
SETTINGS = SequencerSettings(checkpoint_every=10, checkpoint_interval_s=3600)


class Raw:
    """Direct SQL with the append-only guards switched off."""

    def __init__(self, location: str) -> None:
        self.location = location

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.location.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(self.location) as conn:
                conn.execute("SET session_replication_role = replica")  # disables the guard triggers
                cur = conn.execute(sql.replace("?", "%s"), params)
                return (
                    [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cur.fetchall()]
                    if cur.description
                    else []
                )
        conn = sqlite3.connect(self.location, isolation_level=None)
        try:
            for name in ("entry_no_delete", "entry_no_update", "checkpoint_no_delete", "checkpoint_no_update"):
                conn.execute(f"DROP TRIGGER IF EXISTS audit_{name}")
            return list(conn.execute(sql, params))
        finally:
            conn.close()

    def body(self, seq: int) -> bytes:
        return bytes(self.run("SELECT body FROM audit_entry WHERE seq = ?", (seq,))[0][0])

    def rehash(self) -> None:
        """Recompute every leaf, chain link and the head from the (edited) bodies: a locally consistent log."""
        frontier, chain = Frontier(), GENESIS_CHAIN
        for seq, body in self.run("SELECT seq, body FROM audit_entry ORDER BY seq"):
            leaf = leaf_hash(bytes(body))
            chain = chain_hash(chain, seq, leaf)
            frontier.append(leaf)
            self.run("UPDATE audit_entry SET leaf = ?, chain = ? WHERE seq = ?", (leaf, chain, seq))
        cp_size = self.run("SELECT COALESCE(MAX(size), 0) FROM audit_checkpoint")[0][0]
        self.run(
            "UPDATE audit_head SET size = ?, chain = ?, frontier = ?, cp_size = ? WHERE id = 1",
            (frontier.size, chain, frontier.to_bytes(), cp_size),
        )


@dataclass
class Setup:
    location: str
    raw: Raw
    pub: Path
    saved: Path  # checkpoint exported at size 30, kept "outside the platform"
    tmp: Path

    def verify(self, external: bool) -> list[tuple[str, int | None]]:
        report = verify_location(self.location, self.pub, self.saved if external else None)
        return [(f.code, f.seq) for f in report.findings if f.severity == "error"]


def _event(i: int) -> AuditEvent:
    return AuditEvent(
        "query",
        f"analyst-{i % 3}",
        "allowed",
        target="tourism.visits",
        enterprise="E001",
        detail={"sql": f"SELECT count(*) FROM tourism.visits WHERE d = {i}", "datasets": ["tourism.visits"]},
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return str(tmp_path / "audit.db")


@pytest.fixture
def setup(location: str, tmp_path: Path) -> Iterator[Setup]:
    pub = tmp_path / "audit.pub"
    pub.write_bytes(public_key_pem(KEY.public_key()))
    saved = tmp_path / "checkpoint.txt"
    with open_log(location, KEY, settings=SETTINGS) as log:
        for i in range(30):
            log.append(_event(i))
        log.export_checkpoint(saved)
    yield Setup(location, Raw(location), pub, saved, tmp_path)


def test_an_untouched_log_verifies_with_and_without_the_saved_checkpoint(setup: Setup) -> None:
    assert setup.verify(external=False) == []
    assert setup.verify(external=True) == []


def test_a_checkpoint_saved_before_new_events_still_proves_consistency(setup: Setup) -> None:
    with open_log(setup.location, KEY, settings=SETTINGS) as log:
        for i in range(30, 55):
            log.append(_event(i))
        log.checkpoint()
    report = verify_location(setup.location, setup.pub, setup.saved)
    assert report.ok and report.external_checked and report.size == 55


def _edit(s: Setup) -> None:
    s.raw.run("UPDATE audit_entry SET body = ? WHERE seq = 5", (s.raw.body(5).replace(b"allowed", b"refused"),))


def _delete(s: Setup) -> None:
    s.raw.run("DELETE FROM audit_entry WHERE seq = 5")


def _swap(s: Setup) -> None:
    s.raw.run("UPDATE audit_entry SET seq = -5 WHERE seq = 5")
    s.raw.run("UPDATE audit_entry SET seq = 5 WHERE seq = 6")
    s.raw.run("UPDATE audit_entry SET seq = 6 WHERE seq = -5")


def _rechain(s: Setup) -> None:
    _edit_at(s, 15)
    s.raw.rehash()


def _edit_at(s: Setup, seq: int) -> None:
    s.raw.run("UPDATE audit_entry SET body = ? WHERE seq = ?", (s.raw.body(seq).replace(b"allowed", b"refused"), seq))


def _truncate(s: Setup) -> None:
    s.raw.run("DELETE FROM audit_entry WHERE seq > 25")
    s.raw.rehash()


def _truncate_with_checkpoints(s: Setup) -> None:
    s.raw.run("DELETE FROM audit_entry WHERE seq > 25")
    s.raw.run("DELETE FROM audit_checkpoint WHERE size > 25")
    s.raw.rehash()


def _truncate_then_reappend(s: Setup) -> None:
    _truncate_with_checkpoints(s)
    with open_log(s.location, KEY, settings=SETTINGS) as log:  # the attacker also holds the key
        for i in range(10):
            log.append(AuditEvent("login", "innocent", "allowed", detail={"n": i}))
        log.checkpoint()


def _replace_head(s: Setup) -> None:
    s.raw.run("UPDATE audit_head SET size = 29, chain = ? WHERE id = 1", (bytes(32),))


def _replace_checkpoint(s: Setup) -> None:
    forger = Ed25519PrivateKey.generate()
    (origin,) = s.raw.run("SELECT value FROM audit_meta WHERE key = 'origin'")[0]
    fake = Checkpoint(origin, 30, bytes(32), bytes(32), "2026-01-01T00:00:00.000000Z")
    s.raw.run("UPDATE audit_checkpoint SET note = ? WHERE size = 30", (sign(fake, forger, "qdn-audit").text(),))


def _prune_silently(s: Setup) -> None:
    s.raw.run("UPDATE audit_entry SET body = NULL WHERE seq <= 3")


# attack, finding without the saved checkpoint (None = undetectable by design), finding with it
MATRIX: dict[str, tuple[Callable[[Setup], None], tuple[str, int] | None, tuple[str, int]]] = {
    "edit a field": (_edit, ("entry.edited", 5), ("entry.edited", 5)),
    "delete a row": (_delete, ("entry.missing", 5), ("entry.missing", 5)),
    "swap two rows": (_swap, ("entry.reordered", 5), ("entry.reordered", 5)),
    "re-chain after an edit": (_rechain, ("checkpoint.root_mismatch", 11), ("checkpoint.root_mismatch", 11)),
    "truncate the tail": (_truncate, ("log.truncated", 26), ("log.truncated", 26)),
    "truncate tail and its checkpoints": (_truncate_with_checkpoints, None, ("external.truncated", 26)),
    "truncate then re-append with the key": (_truncate_then_reappend, None, ("external.inconsistent", 21)),
    "replace the tree head": (_replace_head, ("head.mismatch", 30), ("head.mismatch", 30)),
    "replace the latest checkpoint": (
        _replace_checkpoint,
        ("checkpoint.bad_signature", 30),
        ("checkpoint.bad_signature", 30),
    ),
    "delete content without a retention event": (
        _prune_silently,
        ("retention.unrecorded", 1),
        ("retention.unrecorded", 1),
    ),
}


@pytest.mark.parametrize("attack", sorted(MATRIX))
def test_tamper_matrix(setup: Setup, attack: str) -> None:
    tamper, without, with_external = MATRIX[attack]
    tamper(setup)
    found = setup.verify(external=False)
    if without is None:
        assert found == [], "only an external checkpoint can catch this"
    else:
        assert found and found[0] == without, found
    found = setup.verify(external=True)
    assert with_external in found, found
    assert min(seq for _, seq in found if seq is not None) == with_external[1]  # the first bad seq is named


def test_a_forged_saved_checkpoint_is_rejected(setup: Setup) -> None:
    text = setup.saved.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[1] = "31"
    setup.saved.write_text("\n".join(lines), encoding="utf-8")
    assert setup.verify(external=True) == [("external.bad_signature", None)]
    forger = Ed25519PrivateKey.generate()
    setup.saved.write_text(sign(Checkpoint("x/y", 30, bytes(32), bytes(32), "t"), forger, "qdn-audit").text())
    assert setup.verify(external=True) == [("external.bad_signature", None)]


def test_a_checkpoint_from_a_different_log_is_rejected(setup: Setup, tmp_path: Path) -> None:
    with open_log(tmp_path / "other.db", KEY, settings=SETTINGS) as other:
        for i in range(30):
            other.append(_event(i))
        other.export_checkpoint(setup.saved)
    assert setup.verify(external=True) == [("external.origin", None)]


def test_findings_are_bilingual_and_name_the_first_bad_seq(setup: Setup) -> None:
    _delete(setup)
    report = verify_location(setup.location, setup.pub, setup.saved)
    assert not report.ok and report.first_bad_seq == 5
    en, zh = report.lines("en"), report.lines("zh")
    assert en[0].startswith("FAIL") and "entries 5..5 are missing" in en[1]
    assert zh[0].startswith("未通过") and "第 5..5 条记录缺失" in zh[1]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pristine") / "audit.db"
    with open_log(path, KEY, settings=SETTINGS) as log:
        for i in range(40):
            log.append(_event(i))
        log.checkpoint()
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    column=st.sampled_from(["body", "leaf", "chain"]),
    seq=st.integers(1, 40),
    position=st.integers(0, 10_000),
    bit=st.integers(0, 7),
)
def test_any_single_bit_flip_in_any_entry_is_detected(
    pristine: Path, tmp_path: Path, column: str, seq: int, position: int, bit: int
) -> None:
    target = tmp_path / f"flip-{column}-{seq}-{position}-{bit}.db"
    shutil.copy(pristine, target)
    raw = Raw(str(target))
    (value,) = raw.run(f"SELECT {column} FROM audit_entry WHERE seq = ?", (seq,))[0]
    data = bytearray(value)
    data[position % len(data)] ^= 1 << bit
    raw.run(f"UPDATE audit_entry SET {column} = ? WHERE seq = ?", (bytes(data), seq))
    report = verify_location(str(target), KEY.public_key())
    assert not report.ok
    assert report.first_bad_seq == seq
