"""Retention: the legal minimum is enforced, only whole sealed months are pruned, proofs survive pruning."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from audit_support import query_event
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import (
    DEFAULT_RETENTION_DAYS,
    EventFilter,
    RetentionError,
    RetentionPolicy,
    SequencedLog,
    verify,
    verify_inclusion,
)
from audit.merkle import root_from_leaves

MakeLog = Callable[..., SequencedLog]


def test_default_is_three_years_and_less_than_180_days_is_refused() -> None:
    assert RetentionPolicy().days == DEFAULT_RETENTION_DAYS == 1095
    assert RetentionPolicy(180).days == 180
    with pytest.raises(RetentionError, match="180"):
        RetentionPolicy(179)


def test_cutoff_is_the_start_of_a_month() -> None:
    cutoff = RetentionPolicy(365).segment_cutoff(datetime(2027, 3, 15, 12, tzinfo=UTC))
    assert cutoff == datetime(2026, 3, 1, tzinfo=UTC)


def test_nothing_younger_than_the_period_is_pruned(make_log: MakeLog) -> None:
    log = make_log()
    for i in range(12):
        log.append(query_event(i))
    log.checkpoint()
    assert log.prune_expired(datetime.now(UTC)) == 0
    assert len(log.events().events) == 12


def test_expired_sealed_months_lose_content_but_the_log_still_verifies(
    make_log: MakeLog, signing_key: Ed25519PrivateKey
) -> None:
    log = make_log(retention=RetentionPolicy(180))
    receipts = [log.append(query_event(i)) for i in range(12)]
    log.checkpoint()
    # backdate the time index of the first five (the guard trigger forbids it, so drop it first)
    conn = sqlite3.connect(log.store.location, isolation_level=None)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("UPDATE audit_entry SET ts_us = ? WHERE seq <= 5", (1_600_000_000_000_000,))  # 2020-09
    conn.close()
    log.close()
    reopened = make_log(retention=RetentionPolicy(180))
    assert reopened.prune_expired(datetime.now(UTC)) == 5
    remaining = [e.seq for e in reopened.iter_events()]
    assert remaining == [*range(6, 13), 13]  # 13 is the retention event itself
    retention = reopened.events(EventFilter(type="audit.retention")).events[0].event
    assert retention.detail["through_seq"] == 5
    reopened.checkpoint()
    report = verify(reopened, signing_key.public_key())
    assert report.ok, report.lines()
    leaves = reopened.leaves()
    # a receipt for a pruned entry still proves inclusion
    proof = reopened.inclusion_proof(receipts[0].seq, len(leaves))
    assert verify_inclusion(bytes.fromhex(receipts[0].leaf_hash), 0, len(leaves), proof.path, root_from_leaves(leaves))
