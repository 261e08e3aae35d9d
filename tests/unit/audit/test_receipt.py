"""Receipts prove one entry offline with the public key alone, and nothing else passes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from audit_support import query_event
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import SequencedLog, verify_receipt

MakeLog = Callable[..., SequencedLog]


@pytest.fixture
def log_with_receipt(make_log: MakeLog) -> tuple[SequencedLog, str, bytes]:
    log = make_log()
    for i in range(20):
        log.append(query_event(i))
    body = log.events(cursor="6", limit=1).events[0].body  # entry 7
    return log, log.receipt(7), body


def test_a_receipt_proves_its_entry(
    log_with_receipt: tuple[SequencedLog, str, bytes], signing_key: Ed25519PrivateKey
) -> None:
    log, receipt, body = log_with_receipt
    assert receipt.startswith("c2sp.org/tlog-proof@v1\nindex 6\n")
    assert verify_receipt(receipt, body, signing_key.public_key(), origin=log.origin)


def test_a_receipt_still_verifies_after_the_log_grows(
    log_with_receipt: tuple[SequencedLog, str, bytes], signing_key: Ed25519PrivateKey
) -> None:
    log, receipt, body = log_with_receipt
    for i in range(50):
        log.append(query_event(100 + i))
    assert verify_receipt(receipt, body, signing_key.public_key())


def test_a_receipt_fails_for_another_body_key_origin_or_edited_text(
    log_with_receipt: tuple[SequencedLog, str, bytes], signing_key: Ed25519PrivateKey
) -> None:
    _, receipt, body = log_with_receipt
    key = signing_key.public_key()
    assert not verify_receipt(receipt, body.replace(b"allowed", b"refused"), key)
    assert not verify_receipt(receipt, body, Ed25519PrivateKey.generate().public_key())
    assert not verify_receipt(receipt, body, key, origin="another/log")
    assert not verify_receipt(receipt.replace("index 6", "index 7"), body, key)
    lines = receipt.split("\n")
    lines[2] = lines[3]  # a proof hash replaced
    assert not verify_receipt("\n".join(lines), body, key)
    assert not verify_receipt("garbage", body, key)


def test_no_receipt_for_an_entry_that_does_not_exist(make_log: MakeLog) -> None:
    log = make_log()
    log.append(query_event(1))
    with pytest.raises(ValueError, match="not covered"):
        log.receipt(2)
