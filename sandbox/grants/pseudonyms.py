"""Per-grant pseudonym keys: joinable within one grant, unlinkable across grants.

The platform holds one 32-byte secret in ``$SANDBOX_HOME/keys/pseudonym.key`` (mode 0600, created once
by ``sandbox init``). A grant's key is HMAC-SHA-256(secret, jti); the warehouse's ``sandbox_hash`` uses
it, so one grant sees the same pseudonym for the same value everywhere, while two grants (or anyone
without the secret) cannot link their pseudonyms, nor brute-force an 18-digit ID number's hash.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from sandbox.errors import ConfigError
from sandbox.grants.keys import ensure_private_dir, read_private_file, write_new_private
from sandbox.settings import Settings

SECRET_BYTES = 32


def pseudonym_secret_path(settings: Settings) -> Path:
    return settings.keys_dir / "pseudonym.key"


def ensure_pseudonym_secret(settings: Settings) -> bool:
    """Create the secret unless it exists (atomically, never replacing one); return whether it was created.

    An existing secret is checked as ``load_pseudonym_secret`` does.
    """
    path = pseudonym_secret_path(settings)
    ensure_private_dir(path.parent)
    created = False if path.exists() else write_new_private(path, os.urandom(SECRET_BYTES))
    load_pseudonym_secret(settings)
    return created


def load_pseudonym_secret(settings: Settings) -> bytes:
    """The platform secret; refuses a missing, exposed (group/other-readable) or malformed file."""
    path = pseudonym_secret_path(settings)
    secret = read_private_file(path, "pseudonym secret", "假名密钥")
    if len(secret) != SECRET_BYTES:
        raise ConfigError(
            f"The pseudonym secret {path} must hold exactly {SECRET_BYTES} bytes.",
            f"假名密钥 {path} 必须恰好为 {SECRET_BYTES} 字节。",
            code="key.invalid",
        )
    return secret


def derive_hash_key(secret: bytes, jti: str) -> bytes:
    """HMAC-SHA-256(secret, jti): the pure derivation, for callers that hold the secret already."""
    if not jti:
        raise ValueError("a grant key needs the grant's jti")
    return hmac.new(secret, jti.encode("utf-8"), hashlib.sha256).digest()


def grant_hash_key(settings: Settings, jti: str) -> bytes:
    """The key ``sandbox_hash`` uses for the grant ``jti``."""
    return derive_hash_key(load_pseudonym_secret(settings), jti)
