"""The credit service: meter the audit log, price released jobs, and answer usage and credit views.

Metering catches up from the last metered sequence number (``meter``); every view calls it first,
so what a department sees is current to the moment it asks (refresh on read).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import audit
from sandbox.catalog import Catalog, Registry
from sandbox.credits.errors import unknown
from sandbox.credits.jobs import DatasetInfo, JobLine, fingerprints, is_repeat, price_job
from sandbox.credits.metering import MeterRecord, is_rejection, meter
from sandbox.credits.params import CreditParams
from sandbox.credits.periods import Period, month, month_of
from sandbox.credits.scheme import format_credits, to_micro
from sandbox.credits.store import CreditStore
from sandbox.grants.records import GrantRecord

PAGE = 1000


def catalog_infos(catalog: Catalog) -> dict[str, DatasetInfo]:
    return {
        d.name: DatasetInfo(d.name, d.department, d.level, {c.name: c.level for c in d.columns})
        for d in catalog.datasets
    }


@dataclass
class CreditService:
    store: CreditStore
    log: audit.SequencedLog
    catalog: Catalog
    registry: Registry
    params: CreditParams
    grant_lookup: Callable[[str], GrantRecord | None] = lambda _jti: None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    infos: dict[str, DatasetInfo] = field(init=False)
    _scenarios: dict[str, str | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.infos = catalog_infos(self.catalog)

    def grant_scenario(self, jti: str | None) -> str | None:
        if not jti:
            return None
        if jti not in self._scenarios:
            record = self.grant_lookup(jti)
            self._scenarios[jti] = record.scenario if record is not None else None
        return self._scenarios[jti]

    # ---- metering -------------------------------------------------------------------------------

    def meter(self) -> int:
        """Meter every audit entry after the last metered one; returns how many records were stored."""
        stored = 0
        while True:
            old = self.store.last_seq()
            page = self.log.events(None, cursor=str(old) if old else None, limit=PAGE)
            if not page.events:
                return stored
            records: list[MeterRecord] = []
            jobs: list[JobLine] = []
            for item in page.events:
                record = meter(item)
                if record is None:
                    continue
                records.append(record)
                if record.kind == "release":
                    jobs.append(self._price(record, records, jobs))
            if self.store.save_batch(records, jobs, old=old, new=page.events[-1].seq):
                stored += len(records)
            elif self.store.last_seq() == old:
                raise RuntimeError("metering could not store a page and no other process did")
            # On a lost race another process stored this page: loop and continue after its cursor.

    def _price(self, release: MeterRecord, batch: list[MeterRecord], batch_jobs: list[JobLine]) -> JobLine:
        ids = set(release.detail.get("source_result_ids", []))
        found = {q.seq: q for q in self.store.by_result_ids(ids)}
        found |= {r.seq: r for r in batch if r.kind == "query" and r.result_id in ids}
        # Provenance: only the requester's own queries count (another enterprise's result ids are ignored).
        queries = [q for q in found.values() if q.enterprise == release.enterprise]
        export_id = release.export_id or ""
        history = self.store.export_events(export_id) + [r for r in batch if r.export_id == export_id]
        rejected = any(is_rejection(r) or r.kind == "revoke" for r in history if r.seq < release.seq)
        enterprise = release.enterprise or ""
        window = timedelta(hours=self.params.repeat_window_hours)
        earlier = self.store.recent_jobs(enterprise, release.ts - window) + [
            (j.ts, j.fingerprint_sql, j.fingerprint_result)
            for j in batch_jobs
            if j.enterprise == enterprise and j.status in ("credited", "repeat", "capped")
        ]
        repeat = is_repeat(fingerprints(release, queries), release.ts, earlier, self.params.repeat_window_hours)
        cap_left = self._cap_left(release, batch_jobs)
        return price_job(
            release,
            queries,
            self.infos,
            self.params,
            scenario=self._scenario(release, queries),
            rejected=rejected,
            repeat=repeat,
            cap_left_micro=cap_left,
        )

    def _cap_left(self, release: MeterRecord, batch_jobs: list[JobLine]) -> int | None:
        """What the release's grant may still earn this month (anti-gaming 3: a per-developer cap)."""
        if self.params.developer_cap <= 0 or not release.grant:
            return None
        span = month(month_of(release.ts))
        earlier = self.store.jobs(span.since, span.until, enterprise=release.enterprise or "")
        used = sum(int(j["credited_pool_micro"]) for j in earlier if j.get("grant") == release.grant)
        used += sum(j.credited_pool_micro for j in batch_jobs if j.grant == release.grant and j.ts >= span.since)
        return to_micro(self.params.developer_cap) - used

    def _scenario(self, release: MeterRecord, queries: Iterable[MeterRecord]) -> str | None:
        if release.detail.get("scenario"):
            return str(release.detail["scenario"])
        scenario = self.grant_scenario(release.grant)
        if scenario:
            return scenario
        schemas = sorted({d.split(".")[0] for q in queries for d in q.datasets} - {"common"})
        return schemas[0] if schemas else None

    # ---- views ----------------------------------------------------------------------------------

    def department_datasets(self, department: str) -> list[str]:
        return sorted(d.name for d in self.catalog.datasets if d.department == department)

    def department_view(self, department: str, period: Period, *, dataset: str | None = None) -> dict[str, Any]:
        """Who used the department's data, how much, and the credits it earned, each with its job line."""
        if department not in self.catalog.departments:
            raise unknown("department", "部门")
        self.meter()
        owned = set(self.department_datasets(department))
        if dataset is not None:
            owned &= {dataset}
        jobs = self.store.jobs(period.since, period.until, department=department)
        lines = [
            {**job, "sources": [s for s in job["sources"] if s["dataset"] in owned]}
            for job in jobs
            if any(s["dataset"] in owned for s in job["sources"])
        ]
        total = sum(s["credit_micro"] for job in lines for s in job["sources"])
        by_enterprise: dict[tuple[str, str], int] = {}
        for job in lines:
            key = (job["enterprise"], job["scenario"] or "")
            by_enterprise[key] = by_enterprise.get(key, 0) + sum(s["credit_micro"] for s in job["sources"])
        usage = self._usage(owned, period)
        return {
            "department": self._department(department),
            "dataset": dataset,
            "period": period.name,
            "from": period.since.isoformat(),
            "until": period.until.isoformat(),
            "usage": usage,
            "releases": [
                {"export_id": j["export_id"], "enterprise": j["enterprise"], "seq": j["seq"], "status": j["status"]}
                for j in lines
            ],
            "jobs": lines,
            "credits_by_enterprise": [
                {"enterprise": e, "scenario": sc, "credits_micro": m, "credits": format_credits(m)}
                for (e, sc), m in sorted(by_enterprise.items())
            ],
            "totals": {
                "credits_micro": total,
                "credits": format_credits(total),
                "cny_mirror": round(total / 1_000_000 * self.params.credit_unit_cny, 6),
                "jobs": len(lines),
                "queries": sum(u["queries"] for u in usage),
                "rows": sum(u["rows"] for u in usage),
                "epsilon": round(sum(u["epsilon"] for u in usage), 9),
            },
        }

    def totals(self, period: Period) -> dict[str, Any]:
        """The bureau's view: credits per department for the period."""
        self.meter()
        per = self.store.department_totals(period.name)
        return {
            "period": period.name,
            "departments": [
                {**self._department(code), "credits_micro": micro, "credits": format_credits(micro)}
                for code, micro in sorted(per.items())
            ],
            "total_micro": sum(per.values()),
            "total": format_credits(sum(per.values())),
        }

    def enterprise_view(self, enterprise: str, period: Period) -> dict[str, Any]:
        """An enterprise's own activity: its queries per dataset and its released jobs (no one else's)."""
        self.meter()
        queries = [q for q in self.store.records("query", period.since, period.until) if q.enterprise == enterprise]
        charges = [c for c in self.store.records("charge", period.since, period.until) if c.enterprise == enterprise]
        per: dict[str, dict[str, Any]] = {}
        for r in queries + charges:
            for name in r.datasets:
                row = per.setdefault(name, {"dataset": name, "queries": 0, "rows": 0, "epsilon": 0.0})
                if r.kind == "query":
                    row["queries"] += 1
                    row["rows"] += r.rows_for(name)
                row["epsilon"] = round(row["epsilon"] + r.epsilon_for(name), 9)
        jobs = self.store.jobs(period.since, period.until, enterprise=enterprise)
        return {
            "enterprise": enterprise,
            "period": period.name,
            "queries": len(queries),
            "datasets": [per[name] for name in sorted(per)],
            "jobs": [
                {k: j[k] for k in ("seq", "ts", "export_id", "scenario", "kind", "status", "value", "pool")}
                for j in jobs
            ],
        }

    def _usage(self, owned: set[str], period: Period) -> list[dict[str, Any]]:
        rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        metered = self.store.records("query", period.since, period.until)
        metered += self.store.records("charge", period.since, period.until)
        for q in metered:
            for name in owned.intersection(q.datasets):
                scenario = self._query_scenario(q)
                key = (name, q.enterprise or "", scenario)
                row = rows.setdefault(
                    key,
                    {
                        "dataset": name,
                        "enterprise": key[1],
                        "scenario": scenario,
                        "queries": 0,
                        "rows": 0,
                        "epsilon": 0.0,
                    },
                )
                if q.kind == "query":
                    row["queries"] += 1
                    row["rows"] += q.rows_for(name)
                row["epsilon"] = round(row["epsilon"] + q.epsilon_for(name), 9)
        return [rows[k] for k in sorted(rows)]

    def _query_scenario(self, q: MeterRecord) -> str:
        scenario = self.grant_scenario(q.grant)
        if scenario:
            return scenario
        schemas = sorted({d.split(".")[0] for d in q.datasets} - {"common"})
        return schemas[0] if schemas else "common"

    def _department(self, code: str) -> Mapping[str, str]:
        dept = self.catalog.departments.get(code)
        if dept is None:
            return {"code": code, "name_zh": "", "name_en": ""}
        return {"code": code, "name_zh": dept.name_zh, "name_en": dept.name_en}
