"""Metering reads the audit log: which entries become records, with which fields, exactly once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import audit
from sandbox.catalog import load_catalog, read_registry
from sandbox.credits.metering import meter
from sandbox.credits.params import load_params
from sandbox.credits.service import CreditService
from sandbox.settings import DEFAULT_POLICIES
from sandbox.state.credit_store import SqlCreditStore
from sandbox.state.migrate import migrate

CATALOG = load_catalog(DEFAULT_POLICIES)
SPOT = "tourism.tour_scenic_spot"


def query_event(
    result_id: str, rows: int = 3, outcome: str = "allowed", sql: str = "SELECT name FROM v"
) -> audit.AuditEvent:
    detail = {
        "sql": "SELECT name FROM t",
        "rewritten_sql": sql,
        "datasets": [SPOT],
        "columns": [f"{SPOT}.name"],
        "rows": rows,
        "result_id": result_id,
        "result_hash": "rh",
        "mode": "open",
        "engine_ms": 1.5,
    }
    return audit.AuditEvent("query", "dev-a", outcome, target=SPOT, enterprise="ent-a", grant="g-1", detail=detail)


def release_event(export_id: str, ids: list[str], sha: str = "ab" * 32) -> audit.AuditEvent:
    detail = {"source_result_ids": ids, "datasets": [SPOT], "files": [{"name": "a.csv", "sha256": sha}]}
    return audit.AuditEvent(
        "export.release", "system", "allowed", target=export_id, enterprise="ent-a", grant="g-1", detail=detail
    )


@pytest.fixture
def log(tmp_path: Path) -> Iterator[audit.SequencedLog]:
    with audit.open_log(tmp_path / "audit.sqlite") as opened:
        yield opened


def service(log: audit.SequencedLog, url: str) -> CreditService:
    store = SqlCreditStore.from_url(url)
    return CreditService(
        store=store,
        log=log,
        catalog=CATALOG,
        registry=read_registry(DEFAULT_POLICIES),
        params=load_params(DEFAULT_POLICIES),
    )


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    migrate(url)
    return url


def test_only_allowed_queries_charges_releases_and_reviews_are_metered(log: audit.SequencedLog) -> None:
    log.append(query_event("r-1"))
    log.append(query_event("r-2", outcome="refused"))
    log.append(audit.AuditEvent("catalog.read", "dev-a", "allowed"))
    charge = {"costs": {SPOT: {"epsilon": 0.25, "delta": 0}}, "charge_id": "c-1"}
    log.append(audit.AuditEvent("budget.charge", "dev-a", "allowed", enterprise="ent-a", detail=charge))
    log.append(release_event("x-1", ["r-1"]))

    records = [r for r in (meter(e) for e in log.iter_events()) if r is not None]

    assert [r.kind for r in records] == ["query", "charge", "release"]
    q, c, rel = records
    assert (q.result_id, q.rows_for(SPOT), q.columns, q.enterprise) == ("r-1", 3, [f"{SPOT}.name"], "ent-a")
    assert c.epsilon_for(SPOT) == 0.25 and c.datasets == [SPOT]
    assert rel.export_id == "x-1" and rel.detail["file_hashes"] == ["ab" * 32]
    assert rel.detail["product_type"] == "public_interest"


def test_metering_twice_stores_nothing_new_and_prices_the_release_once(log: audit.SequencedLog, state_url: str) -> None:
    log.append(query_event("r-1", rows=40))
    log.append(release_event("x-1", ["r-1"]))
    meters = service(log, state_url)

    assert meters.meter() == 2
    assert meters.meter() == 0
    log.append(query_event("r-3"))
    assert meters.meter() == 1

    jobs = meters.store.jobs(*_all_time())
    assert [j["export_id"] for j in jobs] == ["x-1"]
    [source] = jobs[0]["sources"]
    assert (source["department"], source["rows"], source["credit_micro"]) == ("D01", 40, 1_000_000)


def test_concurrent_meters_store_each_entry_exactly_once(log: audit.SequencedLog, state_url: str) -> None:
    for i in range(300):
        log.append(query_event(f"r-{i}"))
        if i % 50 == 49:
            log.append(release_event(f"x-{i}", [f"r-{i}"]))
    meters = [service(log, state_url) for _ in range(4)]
    threads = [threading.Thread(target=m.meter) for m in meters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    store = meters[0].store
    assert store.last_seq() == 306
    assert len(store.records("query", *_all_time())) == 300
    assert sorted(j["export_id"] for j in store.jobs(*_all_time())) == sorted(f"x-{i}" for i in range(49, 300, 50))


def _all_time() -> tuple[datetime, datetime]:
    return datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def test_the_monthly_cap_per_grant_holds_across_meter_runs(log: audit.SequencedLog, state_url: str) -> None:
    meters = service(log, state_url)
    meters.params = replace(meters.params, developer_cap=2.5)
    for i in range(4):
        log.append(query_event(f"r-{i}", sql=f"SELECT name FROM v LIMIT {i + 1}"))  # distinct jobs, not repeats
        log.append(release_event(f"x-{i}", [f"r-{i}"], sha=f"{i:064d}"))
        meters.meter()  # one release per run: the cap must count what earlier runs stored

    jobs = meters.store.jobs(*_all_time())
    assert [j["credited_pool_micro"] for j in jobs] == [1_000_000, 1_000_000, 500_000, 0]
    assert [j["status"] for j in jobs] == ["credited", "credited", "capped", "capped"]
