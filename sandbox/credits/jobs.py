"""Job lines: one released job turned into credits per source, with every factor kept (pure: no I/O).

A line is what a department's statement prints for a job; ``docs/credits.md`` walks through one.
Anti-gaming (§4.3): a rejected or revoked export earns nothing, a near-duplicate repeat within the
window earns ``repeat_factor`` of its pool, and a source whose department is the requester itself
(self-use) is withheld. Withheld credit is recorded, never redistributed, so Σ credits + withheld = P_j.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sandbox.credits.metering import MeterRecord
from sandbox.credits.params import CreditParams
from sandbox.credits.scheme import SourceShare, SourceUse, split_pool, split_value

JobStatus = Literal["credited", "repeat", "capped", "rejected", "no_sources"]


@dataclass(frozen=True)
class DatasetInfo:
    """What the scheme needs from the catalogue about one dataset."""

    name: str
    department: str
    level: int
    column_levels: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CreditLine:
    """One source's credit for one job (what a department's statement lists)."""

    dataset: str
    department: str
    self_use: bool
    share: SourceShare
    credit_micro: int  # after withholding: 0 for self-use
    columns: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class JobLine:
    seq: int  # the export.release audit entry
    ts: datetime
    export_id: str
    enterprise: str
    grant: str | None
    actor: str
    scenario: str | None
    kind: str
    value_micro: int
    operator_micro: int
    developer_micro: int
    pool_micro: int
    factor: float
    credited_pool_micro: int
    withheld_micro: int
    status: JobStatus
    fingerprint_sql: str
    fingerprint_result: str
    source_result_ids: tuple[str, ...]
    lines: tuple[CreditLine, ...]
    params: Mapping[str, Any]
    notes: tuple[str, ...] = ()


def fingerprints(release: MeterRecord, queries: Sequence[MeterRecord]) -> tuple[str, str]:
    """(canonical-SQL fingerprint, result fingerprint) of a job, for near-duplicate detection."""
    sqls = sorted({str(q.detail.get("sql_hash")) for q in queries})
    files = [str(h) for h in release.detail.get("file_hashes", [])]
    results = sorted(files) if files else sorted({str(q.detail.get("result_hash")) for q in queries})
    return _digest(sqls), _digest(results)


def is_repeat(
    candidate: tuple[str, str], ts: datetime, earlier: Sequence[tuple[datetime, str, str]], window_hours: float
) -> bool:
    """Same canonical SQL or same result as an earlier job of the same enterprise within the window."""
    empty = _digest([])
    for when, fp_sql, fp_result in earlier:
        within = 0 <= (ts - when).total_seconds() <= window_hours * 3600
        same_sql = candidate[0] != empty and candidate[0] == fp_sql
        same_result = candidate[1] != empty and candidate[1] == fp_result
        if within and (same_sql or same_result):
            return True
    return False


def price_job(
    release: MeterRecord,
    queries: Sequence[MeterRecord],
    catalog: Mapping[str, DatasetInfo],
    params: CreditParams,
    *,
    scenario: str | None,
    rejected: bool,
    repeat: bool,
    cap_left_micro: int | None = None,
) -> JobLine:
    """The job line of one release. ``queries`` are its source queries (already checked to be the
    requester's own); ``rejected``/``repeat`` come from the anti-gaming checks; ``cap_left_micro`` is
    what the grant may still earn this month under the per-developer cap (``None``: no cap)."""
    enterprise = release.enterprise or ""
    notes: list[str] = []
    sources = _sources(release, queries, catalog, params, notes)
    kind = str(release.detail.get("product_type") or "public_interest")
    if kind == "commercial":
        value = float(release.detail.get("fee") or 0.0) * params.credit_unit_cny
        split = split_value(
            value,
            "commercial",
            operator_share=params.operator_share,
            developer_share=params.developer_share,
            developer_owned=bool(release.detail.get("developer_owned")),
        )
    else:
        value = params.public_base_value * params.multiplier(scenario)
        split = split_value(value, "public_interest", operator_share=0, developer_share=0, developer_owned=False)
    status: JobStatus = "credited"
    factor = 1.0
    if rejected:
        status, factor = "rejected", 0.0
    elif not sources:
        status, factor = "no_sources", 0.0
    elif repeat:
        status, factor = "repeat", params.repeat_factor
    credited_pool = int(split.pool_micro * factor)
    if cap_left_micro is not None and credited_pool > max(0, cap_left_micro):
        credited_pool, status = max(0, cap_left_micro), "capped"
    uses = [use for use, _, _ in sources]
    shares = split_pool(credited_pool, uses, lam=params.lam, level_weights=params.level_weights)
    lines = []
    for (use, cols, rows), share in zip(sources, shares, strict=True):
        own = is_self_use(enterprise, use.department, params.affiliations)
        lines.append(CreditLine(use.dataset, use.department, own, share, 0 if own else share.credit_micro, cols, rows))
    withheld = split.pool_micro - sum(line.credit_micro for line in lines)
    fp_sql, fp_result = fingerprints(release, queries)
    return JobLine(
        seq=release.seq,
        ts=release.ts,
        export_id=str(release.export_id),
        enterprise=enterprise,
        grant=release.grant,
        actor=release.actor,
        scenario=scenario,
        kind=kind,
        value_micro=split.value_micro,
        operator_micro=split.operator_micro,
        developer_micro=split.developer_micro,
        pool_micro=split.pool_micro,
        factor=factor,
        credited_pool_micro=credited_pool,
        withheld_micro=withheld,
        status=status,
        fingerprint_sql=fp_sql,
        fingerprint_result=fp_result,
        source_result_ids=tuple(str(r) for r in release.detail.get("source_result_ids", [])),
        lines=tuple(lines),
        params={**params.as_detail(), "quality": {u.dataset: u.quality for u in uses}},
        notes=tuple(notes),
    )


def is_self_use(enterprise: str, department: str, affiliations: Mapping[str, str]) -> bool:
    """The requester is the supplying department itself, or an enterprise affiliated with it."""
    return enterprise == department or affiliations.get(enterprise) == department


def _sources(
    release: MeterRecord,
    queries: Sequence[MeterRecord],
    catalog: Mapping[str, DatasetInfo],
    params: CreditParams,
    notes: list[str],
) -> list[tuple[SourceUse, tuple[str, ...], int]]:
    """Each source dataset with the columns its queries used and m_s (rows summed over its queries)."""
    names: dict[str, None] = {}
    for q in queries:
        names.update(dict.fromkeys(q.datasets))
    if not queries:
        names.update(dict.fromkeys(release.datasets))  # no lineage: the release's own list, no columns, no rows
        if names:
            notes.append("no_source_queries")
    out = []
    for name in sorted(names):
        info = catalog.get(name)
        if info is None:
            notes.append(f"unknown_dataset:{name}")
            continue
        prefix = name + "."
        cols = sorted({c[len(prefix) :] for q in queries for c in q.columns if c.startswith(prefix)})
        levels = tuple(info.column_levels.get(c, info.level) for c in cols)
        rows = sum(q.rows_for(name) for q in queries if name in q.datasets)
        use = SourceUse(name, info.department, levels, rows, params.quality_of(name))
        out.append((use, tuple(cols), rows))
    return out


def _digest(parts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def job_json(job: JobLine) -> dict[str, Any]:
    """The stored and printed form of a job line (amounts as micro-credit integers and as text)."""
    from sandbox.credits.scheme import format_credits

    return {
        "seq": job.seq,
        "ts": job.ts.isoformat(),
        "export_id": job.export_id,
        "enterprise": job.enterprise,
        "grant": job.grant,
        "actor": job.actor,
        "scenario": job.scenario,
        "kind": job.kind,
        "status": job.status,
        "value_micro": job.value_micro,
        "operator_micro": job.operator_micro,
        "developer_micro": job.developer_micro,
        "pool_micro": job.pool_micro,
        "factor": job.factor,
        "credited_pool_micro": job.credited_pool_micro,
        "withheld_micro": job.withheld_micro,
        "value": format_credits(job.value_micro),
        "pool": format_credits(job.pool_micro),
        "source_result_ids": list(job.source_result_ids),
        "fingerprint_sql": job.fingerprint_sql,
        "fingerprint_result": job.fingerprint_result,
        "params": dict(job.params),
        "notes": list(job.notes),
        # What a department needs to recompute its own π_s without seeing the other sources' lines.
        "source_count": len(job.lines),
        "total_weight": round(sum(line.share.weight for line in job.lines), 6),
        "quality_norm": round(sum(line.share.share * line.share.quality for line in job.lines), 6),
        "sources": [
            {
                "dataset": line.dataset,
                "department": line.department,
                "columns": list(line.columns),
                "rows": line.rows,
                "self_use": line.self_use,
                "sum_g": line.share.sum_g,
                "log2_rows": round(line.share.log_rows, 6),
                "weight": round(line.share.weight, 6),
                "equal_part": round(line.share.equal_part, 6),
                "proportional_part": round(line.share.proportional_part, 6),
                "share": round(line.share.share, 6),
                "quality": line.share.quality,
                "adjusted_share": round(line.share.adjusted_share, 6),
                "allocated_micro": line.share.credit_micro,
                "credit_micro": line.credit_micro,
                "credit": format_credits(line.credit_micro),
            }
            for line in job.lines
        ],
    }
