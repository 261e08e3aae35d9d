"""The dp fields of POST /v1/query and GET /v1/budget over real HTTP, and the client's view of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox.client import connect
from tests.integration.gateway_support import Gateway, running_gateway

SQL = "SELECT insurance_type, count(*) AS n FROM housing_fund.si_insured GROUP BY insurance_type"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-dp-http"), tiny_warehouse) as running:
        yield running


def post(gateway: Gateway, body: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{gateway.url}/v1/query", json=body, headers=gateway.headers("housing_fund"), timeout=60)


def test_dry_run_then_query_then_exhaustion_over_http(gateway: Gateway) -> None:
    dry = post(gateway, {"sql": SQL, "epsilon": 2.0, "dry_run": True}).json()
    assert (dry["rows"], dry["privacy"]["epsilon_cost"], dry["privacy"]["epsilon_spent"]) == ([], 2.0, 0.0)
    answer = post(gateway, {"sql": SQL, "epsilon": 2.0})
    body = answer.json()
    assert answer.status_code == 200 and [c["name"] for c in body["columns"]] == ["insurance_type", "n", "n_ci95"]
    assert body["privacy"]["mode"] == "dp" and body["privacy"]["budget_remaining"] == 0.5
    refused = post(gateway, {"sql": SQL.replace("insurance_type", "status"), "epsilon": 1.0})
    error = refused.json()["error"]
    assert refused.status_code == 403
    assert (error["code"], error["rule"], error["dataset"]) == ("budget.exhausted", "budget", "housing_fund.si_insured")
    assert "隐私预算不足" in error["message_zh"]
    budget = httpx.get(f"{gateway.url}/v1/budget", headers=gateway.headers("housing_fund")).json()
    row = next(d for d in budget["datasets"] if d["dataset"] == "housing_fund.si_insured")
    assert (row["epsilon_spent"], row["epsilon_remaining"]) == (2.0, 0.5)


@pytest.mark.parametrize(
    "body",
    [{"epsilon": "1"}, {"epsilon": True}, {"dry_run": "yes"}, {"max_rows_per_unit": 1.5}, {"max_groups_per_unit": 0}],
)
def test_malformed_dp_fields_are_refused_with_400(gateway: Gateway, body: dict[str, object]) -> None:
    response = post(gateway, {"sql": SQL} | body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.invalid_dp_option"


def test_the_client_passes_epsilon_and_shows_the_error_bound(gateway: Gateway) -> None:
    with connect(gateway.url, gateway.tokens["housing_fund"]) as db:
        frame = db.sql("SELECT count(*) AS n FROM housing_fund.hpf_loan", epsilon=0.25)
        assert list(frame.columns) == ["n", "n_ci95"]
        assert frame.attrs["privacy"]["epsilon_spent"] == 0.25
        dry = db.sql("SELECT avg(amount) AS a FROM housing_fund.hpf_loan", epsilon=0.5, dry_run=True)
        assert dry.attrs["privacy"]["epsilon_cost"] == 0.5
        loan = next(d for d in db.budget()["datasets"] if d["dataset"] == "housing_fund.hpf_loan")
        assert loan["epsilon_spent"] == 0.25
