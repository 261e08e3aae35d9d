"""SQL implementation of the hub session register (``sandbox.grants.sessions.SessionStore``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from sandbox.grants.sessions import SessionRecord, utc
from sandbox.state.db import make_engine, make_session_factory
from sandbox.state.models import HubSessionRow


class SqlSessionStore:
    def __init__(self, sessions: sessionmaker[Session], engine: Engine | None = None) -> None:
        self._sessions = sessions
        self._engine = engine

    @classmethod
    def from_url(cls, url: str) -> SqlSessionStore:
        engine = make_engine(url)
        return cls(make_session_factory(engine), engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def add(self, record: SessionRecord) -> None:
        with self._sessions.begin() as session:
            session.add(
                HubSessionRow(
                    token_sha256=record.token_sha256,
                    session_id=record.session_id,
                    user_name=record.user,
                    server_name=record.server,
                    grant_jti=record.grant_jti,
                    issued_at=record.issued_at,
                    expires_at=record.expires_at,
                    revoked_at=record.revoked_at,
                )
            )

    def get(self, token_sha256: str) -> SessionRecord | None:
        with self._sessions() as session:
            row = session.get(HubSessionRow, token_sha256)
            return None if row is None else _record(row)

    def revoke_server(self, user: str, server: str, *, at: datetime) -> list[SessionRecord]:
        query = select(HubSessionRow).where(
            HubSessionRow.user_name == user, HubSessionRow.server_name == server, HubSessionRow.revoked_at.is_(None)
        )
        with self._sessions.begin() as session:
            rows = list(session.scalars(query.with_for_update()))
            for row in rows:
                row.revoked_at = at
            return [_record(row) for row in rows]


def _record(row: HubSessionRow) -> SessionRecord:
    return SessionRecord(
        token_sha256=row.token_sha256,
        session_id=row.session_id,
        user=row.user_name,
        server=row.server_name,
        grant_jti=row.grant_jti,
        issued_at=utc(row.issued_at),
        expires_at=utc(row.expires_at),
        revoked_at=None if row.revoked_at is None else utc(row.revoked_at),
    )
