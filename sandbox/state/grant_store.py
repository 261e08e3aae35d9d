"""SQL implementation of the grant register (``sandbox.grants.records.GrantStore``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from sandbox.grants.claims import Kind
from sandbox.grants.records import GrantRecord, RevokeResult
from sandbox.state.db import make_engine, make_session_factory
from sandbox.state.models import GrantRow


class SqlGrantStore:
    """Grant register over a SQLAlchemy session factory (schema created by ``sandbox.state.migrate``)."""

    def __init__(self, sessions: sessionmaker[Session], engine: Engine | None = None) -> None:
        self._sessions = sessions
        self._engine = engine  # owned (disposed by close) only when we created it

    @classmethod
    def from_url(cls, url: str) -> SqlGrantStore:
        engine = make_engine(url)
        return cls(make_session_factory(engine), engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def add(self, record: GrantRecord) -> None:
        with self._sessions.begin() as session:
            session.add(_to_row(record))

    def get(self, jti: str) -> GrantRecord | None:
        with self._sessions() as session:
            row = session.get(GrantRow, jti)
            return None if row is None else _to_record(row)

    def list(self, *, include_revoked: bool) -> list[GrantRecord]:
        query = select(GrantRow).order_by(GrantRow.issued_at, GrantRow.jti)
        if not include_revoked:
            query = query.where(GrantRow.revoked_at.is_(None))
        with self._sessions() as session:
            return [_to_record(row) for row in session.scalars(query)]

    def revoke(self, jti: str, *, at: datetime, by: str, reason: str | None) -> RevokeResult | None:
        # A conditional UPDATE: of two concurrent revokes exactly one wins and the first record stays.
        statement = (
            update(GrantRow)
            .where(GrantRow.jti == jti, GrantRow.revoked_at.is_(None))
            .values(revoked_at=at, revoked_by=by, revoke_reason=reason)
        )
        with self._sessions.begin() as session:
            changed = cast(CursorResult[Any], session.execute(statement)).rowcount
            row = session.get(GrantRow, jti, populate_existing=True)
            if row is None:
                return None
            return RevokeResult(record=_to_record(row), already_revoked=changed == 0)


def _to_row(record: GrantRecord) -> GrantRow:
    columns = None if record.columns is None else {t: list(c) for t, c in record.columns.items()}
    return GrantRow(
        jti=record.jti,
        kind=record.kind,
        subject=record.subject,
        enterprise=record.enterprise,
        scenario=record.scenario,
        datasets=list(record.datasets),
        columns=columns,
        epsilon=record.epsilon,
        role=record.role,
        department=record.department,
        issued_at=record.issued_at,
        not_before=record.not_before,
        expires_at=record.expires_at,
        revoked_at=record.revoked_at,
        revoked_by=record.revoked_by,
        revoke_reason=record.revoke_reason,
        key_id=record.key_id,
    )


def _to_record(row: GrantRow) -> GrantRecord:
    return GrantRecord(
        jti=row.jti,
        kind=_kind(row.kind),
        subject=row.subject,
        issued_at=_utc(row.issued_at),
        not_before=_utc(row.not_before),
        expires_at=_utc(row.expires_at),
        key_id=row.key_id,
        enterprise=row.enterprise,
        scenario=row.scenario,
        datasets=tuple(row.datasets),
        columns=_columns(row.columns),
        epsilon=row.epsilon,
        role=row.role,
        department=row.department,
        revoked_at=None if row.revoked_at is None else _utc(row.revoked_at),
        revoked_by=row.revoked_by,
        revoke_reason=row.revoke_reason,
    )


def _kind(value: str) -> Kind:
    if value == "grant":
        return "grant"
    if value == "staff":
        return "staff"
    raise ValueError(f"unknown token kind in the grants table: {value!r}")


def _columns(value: dict[str, Any] | None) -> dict[str, tuple[str, ...]] | None:
    return None if value is None else {table: tuple(cols) for table, cols in value.items()}


def _utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything we store is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
