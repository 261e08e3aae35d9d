"""ORM models of the state database. Schema changes go through a new migration in migrations/versions/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class GrantRow(Base):
    """One issued token (authorization grant or staff login); never deleted, only revoked."""

    __tablename__ = "grants"
    __table_args__ = (
        Index("ix_grants_subject", "subject"),
        Index("ix_grants_enterprise", "enterprise"),
    )

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    enterprise: Mapped[str | None] = mapped_column(String(64))
    scenario: Mapped[str | None] = mapped_column(String(32))
    datasets: Mapped[list[str]] = mapped_column(JSON)
    columns: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    epsilon: Mapped[float | None] = mapped_column(Float)
    role: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64))


# Privacy budget amounts are integers in fixed point so that sums are exact and a race test can assert
# "allocation − k·cost" to the last digit: ε in units of 1e-9, δ in units of 1e-18 (see sandbox.privacy.ledger).


class PrivacyBudgetRow(Base):
    """ε and δ allocated to and spent by one grant on one dataset ("schema.table"); spent only grows."""

    __tablename__ = "privacy_budgets"
    __table_args__ = (
        CheckConstraint("epsilon_spent >= 0 AND epsilon_spent <= epsilon_allocated", name="ck_privacy_budgets_epsilon"),
        CheckConstraint("delta_spent >= 0 AND delta_spent <= delta_allocated", name="ck_privacy_budgets_delta"),
    )

    grant_jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(128), primary_key=True)
    epsilon_allocated: Mapped[int] = mapped_column(BigInteger)
    epsilon_spent: Mapped[int] = mapped_column(BigInteger)
    delta_allocated: Mapped[int] = mapped_column(BigInteger)
    delta_spent: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrivacyChargeRow(Base):
    """One dataset's share of one charge. Append-only: amounts never change; ``outcome`` is written once."""

    __tablename__ = "privacy_charges"
    __table_args__ = (Index("ix_privacy_charges_grant", "grant_jti", "dataset"),)

    charge_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(128), primary_key=True)
    grant_jti: Mapped[str] = mapped_column(String(64))
    epsilon: Mapped[int] = mapped_column(BigInteger)
    delta: Mapped[int] = mapped_column(BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(128))
    charged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)


class PrivacyAnswerRow(Base):
    """The answer cache: one row per (grant, canonical query fingerprint), claimed by the charge that pays
    for it (``answer`` NULL while pending) and filled once with the noisy answer as JSON bytes."""

    __tablename__ = "privacy_answers"

    grant_jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(128), primary_key=True)
    charge_id: Mapped[str] = mapped_column(String(36))
    mechanism: Mapped[dict[str, Any]] = mapped_column(JSON)
    costs: Mapped[dict[str, Any]] = mapped_column(JSON)  # {dataset: [epsilon, delta]} as charged
    answer: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HubSessionRow(Base):
    """A notebook server's gateway session token, stored as its SHA-256 only; revoked when the server stops."""

    __tablename__ = "hub_sessions"
    __table_args__ = (Index("ix_hub_sessions_server", "user_name", "server_name"),)

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_name: Mapped[str] = mapped_column(String(64))
    server_name: Mapped[str] = mapped_column(String(64))
    grant_jti: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExportRequestRow(Base):
    """One export (airlock) request; ``version`` grows on every change (optimistic concurrency for reviews)."""

    __tablename__ = "export_requests"
    __table_args__ = (Index("ix_export_requests_enterprise", "enterprise", "state"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    requester: Mapped[str] = mapped_column(String(64))
    enterprise: Mapped[str] = mapped_column(String(64))
    grant_jti: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(24))
    turn: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(BigInteger)
    required_reviews: Mapped[int] = mapped_column(BigInteger)
    policy_version: Mapped[str] = mapped_column(String(64))
    sources: Mapped[list[Any]] = mapped_column(JSON)
    findings: Mapped[list[Any]] = mapped_column(JSON)
    checks_run: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    bundle_sha256: Mapped[str | None] = mapped_column(String(64))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class ExportFileRow(Base):
    """A frozen file of one turn of a request (bytes under $SANDBOX_HOME/exports/<id>/<sha256>)."""

    __tablename__ = "export_files"

    request_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    turn: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(24))


class ExportReviewRow(Base):
    """One reviewer's decision on one turn of a request; at most one per reviewer and turn."""

    __tablename__ = "export_reviews"

    request_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    turn: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(64), primary_key=True)
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    file_comments: Mapped[dict[str, Any]] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# Contribution credits (sandbox/credits; migration 0006_credits). Rows are derived from the audit log.


class MeterCursorRow(Base):
    """The last audit sequence number metered (one row, moved by compare-and-swap)."""

    __tablename__ = "credit_meter_cursor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class MeterRecordRow(Base):
    """One metered audit entry (query, budget charge, export release, review, revocation), keyed by its seq."""

    __tablename__ = "credit_meter_records"
    __table_args__ = (
        Index("ix_credit_meter_kind_ts", "kind", "ts"),
        Index("ix_credit_meter_result", "result_id"),
        Index("ix_credit_meter_export", "export_id"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(128))
    enterprise: Mapped[str | None] = mapped_column(String(64))
    grant_jti: Mapped[str | None] = mapped_column(String(64))
    export_id: Mapped[str | None] = mapped_column(String(128))
    result_id: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class CreditJobRow(Base):
    """One released job's line, with every factor it was priced with."""

    __tablename__ = "credit_jobs"
    __table_args__ = (
        Index("ix_credit_jobs_enterprise_ts", "enterprise", "ts"),
        Index("ix_credit_jobs_period", "period"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    period: Mapped[str] = mapped_column(String(7))
    enterprise: Mapped[str] = mapped_column(String(64))
    export_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    fingerprint_sql: Mapped[str] = mapped_column(String(64))
    fingerprint_result: Mapped[str] = mapped_column(String(64))
    line: Mapped[dict[str, Any]] = mapped_column(JSON)


class CreditLineRow(Base):
    """One source's credit for one job (indexed by department and period for statements)."""

    __tablename__ = "credit_lines"
    __table_args__ = (Index("ix_credit_lines_department", "department", "period"),)

    job_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    dataset: Mapped[str] = mapped_column(String(128), primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(7))
    enterprise: Mapped[str] = mapped_column(String(64))
    credit_micro: Mapped[int] = mapped_column(BigInteger)
    self_use: Mapped[bool] = mapped_column(Boolean)


class CreditStatementRow(Base):
    """A frozen monthly statement: the signed document byte-for-byte, numbered and chained per department."""

    __tablename__ = "credit_statements"
    __table_args__ = (UniqueConstraint("department", "number", name="uq_credit_statements_number"),)

    department: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(80))
    prev_hash: Mapped[str | None] = mapped_column(String(80))
    document: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SecurityReportRow(Base):
    """An enterprise's submitted half-yearly security self-report (canonical JSON and its SHA-256)."""

    __tablename__ = "security_reports"

    enterprise: Mapped[str] = mapped_column(String(64), primary_key=True)
    half: Mapped[str] = mapped_column(String(7), primary_key=True)
    submitted_by: Mapped[str] = mapped_column(String(128))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    hash: Mapped[str] = mapped_column(String(80))
    document: Mapped[str] = mapped_column(Text)
