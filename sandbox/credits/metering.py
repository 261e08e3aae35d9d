"""Metering: the audit events that matter for credits, reduced to typed records (pure: no I/O).

The audit log is the source of truth; a record is derived from exactly one event and keyed by its
sequence number, so metering again yields the same records (idempotent). Fields an event does not
carry stay ``None`` and are reported as gaps in docs/credits.md rather than guessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from audit import LoggedEvent

MeterKind = Literal["query", "charge", "release", "review", "revoke"]
RELEASE_OUTCOMES = frozenset({"allowed", "succeeded"})
REJECTED = frozenset({"rejected", "reject", "REJECTED"})


@dataclass(frozen=True)
class MeterRecord:
    seq: int
    ts: datetime
    kind: MeterKind
    actor: str
    enterprise: str | None
    grant: str | None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def datasets(self) -> list[str]:
        return [str(d) for d in self.detail.get("datasets", [])]

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.detail.get("columns", [])]

    @property
    def export_id(self) -> str | None:
        value = self.detail.get("export_id")
        return None if value is None else str(value)

    @property
    def result_id(self) -> str | None:
        value = self.detail.get("result_id")
        return None if value is None else str(value)

    def epsilon_for(self, dataset: str) -> float:
        per = self.detail.get("epsilon")
        return float(per.get(dataset, 0.0)) if isinstance(per, Mapping) else 0.0

    def rows_for(self, dataset: str) -> int:
        """Rows of ``dataset`` feeding this query's output: per-dataset counts when the gateway records
        them (``rows_contributing``), else the rows the query returned."""
        per = self.detail.get("rows_contributing")
        if isinstance(per, Mapping) and dataset in per:
            return int(per[dataset])
        return int(self.detail.get("rows") or 0)


def meter(item: LoggedEvent) -> MeterRecord | None:
    """The meter record for one audit entry, or ``None`` when the entry is not metered."""
    event = item.event
    d = dict(event.detail)
    detail: dict[str, Any]
    kind: MeterKind
    if event.type == "query" and event.outcome == "allowed":
        kind = "query"
        sql = d.get("rewritten_sql") or d.get("sql") or ""
        detail = {
            "datasets": _strings(d.get("datasets")),
            "columns": _strings(d.get("columns")),
            "rows": _int(d.get("rows")),
            "result_id": d.get("result_id"),
            "result_hash": d.get("result_hash"),
            # The canonical SQL is the gateway's regenerated text: the same question asked twice hashes alike.
            "sql_hash": hashlib.sha256(str(sql).encode()).hexdigest(),
            "mode": d.get("mode"),
            "bytes_out": _optional_int(d.get("bytes_out")),
            "rows_scanned": _optional_int(d.get("rows_scanned")),
            "rows_contributing": d.get("rows_contributing") if isinstance(d.get("rows_contributing"), dict) else None,
            "engine_ms": d.get("engine_ms"),
        }
    elif event.type == "budget.charge" and event.outcome == "allowed":
        # ε comes from the ledger's charge events only (charged before execution, never refunded).
        kind = "charge"
        costs = d.get("costs")
        pairs = costs.items() if isinstance(costs, dict) else ()
        epsilon = {str(ds): _float(c.get("epsilon")) for ds, c in pairs if isinstance(c, dict)}
        detail = {"datasets": sorted(epsilon), "epsilon": epsilon, "charge_id": d.get("charge_id")}
    elif event.type == "export.release" and event.outcome in RELEASE_OUTCOMES:
        kind = "release"
        detail = {
            "export_id": str(d.get("export_id") or event.target),
            "source_result_ids": _strings(d.get("source_result_ids")),
            "datasets": _strings(d.get("datasets")),
            "file_hashes": _strings(d.get("file_hashes") or _hashes_of(d.get("files"))),
            "bytes_out": _optional_int(d.get("bytes_out") or _bytes_of(d.get("files"))),
            "product_type": "commercial" if d.get("product_type") == "commercial" else "public_interest",
            "fee": _float(d.get("fee")),
            "developer_owned": bool(d.get("developer_owned", False)),
            "scenario": d.get("scenario"),
        }
    elif event.type == "export.review":
        kind = "review"
        decision = str(d.get("decision") or "")
        detail = {"export_id": str(d.get("export_id") or event.target), "decision": decision}
    elif event.type == "export.revoke" and event.outcome in RELEASE_OUTCOMES:
        kind = "revoke"
        detail = {"export_id": str(d.get("export_id") or event.target)}
    else:
        return None
    return MeterRecord(item.seq, item.ts, kind, event.actor, event.enterprise, event.grant, detail)


def is_rejection(record: MeterRecord) -> bool:
    return record.kind == "review" and str(record.detail.get("decision")) in REJECTED


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _hashes_of(files: object) -> list[str]:
    if not isinstance(files, list):
        return []
    return [str(f.get("sha256")) for f in files if isinstance(f, dict) and f.get("sha256")]


def _bytes_of(files: object) -> int | None:
    if not isinstance(files, list):
        return None
    sizes = [f.get("size") for f in files if isinstance(f, dict)]
    return sum(int(s) for s in sizes if isinstance(s, int)) if sizes else None


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
