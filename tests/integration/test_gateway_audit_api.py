"""The auditor's HTTP API over a real gateway: search, paginate, export CSV, verify — and every read audited."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway_support import Gateway, running_gateway, serve

import audit
from sandbox.gateway import create_app
from sandbox.grants.bootstrap import grant_service
from sandbox.queries.audit_reader import AuditReader
from sandbox.settings import Settings

CSV_HEADER = ["seq", "ts", "type", "actor", "enterprise", "grant", "target", "outcome", "correlation_id", "detail"]


def staff_token(settings: Settings, role: str, *, user: str | None = None, clock: float | None = None) -> str:
    """A staff login as `sandbox token issue` makes it; ``clock`` issues it at that time (for expired ones)."""
    with grant_service(settings) as service:
        if clock is not None:
            service = replace(service, clock=lambda: clock)
        department = "D001" if role == "department" else None
        return service.issue_staff_token(user=user or f"{role}-1", role=role, department=department, days=1).token


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-audit-api"), tiny_warehouse) as running:
        running.tokens["auditor"] = staff_token(running.settings, "auditor")
        running.tokens["admin"] = staff_token(running.settings, "admin")
        yield running


def query(gateway: Gateway, sql: str, scenario: str = "tourism") -> httpx.Response:
    response = httpx.post(f"{gateway.url}/v1/query", json={"sql": sql}, headers=gateway.headers(scenario), timeout=60)
    assert response.status_code == 200, response.text
    return response


def read(gateway: Gateway, path: str = "events", role: str = "auditor", **params: Any) -> httpx.Response:
    headers = gateway.headers(role) if role else {}
    return httpx.get(f"{gateway.url}/v1/audit/{path}", params=params, headers=headers, timeout=60)


def logged(gateway: Gateway, correlation_id: str) -> list[audit.LoggedEvent]:
    with audit.open_log(gateway.settings.audit_url) as log:
        return [e for e in log.iter_events() if e.event.correlation_id == correlation_id]


def test_an_auditor_sees_the_query_an_enterprise_made_with_both_sqls_and_no_values(gateway: Gateway) -> None:
    asked = query(gateway, "SELECT spot_id, name FROM tourism.tour_scenic_spot")
    answer = asked.json()

    response = read(gateway, type="query", actor="dev-tour", enterprise="ent-test", limit="1000")

    assert response.status_code == 200, response.text
    [event] = [e for e in response.json()["events"] if e["correlation_id"] == asked.headers["x-request-id"]]
    assert set(event) == set(CSV_HEADER)
    assert (event["type"], event["actor"], event["enterprise"], event["outcome"]) == (
        "query",
        "dev-tour",
        "ent-test",
        "allowed",
    )
    assert event["grant"] == gateway.jtis["tourism"] and event["target"] == "tourism.tour_scenic_spot"
    assert event["detail"]["sql"] == "SELECT spot_id, name FROM tourism.tour_scenic_spot"
    assert event["detail"]["rewritten_sql"] == answer["rewritten_sql"]
    assert event["detail"]["rows"] == len(answer["rows"]) > 0
    recorded = json.dumps(event, ensure_ascii=False)
    names = {row[1] for row in answer["rows"] if isinstance(row[1], str) and len(row[1]) > 3}
    assert names and not any(name in recorded for name in names)


def test_filters_narrow_and_the_cursor_pages_through_without_gaps_or_repeats(gateway: Gateway) -> None:
    for county in ("522601", "522622", "522623"):
        query(gateway, f"SELECT count(*) AS n FROM transit.bus_arrival_pred WHERE line_id = '{county}'", "transit")
    everything = read(gateway, actor="dev-tran", type="query", limit="1000").json()["events"]
    assert len(everything) >= 3 and {e["actor"] for e in everything} == {"dev-tran"}

    pages, cursor = [], None
    while True:
        params = {"actor": "dev-tran", "type": "query", "limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = read(gateway, **params).json()
        assert len(page["events"]) <= 2
        pages.append([e["seq"] for e in page["events"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    seqs = [seq for page in pages for seq in page]
    assert seqs == [e["seq"] for e in everything] == sorted(set(seqs))
    assert len(pages) == (len(everything) + 1) // 2
    by_dataset = read(gateway, dataset="transit.bus_arrival_pred", limit="1000").json()["events"]
    assert by_dataset and all("transit.bus_arrival_pred" in e["detail"].get("datasets", []) for e in by_dataset)
    assert not read(gateway, dataset="transit.bus_arrival_pred", enterprise="nobody").json()["events"]


def test_since_and_until_bound_the_time(gateway: Gateway) -> None:
    query(gateway, "SELECT count(*) AS n FROM tourism.tour_scenic_spot")
    events = read(gateway, limit="1000").json()["events"]
    middle = events[len(events) // 2]

    later = read(gateway, since=middle["ts"], limit="1000").json()["events"]
    earlier = read(gateway, until=middle["ts"], limit="1000").json()["events"]

    assert later[0]["seq"] == middle["seq"] and all(e["ts"] >= middle["ts"] for e in later)
    assert earlier and all(e["ts"] < middle["ts"] for e in earlier)
    assert read(gateway, since="2999-01-01").json() == {"events": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"since": "yesterday"}, "since"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "12;zz"}, "cursor"),
    ],
)
def test_malformed_parameters_are_refused_naming_the_parameter(
    gateway: Gateway, params: dict[str, str], name: str
) -> None:
    response = read(gateway, **params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "request.invalid_parameter" and f"'{name}'" in error["message"]
    [value] = params.values()
    assert len(value) < 3 or value not in error["message"]  # never echoed back


@pytest.mark.parametrize("role", ["reviewer", "department", "tourism"])
def test_other_roles_and_enterprise_grants_are_forbidden_and_the_attempt_recorded(gateway: Gateway, role: str) -> None:
    if role not in gateway.tokens:
        gateway.tokens[role] = staff_token(gateway.settings, role)

    for path in ("events", "verify"):
        response = read(gateway, path, role=role)

        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "audit.forbidden"
        assert "events" not in response.json()
        [attempt] = logged(gateway, response.headers["x-request-id"])
        assert (attempt.event.type, attempt.event.outcome, attempt.event.detail["rule"]) == (
            "audit.read",
            "refused",
            "audit.forbidden",
        )


def test_a_missing_bad_or_expired_token_gets_401_with_its_reason(gateway: Gateway) -> None:
    expired = staff_token(gateway.settings, "auditor", user="aud-old", clock=time.time() - 3 * 86_400)
    cases = {"token.missing": None, "token.malformed": "nope", "token.expired": expired}

    for code, token in cases.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.get(f"{gateway.url}/v1/audit/events", headers=headers)

        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == code
        assert code in response.headers["www-authenticate"]


def test_the_read_is_itself_in_the_log_with_its_filter(gateway: Gateway) -> None:
    response = read(gateway, role="admin", type="query", actor="dev-tour", limit="5")

    [entry] = logged(gateway, response.headers["x-request-id"])
    assert (entry.event.type, entry.event.actor, entry.event.outcome) == ("audit.read", "admin-1", "allowed")
    assert entry.event.detail["filter"] == {"type": "query", "actor": "dev-tour"}
    assert entry.event.detail["limit"] == 5 and entry.event.detail["returned"] == len(response.json()["events"])
    later = read(gateway, type="audit.read", actor="admin-1", limit="1000").json()["events"]
    assert response.headers["x-request-id"] in {e["correlation_id"] for e in later}


def test_csv_export_has_a_header_and_one_line_per_event_and_is_audited(gateway: Gateway) -> None:
    listed = read(gateway, type="query", limit="1000").json()["events"]

    by_accept = httpx.get(
        f"{gateway.url}/v1/audit/events",
        params={"type": "query"},
        headers={**gateway.headers("auditor"), "Accept": "text/csv"},
    )
    by_param = read(gateway, type="query", format="csv")

    for response in (by_accept, by_param):
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == CSV_HEADER
        assert [int(row[0]) for row in rows[1:]] == [e["seq"] for e in listed]
        assert {row[2] for row in rows[1:]} == {"query"}
    exports = read(gateway, type="audit.export", actor="auditor-1", limit="1000").json()["events"]
    assert len(exports) >= 2 and exports[-1]["detail"] == {"type": "query"}


def test_verify_passes_on_an_untouched_log_and_is_audited(gateway: Gateway) -> None:
    response = read(gateway, "verify")

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ok"] is True and report["first_bad_seq"] is None
    assert report["entries"] > 0 and report["checkpoints"] >= 1
    assert report["findings"] == []  # sealed before verifying: no unsealed tail either
    assert audit.parse_checkpoint(report["latest_checkpoint"]).checkpoint.size == report["entries"]
    [entry] = logged(gateway, response.headers["x-request-id"])
    assert (entry.event.type, entry.event.detail["action"], entry.event.detail["ok"]) == ("audit.read", "verify", True)


def test_verify_names_the_entry_an_insider_edited(tmp_path: Path, tiny_warehouse: Path) -> None:
    with running_gateway(tmp_path / "home", tiny_warehouse) as gateway:
        asked = query(gateway, "SELECT count(*) AS n FROM tourism.tour_scenic_spot")
        [target] = logged(gateway, asked.headers["x-request-id"])
        gateway.tokens["auditor"] = staff_token(gateway.settings, "auditor")
        with sqlite3.connect(gateway.settings.audit_url) as db:  # an insider with file access, triggers dropped
            db.execute("DROP TRIGGER audit_entry_no_update")
            db.execute(
                "UPDATE audit_entry SET body = replace(body, 'dev-tour', 'dev-evil') WHERE seq = ?", (target.seq,)
            )
        db.close()

        response = read(gateway, "verify")

    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is False and report["first_bad_seq"] == target.seq
    edited = [f for f in report["findings"] if f["code"] == "entry.edited"]
    assert edited and edited[0]["seq"] == target.seq and edited[0]["severity"] == "error"
    assert edited[0]["message"] and edited[0]["message_zh"]


class UnwritableLog:
    """Reads work, appends fail: the disk is full."""

    def __init__(self, log: audit.SequencedLog) -> None:
        self.inner = log

    def append(self, event: object) -> object:
        raise OSError("disk full")

    def events(self, *args: Any, **kwargs: Any) -> audit.Page:
        return self.inner.events(*args, **kwargs)


def test_when_the_read_cannot_be_recorded_then_503_and_no_events(gateway: Gateway) -> None:
    with grant_service(gateway.settings) as grants, audit.open_log(gateway.settings.audit_url) as log:
        reader = AuditReader(
            grants=grants,
            log=UnwritableLog(log),  # type: ignore[arg-type]
            public_key_path=gateway.settings.public_key_path,
        )
        app = create_app(gateway.settings, service=object(), audit_reader=reader)  # type: ignore[arg-type]
        with serve(app) as url:
            response = httpx.get(f"{url}/v1/audit/events", headers=gateway.headers("auditor"))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "audit.unavailable" and "events" not in response.json()
    assert "disk full" not in response.text


def test_the_openapi_document_describes_the_audit_routes(gateway: Gateway) -> None:
    spec = httpx.get(f"{gateway.url}/openapi.json").json()

    events = spec["paths"]["/v1/audit/events"]["get"]
    assert {p["name"] for p in events["parameters"]} >= {"actor", "enterprise", "dataset", "type", "since", "until"}
    assert {"cursor", "limit", "format"} <= {p["name"] for p in events["parameters"]}
    assert {"200", "401", "403", "503"} <= set(events["responses"])
    assert "text/csv" in events["responses"]["200"]["content"]
    assert "403" in spec["paths"]["/v1/audit/verify"]["get"]["responses"]
