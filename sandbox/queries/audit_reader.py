"""The auditor's use cases: search the audit log, export it as CSV, verify it — each read itself audited.

Only a staff login with role auditor or admin may read. Every call, allowed or refused, leaves an
``audit.read`` event (CSV exports an ``audit.export`` event, written by the log itself) that is durable
before the answer leaves; if it cannot be written the caller gets ``AuditUnavailable`` (fail closed).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import audit
from audit.log import MAX_PAGE
from sandbox.errors import ConfigError, GrantError
from sandbox.grants import GrantClaims, GrantService, StaffClaims
from sandbox.queries.auditing import Auditor, Outcome, outcome_of, rule_of
from sandbox.queries.errors import (
    AuditUnavailable,
    Forbidden,
    RequestRejected,
    audit_forbidden,
    bad_parameter,
    missing_staff_token,
)

log = logging.getLogger("sandbox.queries.audit_reader")

READER_ROLES = frozenset({"auditor", "admin"})
DEFAULT_LIMIT = 100
MAX_LIMIT = MAX_PAGE
FILTER_FIELDS = ("actor", "enterprise", "dataset", "type")
TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_TEXT = 256


def parse_filter(params: Mapping[str, str | None]) -> audit.EventFilter:
    """The ``EventFilter`` for the request's query parameters (times ISO 8601; without a zone, UTC)."""
    text = {name: params.get(name) or None for name in FILTER_FIELDS}
    for name, value in text.items():
        if value is not None and len(value) > MAX_TEXT:  # the read's own audit event records the filter
            raise bad_parameter(name, f"at most {MAX_TEXT} characters", f"不超过 {MAX_TEXT} 个字符")
    return audit.EventFilter(**text, since=_moment(params, "since"), until=_moment(params, "until"))


def parse_page(params: Mapping[str, str | None]) -> tuple[str | None, int]:
    """(cursor, limit): the cursor is the last sequence number seen, the limit 1..1000 (default 100)."""
    cursor = params.get("cursor") or None
    if cursor is not None and not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
        raise bad_parameter("cursor", "the next_cursor of an earlier page", "上一页返回的 next_cursor")
    raw = params.get("limit")
    if raw is None or raw == "":
        return cursor, DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise bad_parameter("limit", f"an integer from 1 to {MAX_LIMIT}", f"1 至 {MAX_LIMIT} 之间的整数")
    return cursor, int(raw)


def _moment(params: Mapping[str, str | None], name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise bad_parameter(
            name, "an ISO 8601 time, e.g. 2026-11-25T08:00:00Z", "ISO 8601 时间，如 2026-11-25T08:00:00Z"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def filter_detail(flt: audit.EventFilter) -> dict[str, str]:
    """The filter as recorded in the read's own audit event."""
    return {k: v.isoformat() if isinstance(v, datetime) else str(v) for k, v in vars(flt).items() if v is not None}


def event_json(item: audit.LoggedEvent) -> dict[str, Any]:
    e = item.event
    return {
        "seq": item.seq,
        "ts": item.ts.strftime(TS_FORMAT),
        "type": e.type,
        "actor": e.actor,
        "enterprise": e.enterprise,
        "grant": e.grant,
        "target": e.target,
        "outcome": e.outcome,
        "correlation_id": e.correlation_id,
        "detail": dict(e.detail),
    }


class AuditReader:
    """Auditor reads over the process's one ``SequencedLog`` (shared with the query service's writer)."""

    def __init__(self, *, grants: GrantService, log: audit.SequencedLog, public_key_path: Path) -> None:
        self.grants = grants
        self._log = log
        self._auditor = Auditor(log)
        self._public_key_path = public_key_path

    def events(self, token: str | None, params: Mapping[str, str | None], *, correlation_id: str) -> dict[str, Any]:
        """One page of events matching the filter: {"events": [...], "next_cursor": str | None}."""
        staff = self._admit("audit.read", token, correlation_id, {"action": "events"})
        try:
            flt = parse_filter(params)
            cursor, limit = parse_page(params)
        except Exception as error:
            self._refused("audit.read", staff, error, correlation_id, {"action": "events"})
            raise
        page = self._log.events(flt, cursor=cursor, limit=limit)
        detail = {
            "action": "events",
            "role": staff.role,
            "filter": filter_detail(flt),
            "cursor": cursor,
            "limit": limit,
            "returned": len(page.events),
        }
        self._record("audit.read", staff, "allowed", correlation_id, detail)
        return {"events": [event_json(item) for item in page.events], "next_cursor": page.next_cursor}

    def export_csv(self, token: str | None, params: Mapping[str, str | None], *, correlation_id: str) -> str:
        """Every event matching the filter as CSV; the log records the ``audit.export`` event first."""
        staff = self._admit("audit.export", token, correlation_id, {"action": "csv"})
        try:
            flt = parse_filter(params)
        except Exception as error:
            self._refused("audit.export", staff, error, correlation_id, {"action": "csv"})
            raise
        out = io.StringIO()
        try:
            self._log.export_csv(out, flt, actor=staff.sub)
        except audit.AuditUnavailable:
            log.exception("audit export event could not be written (%s)", correlation_id)
            raise AuditUnavailable() from None
        return out.getvalue()

    def verify(self, token: str | None, *, correlation_id: str) -> dict[str, Any]:
        """Seal and verify the live log against the bureau public key; the verification is itself audited."""
        staff = self._admit("audit.read", token, correlation_id, {"action": "verify"})
        if not self._public_key_path.is_file():
            raise ConfigError(
                f"No bureau public key at {self._public_key_path}: run `sandbox init` first.",
                f"{self._public_key_path} 处没有公钥：请先运行 `sandbox init`。",
                code="key.missing",
            )
        # Seal first, so every entry verified is covered by the signed checkpoint handed back to be kept outside.
        sealed = self._log.checkpoint()
        report = audit.verify(self._log, self._public_key_path)
        summary = {"ok": report.ok, "entries": report.size, "first_bad_seq": report.first_bad_seq}
        self._record(
            "audit.read", staff, "allowed", correlation_id, {"action": "verify", "role": staff.role, **summary}
        )
        return {
            **summary,
            "checkpoints": report.checkpoints_checked,
            "findings": [
                {"code": f.code, "seq": f.seq, "severity": f.severity, "message": f.message, "message_zh": f.message_zh}
                for f in report.findings
            ],
            "latest_checkpoint": sealed,
        }

    def _admit(self, action: str, token: str | None, correlation_id: str, detail: dict[str, Any]) -> StaffClaims:
        """A valid staff login with a reader role; anything else is refused, and the refusal audited."""
        claims: StaffClaims | GrantClaims | None = None
        try:
            if not token:
                raise missing_staff_token()
            claims = self.grants.verify(token)
            if not isinstance(claims, StaffClaims) or claims.role not in READER_ROLES:
                raise audit_forbidden()
            return claims
        except Exception as error:
            self._refused(action, claims, error, correlation_id, detail)
            raise

    def _refused(
        self,
        action: str,
        who: StaffClaims | GrantClaims | None,
        error: Exception,
        correlation_id: str,
        detail: dict[str, Any],
    ) -> None:
        detail = {**detail, "rule": rule_of(error), "code": getattr(error, "code", "internal.error")}
        refused = isinstance(error, GrantError | RequestRejected | Forbidden)
        self._record(action, who, "refused" if refused else outcome_of(error), correlation_id, detail)

    def _record(
        self,
        action: str,
        who: StaffClaims | GrantClaims | None,
        outcome: Outcome,
        correlation_id: str,
        detail: dict[str, Any],
    ) -> None:
        self._auditor.record(
            action, grant=who, outcome=outcome, correlation_id=correlation_id, detail=detail, target="audit"
        )
