"""What the credit service needs from storage (implemented by ``sandbox.state.credit_store``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sandbox.credits.jobs import JobLine
from sandbox.credits.metering import MeterKind, MeterRecord


@dataclass(frozen=True)
class StoredStatement:
    department: str
    period: str
    number: int
    hash: str
    prev_hash: str | None
    document: str  # the signed JSON document, byte-for-byte as issued


@dataclass(frozen=True)
class StoredReport:
    enterprise: str
    half: str
    submitted_by: str
    submitted_at: datetime
    hash: str
    document: str


class CreditStore(Protocol):
    def last_seq(self) -> int: ...

    def save_batch(self, records: Sequence[MeterRecord], jobs: Sequence[JobLine], *, old: int, new: int) -> bool:
        """Store metered records and job lines and move the cursor from ``old`` to ``new`` atomically;
        ``False`` (nothing stored) when another process moved the cursor first."""
        ...

    def by_result_ids(self, result_ids: Collection[str]) -> list[MeterRecord]: ...

    def export_events(self, export_id: str) -> list[MeterRecord]: ...

    def recent_jobs(self, enterprise: str, since: datetime) -> list[tuple[datetime, str, str]]: ...

    def records(self, kind: MeterKind, since: datetime, until: datetime) -> list[MeterRecord]: ...

    def jobs(
        self, since: datetime, until: datetime, *, department: str | None = None, enterprise: str | None = None
    ) -> list[dict[str, Any]]: ...

    def department_totals(self, period: str) -> dict[str, int]: ...

    def statement(self, department: str, period: str) -> StoredStatement | None: ...

    def last_statement(self, department: str) -> StoredStatement | None: ...

    def add_statement(self, statement: StoredStatement, issued_at: datetime) -> bool:
        """Insert unless one exists for (department, period) or number; ``False`` when it lost the race."""
        ...

    def statements(self, department: str) -> list[StoredStatement]: ...

    def report(self, enterprise: str, half: str) -> StoredReport | None: ...

    def add_report(self, report: StoredReport) -> bool: ...

    def reports(self, half: str) -> list[StoredReport]: ...
