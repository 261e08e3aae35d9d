"""Turning what happened to a request into one audit event, made durable before the answer leaves."""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Literal

from audit import AuditEvent, AuditLog
from sandbox.errors import SandboxError
from sandbox.grants import GrantClaims, StaffClaims
from sandbox.queries.errors import AuditUnavailable

Outcome = Literal["allowed", "refused", "error"]

log = logging.getLogger("sandbox.queries.audit")

# The log refuses bodies over 64 KiB: each SQL text keeps at most this much (its SHA-256 keeps the rest honest).
MAX_SQL_BYTES = 24_000

# Refusals are decisions (the request was understood and said no to); anything else that fails is an error.
_REFUSAL_PREFIXES = ("token.", "policy.", "request.", "rate.", "grant.", "budget.")


def clip(text: str, limit: int = MAX_SQL_BYTES) -> str:
    raw = text.encode()
    return text if len(raw) <= limit else raw[:limit].decode(errors="ignore") + " …[clipped]"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def outcome_of(error: BaseException) -> Outcome:
    if isinstance(error, SandboxError) and error.code.startswith(_REFUSAL_PREFIXES):
        return "refused"
    return "error"


def rule_of(error: BaseException) -> str:
    """The rule or reason code recorded with a refusal or failure (never the message: it is for people)."""
    if isinstance(error, SandboxError):
        return str(getattr(error, "rule", None) or error.code)
    return "internal"


class Auditor:
    """Appends events to the audit log; any failure to append becomes ``AuditUnavailable`` (fail closed)."""

    def __init__(self, audit_log: AuditLog) -> None:
        self._log = audit_log

    def record(
        self,
        event_type: str,
        *,
        grant: GrantClaims | StaffClaims | None,
        outcome: Outcome,
        correlation_id: str,
        detail: dict[str, Any],
        target: str = "",
    ) -> None:
        event = AuditEvent(
            type=event_type,
            actor=grant.sub if grant else "anonymous",
            enterprise=grant.enterprise if isinstance(grant, GrantClaims) else None,
            grant=grant.jti if grant else None,
            target=target,
            outcome=outcome,
            correlation_id=correlation_id,
            detail=detail,
        )
        try:
            self._log.append(event)
        except Exception:
            log.exception("audit append failed for %s %s", event_type, correlation_id)
            raise AuditUnavailable() from None
