"""Signed session cookies and the CSRF token bound to them.

The cookie is ``base64url(nonce ‖ AES-GCM(json)) . base64url(HMAC-SHA-256)``: the browser can neither
read nor change it. It carries the bureau token the user logged in with, so the portal calls services
with the user's own credential (their reads and changes are audited as theirs); encrypting it keeps
the token out of anything that copies cookies around (proxies' logs, exported browser profiles). The CSRF token is an
HMAC of the session id: a form from another site cannot know it, and a new login gets a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

COOKIE = "portal_session"
MAX_COOKIE = 3800  # browsers drop cookies over 4 KiB: refuse to build one instead
AAD = b"portal_session"


@dataclass(frozen=True)
class Session:
    """One browser's session: anonymous until a login sets ``role`` and ``token``."""

    sid: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    exp: int = 0
    role: str | None = None  # reviewer | auditor | department | admin | enterprise
    user: str | None = None
    token: str | None = None
    enterprise: str | None = None
    department: str | None = None
    oauth: dict[str, str] | None = None  # state and PKCE verifier while a hub login is under way
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, message) shown once

    @property
    def signed_in(self) -> bool:
        return self.role is not None and self.token is not None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, b"session|" + body.encode(), hashlib.sha256).digest())


def _cipher(key: bytes) -> AESGCM:
    return AESGCM(hmac.new(key, b"session-encryption", hashlib.sha256).digest())


def encode(session: Session, key: bytes) -> str:
    nonce = os.urandom(12)
    plain = json.dumps(asdict(session), separators=(",", ":"), ensure_ascii=False).encode()
    body = _b64(nonce + _cipher(key).encrypt(nonce, plain, AAD))
    value = f"{body}.{_mac(key, body)}"
    if len(value) > MAX_COOKIE:
        raise ValueError("session too large for a cookie")
    return value


def decode(value: str | None, key: bytes, now: float | None = None) -> Session | None:
    """The session in ``value`` if its signature is ours and it has not expired; otherwise ``None``."""
    if not value or value.count(".") != 1 or len(value) > MAX_COOKIE:
        return None
    body, mac = value.split(".")
    if not hmac.compare_digest(mac, _mac(key, body)):
        return None
    try:
        raw = _unb64(body)
        data: dict[str, Any] = json.loads(_cipher(key).decrypt(raw[:12], raw[12:], AAD))
        session = Session(**data)
    except (ValueError, TypeError, InvalidTag):
        return None
    session = replace(session, flash=[(str(k), str(m)) for k, m in session.flash])
    if session.exp < (time.time() if now is None else now):
        return None
    return session


def fresh(lifetime: int, now: float | None = None, **fields: Any) -> Session:
    """A new session (new id, so a new CSRF token): used at first visit, at login and at logout."""
    return Session(exp=int((time.time() if now is None else now) + lifetime), **fields)


def csrf_token(session: Session, key: bytes) -> str:
    return _b64(hmac.new(key, b"csrf|" + session.sid.encode(), hashlib.sha256).digest())


def csrf_ok(session: Session, key: bytes, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(str(submitted), csrf_token(session, key))
