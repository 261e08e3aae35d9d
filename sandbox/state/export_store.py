"""SQL implementation of the airlock's storage (``sandbox.exports.store.ExportStore``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from sandbox.exports.model import CheckFinding, ExportRequest, FrozenFile, Review, SourceQuery
from sandbox.exports.states import State
from sandbox.state.db import make_engine, make_session_factory
from sandbox.state.models import ExportFileRow, ExportRequestRow, ExportReviewRow


class SqlExportStore:
    def __init__(self, sessions: sessionmaker[Session], engine: Engine | None = None) -> None:
        self._sessions = sessions
        self._engine = engine

    @classmethod
    def from_url(cls, url: str) -> SqlExportStore:
        engine = make_engine(url)
        return cls(make_session_factory(engine), engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def create(self, request: ExportRequest) -> None:
        with self._sessions.begin() as session:
            session.add(ExportRequestRow(**_request_columns(request), version=1))
            session.flush()  # the parent row first: a duplicate id fails before any file row
            session.add_all(_file_rows(request))

    def get(self, request_id: str) -> tuple[ExportRequest, int] | None:
        with self._sessions() as session:
            row = session.get(ExportRequestRow, request_id)
            return None if row is None else (_load(session, row), row.version)

    def list(
        self, *, enterprise: str | None = None, requester: str | None = None, states: Collection[State] | None = None
    ) -> list[ExportRequest]:
        query = select(ExportRequestRow).order_by(ExportRequestRow.created_at, ExportRequestRow.id)
        if enterprise is not None:
            query = query.where(ExportRequestRow.enterprise == enterprise)
        if requester is not None:
            query = query.where(ExportRequestRow.requester == requester)
        if states is not None:
            query = query.where(ExportRequestRow.state.in_([s.value for s in states]))
        with self._sessions() as session:
            return [_load(session, row) for row in session.scalars(query)]

    def save(self, request: ExportRequest, *, version: int, review: Review | None = None) -> bool:
        values = _request_columns(request)
        del values["id"], values["created_at"]
        statement = (
            update(ExportRequestRow)
            .where(ExportRequestRow.id == request.id, ExportRequestRow.version == version)
            .values(**values, version=version + 1)
        )
        try:
            with self._sessions.begin() as session:
                if cast(CursorResult[Any], session.execute(statement)).rowcount != 1:
                    session.rollback()
                    return False
                have = set(session.scalars(select(ExportFileRow.name).where(*_turn_of(request))))
                session.add_all(row for row in _file_rows(request) if row.name not in have)
                if review is not None:
                    session.add(_review_row(request.id, review))
        except IntegrityError:  # the same reviewer deciding twice on one turn, concurrently
            return False
        return True


def _turn_of(request: ExportRequest) -> tuple[Any, ...]:
    return (ExportFileRow.request_id == request.id, ExportFileRow.turn == request.turn)


def _request_columns(r: ExportRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "requester": r.requester,
        "enterprise": r.enterprise,
        "grant_jti": r.grant,
        "purpose": r.purpose,
        "context": r.context,
        "state": r.state.value,
        "turn": r.turn,
        "required_reviews": r.required_reviews,
        "policy_version": r.policy_version,
        "sources": [s.as_dict() for s in r.sources],
        "findings": [f.as_dict() for f in r.findings],
        "checks_run": list(r.checks_run),
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "bundle_sha256": r.bundle_sha256,
        "released_at": r.released_at,
        "revoked_at": r.revoked_at,
        "revoke_reason": r.revoke_reason,
    }


def _file_rows(r: ExportRequest) -> list[ExportFileRow]:
    return [
        ExportFileRow(request_id=r.id, turn=r.turn, name=f.name, sha256=f.sha256, size=f.size, kind=f.kind)
        for f in r.files
    ]


def _review_row(request_id: str, review: Review) -> ExportReviewRow:
    return ExportReviewRow(
        request_id=request_id,
        turn=review.turn,
        reviewer=review.reviewer,
        decision=review.decision,
        comment=review.comment,
        file_comments=dict(review.file_comments),
        decided_at=review.decided_at,
    )


def _load(session: Session, row: ExportRequestRow) -> ExportRequest:
    files = session.scalars(
        select(ExportFileRow)
        .where(ExportFileRow.request_id == row.id, ExportFileRow.turn == row.turn)
        .order_by(ExportFileRow.name)
    )
    reviews = session.scalars(
        select(ExportReviewRow)
        .where(ExportReviewRow.request_id == row.id)
        .order_by(ExportReviewRow.decided_at, ExportReviewRow.reviewer)
    )
    return ExportRequest(
        id=row.id,
        requester=row.requester,
        enterprise=row.enterprise,
        grant=row.grant_jti,
        purpose=row.purpose,
        context=row.context,
        state=State(row.state),
        turn=row.turn,
        files=tuple(FrozenFile(f.name, f.sha256, f.size, f.kind) for f in files),
        sources=tuple(_source(s) for s in row.sources),
        findings=tuple(CheckFinding(**f) for f in row.findings),
        required_reviews=row.required_reviews,
        policy_version=row.policy_version,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
        reviews=tuple(
            Review(v.reviewer, v.turn, v.decision, v.comment, dict(v.file_comments), _utc(v.decided_at))
            for v in reviews
        ),
        bundle_sha256=row.bundle_sha256,
        released_at=None if row.released_at is None else _utc(row.released_at),
        revoked_at=None if row.revoked_at is None else _utc(row.revoked_at),
        revoke_reason=row.revoke_reason,
        checks_run=tuple(row.checks_run),
    )


def _source(raw: dict[str, Any]) -> SourceQuery:
    return SourceQuery(**{**raw, "datasets": tuple(raw["datasets"]), "columns": tuple(raw["columns"])})


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
