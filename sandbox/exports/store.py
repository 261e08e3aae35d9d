"""What the export service needs from storage (SQL implementation: ``sandbox.state.export_store``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from sandbox.exports.model import ExportRequest, Review
from sandbox.exports.states import State


class ExportStore(Protocol):
    def create(self, request: ExportRequest) -> None:
        """Insert a new request with its files (one transaction)."""

    def get(self, request_id: str) -> tuple[ExportRequest, int] | None:
        """The request and its version, or None."""

    def list(
        self, *, enterprise: str | None = None, requester: str | None = None, states: Collection[State] | None = None
    ) -> list[ExportRequest]: ...

    def save(self, request: ExportRequest, *, version: int, review: Review | None = None) -> bool:
        """Write ``request`` (and ``review``, and the files of its turn) if the stored version is still
        ``version``; False when someone changed it first (the caller re-reads and decides again)."""
