"""Retention: keep at least 180 days (网络安全法 art. 21), three years by default (PIPL).

Segments are calendar months (UTC). Only whole months that ended before the cut-off and are sealed by a
signed checkpoint lose their content; leaf and chain hashes stay, so the Merkle tree and the chain still
verify, and the deletion is recorded first as an ``audit.retention`` event naming the last pruned seq.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MIN_RETENTION_DAYS = 180
DEFAULT_RETENTION_DAYS = 3 * 365


class RetentionError(ValueError):
    """A retention period shorter than the legal minimum was requested."""


@dataclass(frozen=True)
class RetentionPolicy:
    days: int = DEFAULT_RETENTION_DAYS

    def __post_init__(self) -> None:
        if self.days < MIN_RETENTION_DAYS:
            raise RetentionError(
                f"audit retention of {self.days} days is below the legal minimum of {MIN_RETENTION_DAYS} days"
            )

    def segment_cutoff(self, now: datetime) -> datetime:
        """Start of the month containing ``now - days``: everything before it lies in whole expired months."""
        cutoff = now.astimezone(UTC) - timedelta(days=self.days)
        return datetime(cutoff.year, cutoff.month, 1, tzinfo=UTC)
