"""ORM models of the state database. Schema changes go through a new migration in migrations/versions/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, Float, Index, LargeBinary, String, Text
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
