"""The HTTP API over a real uvicorn server, a real tiny warehouse, a real home and real grants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow as pa
import pytest
from gateway_support import Gateway, running_gateway

ARROW = "application/vnd.apache.arrow.stream"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-api"), tiny_warehouse) as running:
        yield running


def post(gateway: Gateway, sql: str, scenario: str = "tourism", **headers: str) -> httpx.Response:
    return httpx.post(
        f"{gateway.url}/v1/query", json={"sql": sql}, headers=gateway.headers(scenario) | headers, timeout=60
    )


def test_when_an_open_table_is_queried_then_the_contract_shape_comes_back(gateway: Gateway) -> None:
    response = post(gateway, "SELECT spot_id, name, capacity FROM tourism.tour_scenic_spot ORDER BY spot_id")

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"result_id", "columns", "rows", "rewritten_sql", "notices", "privacy"}
    assert [c["name"] for c in body["columns"]] == ["spot_id", "name", "capacity"]
    assert body["columns"][2]["type"] in ("INTEGER", "BIGINT")
    assert body["rows"] and all(len(row) == 3 for row in body["rows"])
    assert body["privacy"] == {"mode": "open", "epsilon_spent": 0, "budget_remaining": 2.5}
    assert "tour_scenic_spot" in body["rewritten_sql"]
    assert response.headers["x-result-id"] == body["result_id"]
    assert response.headers["x-request-id"]


def test_when_arrow_is_asked_for_then_an_ipc_stream_carries_the_envelope(gateway: Gateway) -> None:
    sql = "SELECT county_code, count(*) AS spots FROM tourism.tour_scenic_spot GROUP BY county_code"
    as_json = post(gateway, sql).json()
    response = post(gateway, sql, Accept=ARROW)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(ARROW)
    table = pa.ipc.open_stream(response.content).read_all()
    assert table.column_names == ["county_code", "spots"]
    assert sorted(map(tuple, as_json["rows"])) == sorted(zip(*table.to_pydict().values(), strict=True))
    assert b"sandbox" in (table.schema.metadata or {})


def test_when_an_aggregate_table_is_grouped_then_small_groups_are_not_released(gateway: Gateway) -> None:
    response = post(
        gateway,
        "SELECT e.county_code, count(*) AS checkins FROM tourism.lodging_checkin c "
        "JOIN tourism.lodging_establishment e ON c.hotel_id = e.hotel_id GROUP BY e.county_code",
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["privacy"]["mode"] == "aggregate"
    assert all(row[1] >= 20 for row in body["rows"])


def test_the_catalogue_shows_only_the_grant_with_chinese_names_and_policy(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/v1/catalog", headers=gateway.headers("tourism"))

    assert response.status_code == 200
    datasets = {d["name"]: d for d in response.json()["datasets"]}
    assert all(name.split(".")[0] in ("tourism", "common") for name in datasets)
    lodging = {c["name"]: c for c in datasets["tourism.lodging_checkin"]["columns"]}
    assert lodging["guest_name"] == {"name": "guest_name", "denied": True}
    assert lodging["hotel_id"]["name_zh"] == "入住旅馆编号"
    assert datasets["tourism.lodging_checkin"]["policy"]["access_mode"] == "aggregate"


def test_whoami_and_budget_describe_the_grant(gateway: Gateway) -> None:
    me = httpx.get(f"{gateway.url}/v1/whoami", headers=gateway.headers("transit")).json()
    budget = httpx.get(f"{gateway.url}/v1/budget", headers=gateway.headers("transit")).json()

    assert (me["user"], me["scenario"], me["grant"]) == ("dev-tran", "transit", gateway.jtis["transit"])
    assert {row["dataset"] for row in budget["datasets"]} == set(me["datasets"])
    assert all(row["epsilon_allocated"] == 2.5 and row["epsilon_spent"] == 0 for row in budget["datasets"])


def test_the_openapi_document_is_served(gateway: Gateway) -> None:
    spec = httpx.get(f"{gateway.url}/openapi.json").json()

    assert {"/v1/query", "/v1/catalog", "/v1/whoami", "/v1/budget"} <= set(spec["paths"])
    assert "403" in spec["paths"]["/v1/query"]["post"]["responses"]
