"""Receipts: a signed checkpoint plus an inclusion proof, so one entry can be proven offline for years.

Text layout (after C2SP tlog-proof):

    c2sp.org/tlog-proof@v1
    index <leaf index = seq - 1>
    <base64 proof hash>          (zero or more lines, RFC 6962 audit path, leaf upwards)
    <blank line>
    <checkpoint text>            (see checkpoint.py)
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit import checkpoint as cp
from audit.merkle import leaf_hash, verify_inclusion

HEADER = "c2sp.org/tlog-proof@v1"


def format_receipt(index: int, proof: Sequence[bytes], checkpoint_text: str) -> str:
    lines = [HEADER, f"index {index}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return "\n".join(lines) + "\n\n" + checkpoint_text


def verify_receipt(text: str, body: bytes, public_key: Ed25519PublicKey, origin: str | None = None) -> bool:
    """True when ``body`` (the entry's stored bytes) is in the tree the signed checkpoint commits to."""
    head, sep, note = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or len(lines) < 2 or lines[0] != HEADER or not lines[1].startswith("index "):
        return False
    try:
        index = int(lines[1][len("index ") :])
        proof = [base64.b64decode(line, validate=True) for line in lines[2:]]
        signed = cp.parse(note)
    except (ValueError, binascii.Error, cp.CheckpointError):
        return False
    c = signed.checkpoint
    if not signed.verify(public_key) or (origin is not None and c.origin != origin):
        return False
    return verify_inclusion(leaf_hash(body), index, c.size, proof, c.root)
