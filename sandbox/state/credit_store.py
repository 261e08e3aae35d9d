"""SQL storage of metering, job lines, statements and self-reports (``sandbox.credits.store.CreditStore``).

Rows are derived from the audit log and keyed by its sequence numbers; the cursor update is a
compare-and-swap, so two processes metering at once store each entry exactly once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from sandbox.credits.jobs import JobLine, job_json
from sandbox.credits.metering import MeterKind, MeterRecord
from sandbox.credits.store import StoredReport, StoredStatement
from sandbox.state.db import make_engine, make_session_factory
from sandbox.state.models import (
    Base,
    CreditJobRow,
    CreditLineRow,
    CreditStatementRow,
    MeterCursorRow,
    MeterRecordRow,
    SecurityReportRow,
)


class _LostRace(Exception):
    """Another process moved the meter cursor first."""


def period_of(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m")


class SqlCreditStore:
    def __init__(self, sessions: sessionmaker[Session], engine: Engine | None = None) -> None:
        self._sessions = sessions
        self._engine = engine

    @classmethod
    def from_url(cls, url: str) -> SqlCreditStore:
        engine = make_engine(url)
        return cls(make_session_factory(engine), engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def last_seq(self) -> int:
        with self._sessions() as session:
            row = session.get(MeterCursorRow, 1)
            return 0 if row is None else row.last_seq

    def save_batch(self, records: Sequence[MeterRecord], jobs: Sequence[JobLine], *, old: int, new: int) -> bool:
        try:
            with self._sessions.begin() as session:
                if not self._move_cursor(session, old, new):
                    raise _LostRace
                session.add_all(_record_row(r) for r in records)
                for job in jobs:
                    session.add(_job_row(job))
                    session.add_all(_line_rows(job))
        except (IntegrityError, _LostRace):
            return False  # another process stored the same entries first; the transaction rolled back
        return True

    def _move_cursor(self, session: Session, old: int, new: int) -> bool:
        if session.get(MeterCursorRow, 1) is None:
            if old != 0:
                return False
            session.add(MeterCursorRow(id=1, last_seq=new))
            session.flush()
            return True
        statement = (
            sql_update(MeterCursorRow)
            .where(MeterCursorRow.id == 1, MeterCursorRow.last_seq == old)
            .values(last_seq=new)
        )
        return cast(CursorResult[Any], session.execute(statement)).rowcount == 1

    def by_result_ids(self, result_ids: Collection[str]) -> list[MeterRecord]:
        if not result_ids:
            return []
        query = select(MeterRecordRow).where(
            MeterRecordRow.kind == "query", MeterRecordRow.result_id.in_(list(result_ids))
        )
        with self._sessions() as session:
            return [_record(row) for row in session.scalars(query.order_by(MeterRecordRow.seq))]

    def export_events(self, export_id: str) -> list[MeterRecord]:
        query = select(MeterRecordRow).where(MeterRecordRow.export_id == export_id).order_by(MeterRecordRow.seq)
        with self._sessions() as session:
            return [_record(row) for row in session.scalars(query)]

    def recent_jobs(self, enterprise: str, since: datetime) -> list[tuple[datetime, str, str]]:
        query = select(CreditJobRow).where(
            CreditJobRow.enterprise == enterprise,
            CreditJobRow.ts >= since,
            CreditJobRow.status.in_(("credited", "repeat", "capped")),
        )
        with self._sessions() as session:
            return [(_utc(r.ts), r.fingerprint_sql, r.fingerprint_result) for r in session.scalars(query)]

    def records(self, kind: MeterKind, since: datetime, until: datetime) -> list[MeterRecord]:
        query = select(MeterRecordRow).where(
            MeterRecordRow.kind == kind, MeterRecordRow.ts >= since, MeterRecordRow.ts < until
        )
        with self._sessions() as session:
            return [_record(row) for row in session.scalars(query.order_by(MeterRecordRow.seq))]

    def jobs(
        self, since: datetime, until: datetime, *, department: str | None = None, enterprise: str | None = None
    ) -> list[dict[str, Any]]:
        query = select(CreditJobRow).where(CreditJobRow.ts >= since, CreditJobRow.ts < until)
        if enterprise is not None:
            query = query.where(CreditJobRow.enterprise == enterprise)
        if department is not None:
            owned = select(CreditLineRow.job_seq).where(CreditLineRow.department == department)
            query = query.where(CreditJobRow.seq.in_(owned))
        with self._sessions() as session:
            return [dict(row.line) for row in session.scalars(query.order_by(CreditJobRow.seq))]

    def department_totals(self, period: str) -> dict[str, int]:
        query = (
            select(CreditLineRow.department, func.sum(CreditLineRow.credit_micro))
            .where(CreditLineRow.period == period)
            .group_by(CreditLineRow.department)
        )
        with self._sessions() as session:
            return {str(dept): int(total or 0) for dept, total in session.execute(query)}

    def statement(self, department: str, period: str) -> StoredStatement | None:
        with self._sessions() as session:
            row = session.get(CreditStatementRow, (department, period))
            return None if row is None else _statement(row)

    def last_statement(self, department: str) -> StoredStatement | None:
        query = (
            select(CreditStatementRow)
            .where(CreditStatementRow.department == department)
            .order_by(CreditStatementRow.number.desc())
        )
        with self._sessions() as session:
            row = session.scalars(query.limit(1)).first()
            return None if row is None else _statement(row)

    def add_statement(self, statement: StoredStatement, issued_at: datetime) -> bool:
        row = CreditStatementRow(
            department=statement.department,
            period=statement.period,
            number=statement.number,
            hash=statement.hash,
            prev_hash=statement.prev_hash,
            document=statement.document,
            issued_at=issued_at,
        )
        return self._insert_once(row)

    def statements(self, department: str) -> list[StoredStatement]:
        query = (
            select(CreditStatementRow)
            .where(CreditStatementRow.department == department)
            .order_by(CreditStatementRow.number)
        )
        with self._sessions() as session:
            return [_statement(row) for row in session.scalars(query)]

    def report(self, enterprise: str, half: str) -> StoredReport | None:
        with self._sessions() as session:
            row = session.get(SecurityReportRow, (enterprise, half))
            return None if row is None else _report(row)

    def add_report(self, report: StoredReport) -> bool:
        row = SecurityReportRow(
            enterprise=report.enterprise,
            half=report.half,
            submitted_by=report.submitted_by,
            submitted_at=report.submitted_at,
            hash=report.hash,
            document=report.document,
        )
        return self._insert_once(row)

    def _insert_once(self, row: Base) -> bool:
        """Insert ``row``; False when its key is already taken (a frozen document is never overwritten)."""
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    def reports(self, half: str) -> list[StoredReport]:
        query = select(SecurityReportRow).where(SecurityReportRow.half == half).order_by(SecurityReportRow.enterprise)
        with self._sessions() as session:
            return [_report(row) for row in session.scalars(query)]


def _record_row(record: MeterRecord) -> MeterRecordRow:
    return MeterRecordRow(
        seq=record.seq,
        ts=record.ts,
        kind=record.kind,
        actor=record.actor,
        enterprise=record.enterprise,
        grant_jti=record.grant,
        export_id=record.export_id,
        result_id=record.result_id,
        detail=dict(record.detail),
    )


def _record(row: MeterRecordRow) -> MeterRecord:
    kind = cast(MeterKind, row.kind)
    return MeterRecord(row.seq, _utc(row.ts), kind, row.actor, row.enterprise, row.grant_jti, dict(row.detail))


def _job_row(job: JobLine) -> CreditJobRow:
    return CreditJobRow(
        seq=job.seq,
        ts=job.ts,
        period=period_of(job.ts),
        enterprise=job.enterprise,
        export_id=job.export_id,
        status=job.status,
        fingerprint_sql=job.fingerprint_sql,
        fingerprint_result=job.fingerprint_result,
        line=job_json(job),
    )


def _line_rows(job: JobLine) -> list[CreditLineRow]:
    return [
        CreditLineRow(
            job_seq=job.seq,
            dataset=line.dataset,
            department=line.department,
            period=period_of(job.ts),
            enterprise=job.enterprise,
            credit_micro=line.credit_micro,
            self_use=line.self_use,
        )
        for line in job.lines
    ]


def _statement(row: CreditStatementRow) -> StoredStatement:
    return StoredStatement(row.department, row.period, row.number, row.hash, row.prev_hash, row.document)


def _report(row: SecurityReportRow) -> StoredReport:
    return StoredReport(row.enterprise, row.half, row.submitted_by, _utc(row.submitted_at), row.hash, row.document)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
