"""Plain records of issued tokens, and the storage protocol the grant service relies on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sandbox.grants.claims import Kind

Status = Literal["active", "pending", "expired", "revoked"]


@dataclass(frozen=True)
class GrantRecord:
    """One issued token as the register holds it (grant or staff login). Times are UTC-aware."""

    jti: str
    kind: Kind
    subject: str
    issued_at: datetime
    not_before: datetime
    expires_at: datetime
    key_id: str
    enterprise: str | None = None
    scenario: str | None = None
    datasets: tuple[str, ...] = ()
    columns: Mapping[str, tuple[str, ...]] | None = None
    epsilon: float | None = None
    role: str | None = None
    department: str | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    def status(self, now: datetime) -> Status:
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        if now < self.not_before:
            return "pending"
        return "active"


@dataclass(frozen=True)
class RevokeResult:
    """The record after revocation; ``already_revoked`` tells a repeated revoke from the first one."""

    record: GrantRecord
    already_revoked: bool


class GrantStore(Protocol):
    """Where issued tokens are registered. Implementations: ``sandbox.state.grant_store.SqlGrantStore``."""

    def add(self, record: GrantRecord) -> None: ...

    def get(self, jti: str) -> GrantRecord | None: ...

    def list(self, *, include_revoked: bool) -> list[GrantRecord]: ...

    def revoke(self, jti: str, *, at: datetime, by: str, reason: str | None) -> RevokeResult | None:
        """Mark ``jti`` revoked unless it already is; ``None`` when no such jti is registered."""
        ...
