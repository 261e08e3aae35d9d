"""Every request is audited before its answer leaves, and no audit means no answer (fail closed)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway_support import Gateway, running_gateway, serve

import audit
from sandbox.catalog import load_catalog
from sandbox.gateway import create_app
from sandbox.grants.bootstrap import grant_service
from sandbox.queries import QueryService
from sandbox.queries.auditing import Auditor
from sandbox.warehouse.executor import open_executor


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-audit"), tiny_warehouse) as running:
        yield running


def audited(gateway: Gateway, response: httpx.Response) -> Any:
    """The one audit event written for ``response`` (found by its X-Request-Id)."""
    with audit.open_log(gateway.settings.audit_url) as log:
        events = [e.event for e in log.iter_events() if e.event.correlation_id == response.headers["x-request-id"]]
    assert len(events) == 1
    return events[0]


def post(gateway: Gateway, sql: str, scenario: str = "tourism") -> httpx.Response:
    return httpx.post(f"{gateway.url}/v1/query", json={"sql": sql}, headers=gateway.headers(scenario), timeout=60)


def test_an_allowed_query_is_recorded_with_sql_tables_columns_rows_and_hash(gateway: Gateway) -> None:
    response = post(gateway, "SELECT county_code, count(*) AS n FROM tourism.tour_scenic_spot GROUP BY county_code")
    body = response.json()

    event = audited(gateway, response)

    assert (event.type, event.outcome, event.actor, event.grant) == (
        "query",
        "allowed",
        "dev-tour",
        gateway.jtis["tourism"],
    )
    assert event.enterprise == "ent-test"
    detail = event.detail
    assert detail["sql"].startswith("SELECT county_code")
    assert detail["rewritten_sql"] == body["rewritten_sql"]
    assert detail["datasets"] == ["tourism.tour_scenic_spot"]
    assert "tourism.tour_scenic_spot.county_code" in detail["columns"]
    assert detail["rows"] == len(body["rows"])
    assert len(detail["result_hash"]) == 64 and detail["result_id"] == body["result_id"]
    assert detail["duration_ms"] > 0
    assert not {"values", "data", "rows_data"} & set(detail)


def test_a_refused_query_is_recorded_with_its_rule_and_no_data(gateway: Gateway) -> None:
    response = post(gateway, "SELECT guest_name FROM tourism.lodging_checkin")

    event = audited(gateway, response)

    assert response.status_code == 403
    assert event.outcome == "refused"
    assert event.detail["rule"] == response.json()["error"]["rule"]
    assert event.detail["rows"] == 0
    assert event.detail["column"] == "guest_name"


def test_a_bad_token_is_recorded_as_refused_for_an_anonymous_caller(gateway: Gateway) -> None:
    response = httpx.post(f"{gateway.url}/v1/query", json={"sql": "SELECT 1"}, headers={"Authorization": "Bearer nope"})

    event = audited(gateway, response)

    assert (event.actor, event.outcome, event.detail["rule"]) == ("anonymous", "refused", "token.malformed")


def test_reads_of_the_catalogue_are_recorded_too(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/v1/catalog", headers=gateway.headers("transit"))

    event = audited(gateway, response)

    assert (event.type, event.outcome, event.actor) == ("catalog.read", "allowed", "dev-tran")


class BrokenLog:
    def append(self, event: object) -> object:
        raise OSError("disk full")


def test_when_the_audit_log_cannot_write_then_503_and_no_data(gateway: Gateway, tmp_path: Path) -> None:
    copy = shutil.copy(gateway.settings.warehouse, tmp_path / "warehouse.duckdb")
    settings = replace(gateway.settings, warehouse=str(copy))
    executor = open_executor(settings)
    with grant_service(settings) as grants:
        service = QueryService(
            grants=grants,
            catalog=load_catalog(settings.policies),
            executor=executor,
            auditor=Auditor(BrokenLog()),  # type: ignore[arg-type]
            hash_key=lambda jti: b"k" * 32,
        )
        with serve(create_app(settings, service=service)) as url:
            response = httpx.post(
                f"{url}/v1/query",
                json={"sql": "SELECT spot_id, name FROM tourism.tour_scenic_spot"},
                headers=gateway.headers("tourism"),
            )
    executor.close()

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "audit.unavailable"
    assert "rows" not in response.json() and "disk full" not in response.text


class RecordingLog:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def append(self, event: object) -> object:
        self.events.append(event)
        return None


class ExplodingExecutor:
    dialect = "duckdb"

    def run(self, sql: str, **limits: object) -> object:
        raise RuntimeError("could not convert '522601199001011234' in /srv/home/warehouse.duckdb")

    def close(self) -> None:
        pass


def test_when_something_unexpected_breaks_then_500_is_generic_and_the_failure_is_audited(gateway: Gateway) -> None:
    log = RecordingLog()
    with grant_service(gateway.settings) as grants:
        service = QueryService(
            grants=grants,
            catalog=load_catalog(gateway.settings.policies),
            executor=ExplodingExecutor(),  # type: ignore[arg-type]
            auditor=Auditor(log),  # type: ignore[arg-type]
            hash_key=lambda jti: b"k" * 32,
        )
        with serve(create_app(gateway.settings, service=service)) as url:
            response = httpx.post(
                f"{url}/v1/query",
                json={"sql": "SELECT spot_id FROM tourism.tour_scenic_spot"},
                headers=gateway.headers("tourism"),
            )

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal.error"
    assert "522601" not in response.text and "/srv" not in response.text and "Traceback" not in response.text
    [event] = log.events
    assert (event.outcome, event.detail["rule"]) == ("error", "internal")
    assert event.correlation_id == response.headers["x-request-id"]
