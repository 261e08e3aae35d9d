"""The airlock's records: a request, its frozen files, check findings, reviews and source queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.exports.states import State

POLICY_VERSION = "exports-2026.11-1"  # bump when a check or threshold changes; stored with every check run


@dataclass(frozen=True)
class FrozenFile:
    """One submitted file: immutable bytes identified by SHA-256, stored under the request's folder."""

    name: str
    sha256: str
    size: int
    kind: str


@dataclass(frozen=True)
class CheckFinding:
    """What one automatic check says about one place in one file."""

    check: str
    rule: str
    file: str
    location: str
    severity: str  # "block" | "review" | "info"
    message_en: str
    message_zh: str

    def as_dict(self) -> dict[str, str]:
        return dict(vars(self))


@dataclass(frozen=True)
class SourceQuery:
    """A gateway query an export cites, as the audit log recorded it, with its datasets' classification."""

    result_id: str
    seq: int
    enterprise: str
    grant: str
    sql: str
    rewritten_sql: str
    datasets: tuple[str, ...]
    columns: tuple[str, ...]
    mode: str
    max_level: int
    k: int
    epsilon: float = 0.0  # the ε its answer cost (0 outside DP); records stored before this field load as 0

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "datasets": list(self.datasets), "columns": list(self.columns)}


@dataclass(frozen=True)
class Review:
    reviewer: str
    turn: int
    decision: str  # approve | return | reject
    comment: str
    file_comments: dict[str, str]
    decided_at: datetime


@dataclass(frozen=True)
class ExportRequest:
    id: str
    requester: str
    enterprise: str
    grant: str
    purpose: str
    context: str
    state: State
    turn: int
    files: tuple[FrozenFile, ...]
    sources: tuple[SourceQuery, ...]
    findings: tuple[CheckFinding, ...]
    required_reviews: int
    policy_version: str
    created_at: datetime
    updated_at: datetime
    reviews: tuple[Review, ...] = ()
    bundle_sha256: str | None = None
    released_at: datetime | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None
    checks_run: tuple[str, ...] = field(default_factory=tuple)

    @property
    def source_result_ids(self) -> list[str]:
        return [s.result_id for s in self.sources]

    @property
    def datasets(self) -> list[str]:
        return sorted({d for s in self.sources for d in s.datasets})

    @property
    def max_level(self) -> int:
        return max((s.max_level for s in self.sources), default=0)

    def current_reviews(self) -> list[Review]:
        return [r for r in self.reviews if r.turn == self.turn]
