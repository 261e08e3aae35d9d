"""Signed checkpoints in the C2SP signed-note layout (see docs/audit.md for the text format).

<origin>
<tree size>
<base64 root>
chain <base64 chain head>
time <RFC 3339 UTC, microseconds>
hash sha256
<blank line>
— <key name> <base64(4-byte key hint ‖ Ed25519 signature over the text above the blank line)>
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HASH_ALGORITHM = "sha256"
_ORIGIN_RE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces
_SIG_PREFIX = "\u2014 "  # em dash + space, as in C2SP signed notes
_ED25519_ALG = b"\x01"


class CheckpointError(ValueError):
    """The checkpoint text is malformed."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    chain_head: bytes
    time: str  # RFC 3339 UTC text as written by the log

    def body(self) -> str:
        """The signed text (ends with a newline)."""
        return (
            f"{self.origin}\n{self.size}\n{_b64(self.root)}\n"
            f"chain {_b64(self.chain_head)}\ntime {self.time}\nhash {HASH_ALGORITHM}\n"
        )


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    key_name: str
    key_hint: bytes
    signature: bytes

    def text(self) -> str:
        sig = _b64(self.key_hint + self.signature)
        return f"{self.checkpoint.body()}\n{_SIG_PREFIX}{self.key_name} {sig}\n"

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        if self.key_hint != key_hint(self.key_name, public_key):
            return False
        try:
            public_key.verify(self.signature, self.checkpoint.body().encode("utf-8"))
        except InvalidSignature:
            return False
        return True


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, length: int | None = None) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CheckpointError("invalid base64") from exc
    if length is not None and len(data) != length:
        raise CheckpointError(f"expected {length} bytes, got {len(data)}")
    return data


def key_hint(key_name: str, public_key: Ed25519PublicKey) -> bytes:
    """C2SP note key id: first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw public key)."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return sha256(key_name.encode("utf-8") + b"\n" + _ED25519_ALG + raw).digest()[:4]


def sign(checkpoint: Checkpoint, private_key: Ed25519PrivateKey, key_name: str) -> SignedCheckpoint:
    if not _ORIGIN_RE.match(checkpoint.origin) or not _ORIGIN_RE.match(key_name):
        raise CheckpointError("origin and key name must be printable ASCII without spaces")
    signature = private_key.sign(checkpoint.body().encode("utf-8"))
    return SignedCheckpoint(checkpoint, key_name, key_hint(key_name, private_key.public_key()), signature)


def parse(text: str) -> SignedCheckpoint:
    """Parse checkpoint text; the signature is not checked here (see :meth:`SignedCheckpoint.verify`)."""
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        raise CheckpointError("missing blank line between checkpoint body and signature")
    lines = body.split("\n")
    if len(lines) != 6:
        raise CheckpointError("checkpoint body must have 6 lines")
    origin, size_text, root_text, chain_line, time_line, hash_line = lines
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise CheckpointError("tree size must be a decimal number")
    if not chain_line.startswith("chain ") or not time_line.startswith("time "):
        raise CheckpointError("expected 'chain' and 'time' lines")
    if hash_line != f"hash {HASH_ALGORITHM}":
        raise CheckpointError(f"unsupported hash line {hash_line!r}")
    checkpoint = Checkpoint(
        origin=origin,
        size=int(size_text),
        root=_unb64(root_text, 32),
        chain_head=_unb64(chain_line[len("chain ") :], 32),
        time=time_line[len("time ") :],
    )
    sig_line = sigs.rstrip("\n")
    if not sig_line.startswith(_SIG_PREFIX) or "\n" in sig_line:
        raise CheckpointError("expected exactly one signature line starting with an em dash")
    name, _, sig_text = sig_line[len(_SIG_PREFIX) :].partition(" ")
    blob = _unb64(sig_text, 68)
    signed = SignedCheckpoint(checkpoint, name, blob[:4], blob[4:])
    if signed.text() != text:
        raise CheckpointError("checkpoint text is not in canonical form")
    return signed
