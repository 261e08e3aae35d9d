"""Pydantic shapes for the OpenAPI document (responses are serialised directly, not validated per request)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class QueryRequest(BaseModel):
    sql: str = Field(description="Exactly one SELECT statement (WITH, UNION, … allowed) in the warehouse's dialect.")
    epsilon: float | None = Field(
        None,
        description="the ε to spend on dp tables (default and maximum in /v1/budget); on aggregate tables, "
        "giving it asks for DP instead of the k threshold.",
    )
    dry_run: bool = Field(False, description="dp tables: report the cost and the remaining budget; charge nothing.")
    max_groups_per_unit: int | None = Field(None, description="dp tables: groups one privacy unit may add to (L0).")
    max_rows_per_unit: int | None = Field(None, description="dp tables: rows per group one privacy unit may add (L∞).")
    mechanism: str | None = Field(None, description='dp tables: "gaussian" for Gaussian noise (spends δ too).')


class ColumnOut(BaseModel):
    name: str
    type: str


class PrivacyOut(BaseModel):
    mode: str = Field(description="Effective access mode: open, masked, aggregate or dp.")
    epsilon_spent: float = Field(description="ε charged by this request (0 for a cached answer or a dry run).")
    budget_remaining: float = Field(description="Smallest ε left on the datasets the query read.")
    delta_spent: float | None = None
    cached: bool | None = Field(None, description="dp: the answer is the replayed first answer to this query.")
    dry_run: bool | None = None
    epsilon_cost: float | None = Field(None, description="dry run: the ε the query would be charged.")
    datasets: dict[str, Any] | None = Field(None, description="dp: remaining ε and δ per dataset.")


class QueryResponse(BaseModel):
    result_id: str
    columns: list[ColumnOut]
    rows: list[list[Any]]
    rewritten_sql: str
    notices: list[str]
    privacy: PrivacyOut


class TrainBody(BaseModel):
    sql: str = Field(description="SELECT of plain columns over dp tables (one row per person is used).")
    estimator: str = Field(description="LinearRegression, GaussianNB, KMeans or RandomForestClassifier.")
    features: list[str] = Field(description="Numeric output columns with catalogue bounds.")
    label: str | None = Field(None, description="Label column (classifiers, regressors).")
    classes: list[str | int] | None = Field(None, description="Classifiers: the label values (public).")
    params: dict[str, int | float] = Field(default_factory=dict, description="Allowlisted hyper-parameters.")
    epsilon: float | None = Field(None, description="ε to spend (default and maximum in /v1/budget).")


class TrainResponse(BaseModel):
    estimator: str
    features: list[str]
    label: str | None
    params: dict[str, Any] = Field(description="The fitted model's parameters (coefficients, centres, trees).")
    epsilon: float
    epsilon_spent: float = Field(description="0 when the same request was answered before (replayed).")
    cached: bool
    charge_id: str
    remaining: dict[str, float] = Field(description="ε left per dataset after the charge that paid for it.")


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
