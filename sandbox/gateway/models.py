"""Pydantic shapes for the OpenAPI document (responses are serialised directly, not validated per request)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class QueryRequest(BaseModel):
    sql: str = Field(description="Exactly one SELECT statement (WITH, UNION, … allowed) in the warehouse's dialect.")


class ColumnOut(BaseModel):
    name: str
    type: str


class PrivacyOut(BaseModel):
    mode: str = Field(description="Effective access mode: open, masked, aggregate or dp.")
    epsilon_spent: float
    budget_remaining: float


class QueryResponse(BaseModel):
    result_id: str
    columns: list[ColumnOut]
    rows: list[list[Any]]
    rewritten_sql: str
    notices: list[str]
    privacy: PrivacyOut


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable code, e.g. policy.column_denied or token.expired.")
    message: str
    message_zh: str
    rule: str | None = None
    dataset: str | None = None
    column: str | None = None
    line: int | None = None
    col: int | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        400: "Syntax error or malformed request",
        401: "Missing, invalid, expired or revoked token (the code says which)",
        403: "Refused by policy (the rule, table and column are named)",
        413: "SQL text or request body too large",
        429: "Per-grant rate limit; see Retry-After",
        503: "Audit log unavailable (fail closed) or service unavailable",
    }.items()
}


class AuditEventOut(BaseModel):
    seq: int = Field(description="Sequence number: 1, 2, 3, … gap-free.")
    ts: str = Field(description="Log time, UTC, RFC 3339 with microseconds.")
    type: str = Field(description="Event type, e.g. query, grant.issue, audit.read.")
    actor: str
    enterprise: str | None
    grant: str | None = Field(description="Token id (jti) the actor used, when there was one.")
    target: str
    outcome: str = Field(description="allowed, refused, error, requested, succeeded or unknown.")
    correlation_id: str | None = Field(description="The request's X-Request-Id.")
    detail: dict[str, Any] = Field(
        description="SQL (original and rewritten), datasets, rule, rows, result hash; never values."
    )


class AuditEventsResponse(BaseModel):
    events: list[AuditEventOut]
    next_cursor: str | None = Field(description="Pass back as cursor for the next page; null at the end.")


class FindingOut(BaseModel):
    code: str = Field(description="e.g. entry.edited, entry.missing, log.truncated, checkpoint.unsealed_tail.")
    seq: int | None
    severity: str = Field(description="error or warning (warnings do not fail verification).")
    message: str
    message_zh: str


class AuditVerifyResponse(BaseModel):
    ok: bool
    entries: int
    checkpoints: int
    first_bad_seq: int | None
    findings: list[FindingOut]
    latest_checkpoint: str | None = Field(description="The latest signed checkpoint (C2SP note); keep it outside.")
