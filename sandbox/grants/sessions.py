"""Gateway session tokens for notebook servers: opaque, short-lived, bound to user + server + grant.

The hub asks for one when it spawns a server and revokes it when the server stops. The token is
visible to code in the notebook (by design), so it is worth less than the grant: it expires at the
earlier of the grant's expiry and a session cap, dies with the server, and dies with the grant (every
use re-reads the grant's register entry). Only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final, Protocol

from sandbox.errors import GrantError, UsageError
from sandbox.grants.claims import GrantClaims, is_user_name
from sandbox.grants.records import GrantRecord

if TYPE_CHECKING:
    from sandbox.grants.service import GrantService

SESSION_PREFIX: Final = "sst_"
MAX_SESSION_TOKEN_LENGTH: Final = 128
DEFAULT_SESSION_SECONDS: Final = 8 * 3600
# JupyterHub's named-server rule (6.x), plus "" for the default server.
SERVER_RE: Final = re.compile(r"(?:[a-z](?:-?[a-z0-9])*)?")

_MESSAGES: Final = {
    "session.unknown": ("The session token is not known to the gateway.", "网关不认识此会话令牌。"),
    "session.revoked": (
        "The session token was revoked (its notebook server stopped).",
        "会话令牌已被撤销（对应的分析环境已停止）。",
    ),
    "session.expired": (
        "The session token has expired; restart the notebook server.",
        "会话令牌已过期；请重启分析环境。",
    ),
    "session.grant_inactive": (
        "The authorization behind this session is revoked, expired or not yet valid.",
        "此会话所依据的授权已被撤销、已过期或尚未生效。",
    ),
    "session.grant_mismatch": (
        "The authorization does not belong to this user or is not an enterprise grant.",
        "该授权不属于此用户，或不是企业授权。",
    ),
}


def session_error(code: str) -> GrantError:
    en, zh = _MESSAGES[code]
    return GrantError(en, zh, code=code)


def is_session_token(token: str) -> bool:
    return token.startswith(SESSION_PREFIX)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionRecord:
    token_sha256: str
    session_id: str
    user: str
    server: str
    grant_jti: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class IssuedSession:
    token: str
    record: SessionRecord
    grant: GrantRecord


class SessionStore(Protocol):
    """Implementation: ``sandbox.state.session_store.SqlSessionStore``."""

    def add(self, record: SessionRecord) -> None: ...

    def get(self, token_sha256: str) -> SessionRecord | None: ...

    def revoke_server(self, user: str, server: str, *, at: datetime) -> list[SessionRecord]:
        """Revoke every live session of ``user``'s ``server``; returns those it revoked."""
        ...


@dataclass
class SessionService:
    store: SessionStore
    grants: GrantService
    max_seconds: int = DEFAULT_SESSION_SECONDS

    def mint(self, *, user: str, server: str, grant_jti: str) -> IssuedSession:
        """A new session token for ``user``'s ``server`` under the (active, own) grant ``grant_jti``."""
        _check_names(user, server)
        now = self.grants.now()
        grant = self._active_grant(grant_jti, user, now)
        expires = min(grant.expires_at, now + timedelta(seconds=self.max_seconds))
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        record = SessionRecord(
            token_sha256=token_digest(token),
            session_id=str(uuid.uuid4()),
            user=user,
            server=server,
            grant_jti=grant_jti,
            issued_at=now,
            expires_at=expires,
        )
        self.store.add(record)
        return IssuedSession(token=token, record=record, grant=grant)

    def revoke(self, *, user: str, server: str) -> list[SessionRecord]:
        _check_names(user, server)
        return self.store.revoke_server(user, server, at=self.grants.now())

    def verify(self, token: str) -> GrantClaims:
        """The grant a live session token speaks for, with ``exp`` cut to the session's expiry."""
        if len(token) > MAX_SESSION_TOKEN_LENGTH or not is_session_token(token):
            raise session_error("session.unknown")
        record = self.store.get(token_digest(token))
        if record is None:
            raise session_error("session.unknown")
        now = self.grants.now()
        if record.revoked_at is not None:
            raise session_error("session.revoked")
        if now >= record.expires_at:
            raise session_error("session.expired")
        grant = self._active_grant(record.grant_jti, record.user, now)
        return _claims(grant, self.grants, min(record.expires_at, grant.expires_at))

    def check_grant(self, *, user: str, grant_jti: str) -> GrantRecord:
        """The grant or staff login ``grant_jti`` of ``user`` if it is active now; raises otherwise."""
        record = self.grants.store.get(grant_jti)
        if record is None or record.subject != user:
            raise session_error("session.grant_mismatch")
        if record.status(self.grants.now()) != "active":
            raise session_error("session.grant_inactive")
        return record

    def claims_for(self, record: SessionRecord) -> GrantClaims | None:
        """The grant behind ``record`` as claims, whatever its state now (for audit records)."""
        grant = self.grants.store.get(record.grant_jti)
        if grant is None or grant.kind != "grant":
            return None
        return _claims(grant, self.grants, record.expires_at)

    def _active_grant(self, jti: str, user: str, now: datetime) -> GrantRecord:
        record = self.check_grant(user=user, grant_jti=jti)
        if record.kind != "grant" or record.enterprise is None or record.scenario is None:
            raise session_error("session.grant_mismatch")
        return record


def _claims(record: GrantRecord, grants: GrantService, expires: datetime) -> GrantClaims:
    assert record.enterprise is not None and record.scenario is not None and record.epsilon is not None
    return GrantClaims(
        iss=grants.config.issuer,
        aud=grants.config.audience,
        sub=record.subject,
        iat=int(record.issued_at.timestamp()),
        nbf=int(record.not_before.timestamp()),
        exp=int(expires.timestamp()),
        jti=record.jti,
        enterprise=record.enterprise,
        scenario=record.scenario,
        datasets=record.datasets,
        epsilon=record.epsilon,
        columns=record.columns,
    )


def _check_names(user: str, server: str) -> None:
    if not is_user_name(user) or len(server) > 30 or SERVER_RE.fullmatch(server) is None:
        raise UsageError(
            "The user or server name is not valid"
            " (user: [a-z][a-z0-9-]{1,30}; server: JupyterHub's named-server rule).",
            "用户名或服务器名无效（用户名：[a-z][a-z0-9-]{1,30}；服务器名：JupyterHub 命名服务器规则）。",
            code="session.invalid_name",
        )


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
