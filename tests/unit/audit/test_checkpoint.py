"""Checkpoint text format: layout, signature, parsing."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.checkpoint import Checkpoint, CheckpointError, key_hint, parse, sign

CP = Checkpoint("qdn-sandbox.audit/test", 42, bytes(range(32)), bytes(32), "2026-11-25T10:00:00.000000Z")


def test_text_layout_is_origin_size_root_extensions_then_signature(signing_key: Ed25519PrivateKey) -> None:
    lines = sign(CP, signing_key, "qdn-audit").text().split("\n")
    assert lines[:6] == [
        "qdn-sandbox.audit/test",
        "42",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "chain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "time 2026-11-25T10:00:00.000000Z",
        "hash sha256",
    ]
    assert lines[6] == ""
    assert lines[7].startswith("\u2014 qdn-audit ")
    assert lines[8] == ""


def test_signed_text_parses_back_and_verifies(signing_key: Ed25519PrivateKey) -> None:
    signed = sign(CP, signing_key, "qdn-audit")
    parsed = parse(signed.text())
    assert parsed.checkpoint == CP
    assert parsed.verify(signing_key.public_key())
    assert parsed.key_hint == key_hint("qdn-audit", signing_key.public_key())


def test_another_key_does_not_verify(signing_key: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.generate()
    assert not parse(sign(CP, other, "qdn-audit").text()).verify(signing_key.public_key())


@pytest.mark.parametrize(("old", "new"), [("\n42\n", "\n43\n"), ("time 2026", "time 2027")])
def test_any_edit_to_the_signed_body_breaks_the_signature(signing_key: Ed25519PrivateKey, old: str, new: str) -> None:
    text = sign(CP, signing_key, "qdn-audit").text().replace(old, new, 1)
    assert not parse(text).verify(signing_key.public_key())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.replace("\n\n", "\n"),
        lambda t: t.replace("\n42\n", "\n042\n"),
        lambda t: t.replace("hash sha256", "hash sm3"),
        lambda t: t.replace("\u2014 ", "- "),
        lambda t: t.replace("chain ", "chained "),
        lambda t: t + "\u2014 second sig\n",
        lambda t: t.rstrip("\n"),
    ],
)
def test_malformed_text_is_rejected(signing_key: Ed25519PrivateKey, mutate: object) -> None:
    text = sign(CP, signing_key, "qdn-audit").text()
    with pytest.raises(CheckpointError):
        parse(mutate(text))  # type: ignore[operator]


def test_origin_with_spaces_is_refused(signing_key: Ed25519PrivateKey) -> None:
    with pytest.raises(CheckpointError):
        sign(Checkpoint("bad origin", 1, bytes(32), bytes(32), "t"), signing_key, "k")
