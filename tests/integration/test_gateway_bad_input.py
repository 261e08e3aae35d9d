"""The issue's "Bad input" list, each over real HTTP: what the analyst gets back when something is wrong."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from gateway_support import Gateway, issue, running_gateway

from sandbox.grants.bootstrap import grant_service
from sandbox.grants.service import GrantService
from sandbox.services.catalog import dataset_scenarios
from sandbox.state.grant_store import SqlGrantStore

ERROR_FIELDS = {"code", "message", "message_zh", "rule", "dataset", "column", "line", "col"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-bad"), tiny_warehouse) as running:
        yield running


@pytest.fixture(scope="module")
def spot_names(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> list[str]:
    # A private copy: other in-process handles on the shared file may use another DuckDB configuration.
    copy = shutil.copy(tiny_warehouse, tmp_path_factory.mktemp("names") / "warehouse.duckdb")
    with duckdb.connect(str(copy), read_only=True) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM tourism.tour_scenic_spot").fetchall()]


def post(gateway: Gateway, sql: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else gateway.headers("tourism")
    return httpx.post(f"{gateway.url}/v1/query", json={"sql": sql}, headers=headers, timeout=60)


def error_of(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, object] = response.json()["error"]
    assert set(error) == ERROR_FIELDS
    return error


def assert_nothing_leaks(response: httpx.Response, gateway: Gateway, *values: str) -> None:
    text = response.text
    assert "Traceback" not in text and 'File "' not in text
    assert str(gateway.settings.home) not in text and "/tmp" not in text and ".duckdb" not in text
    for value in values:
        assert value not in text


def test_when_the_sql_has_a_syntax_error_then_400_points_at_line_and_column(gateway: Gateway) -> None:
    response = post(gateway, "SELECT county_code,\n  count(*\nFROM tourism.tour_scenic_spot")

    error = error_of(response, 400)
    assert isinstance(error["line"], int) and isinstance(error["col"], int)
    assert error["line"] >= 2


def test_when_a_denied_column_is_asked_for_then_403_names_rule_table_and_column(gateway: Gateway) -> None:
    response = post(gateway, "SELECT guest_name FROM tourism.lodging_checkin WHERE guest_name = '张三丰'")

    error = error_of(response, 403)
    assert str(error["code"]).startswith("policy.")
    assert error["rule"] and error["dataset"] == "tourism.lodging_checkin" and error["column"] == "guest_name"
    assert "guest_name" in str(error["message"]) and "guest_name" in str(error["message_zh"])
    assert_nothing_leaks(response, gateway, "张三丰")


def test_when_a_dp_table_is_read_row_by_row_then_403_names_the_dp_rule(gateway: Gateway) -> None:
    response = post(gateway, "SELECT balance FROM housing_fund.hpf_account", gateway.tokens["housing_fund"])

    error = error_of(response, 403)
    assert (error["code"], error["rule"], error["dataset"]) == (
        "policy.dp_query",
        "dp_query",
        "housing_fund.hpf_account",
    )
    assert "dp table" in str(error["message"]) and "差分隐私" in str(error["message_zh"])


def test_when_the_engine_fails_on_a_row_then_one_uniform_error_without_the_value(
    gateway: Gateway, spot_names: list[str]
) -> None:
    response = post(gateway, "SELECT CAST(name AS INTEGER) AS n FROM tourism.tour_scenic_spot")

    assert response.status_code in (403, 422), response.text
    error = error_of(response, response.status_code)
    if response.status_code == 422:
        assert error["code"] == "query.failed"
    assert_nothing_leaks(response, gateway, *spot_names)


def test_when_the_sql_is_oversize_then_413(gateway: Gateway) -> None:
    sql = "SELECT spot_id FROM tourism.tour_scenic_spot WHERE " + " OR ".join(["spot_id = 'x'"] * 2_000)

    error = error_of(post(gateway, sql), 413)
    assert error["code"] == "request.sql_too_large"


def test_when_the_body_is_oversize_then_413(gateway: Gateway) -> None:
    response = httpx.post(
        f"{gateway.url}/v1/query",
        content=b'{"sql": "' + b"x" * 2_000_000 + b'"}',
        headers=gateway.headers("tourism") | {"Content-Type": "application/json"},
    )

    assert error_of(response, 413)["code"] == "request.too_large"


def test_when_the_body_is_not_the_expected_json_then_400(gateway: Gateway) -> None:
    for content in (b"{not json", b'{"query": "SELECT 1"}', b'["SELECT 1"]'):
        response = httpx.post(f"{gateway.url}/v1/query", content=content, headers=gateway.headers("tourism"))
        assert error_of(response, 400)["code"] == "request.invalid"


def test_when_the_token_is_expired_then_401_token_expired(gateway: Gateway) -> None:
    settings = gateway.settings
    with grant_service(settings) as live:
        past = GrantService(
            store=SqlGrantStore.from_url(settings.state_url),
            signing_key=live.signing_key,
            clock=lambda: time.time() - 3 * 86_400,
        )
        expired = past.issue_grant(
            user="dev-old", enterprise="ent-test", scenario="tourism",
            known_datasets=dataset_scenarios(settings.policies), days=1,
        )  # fmt: skip
        past.store.close()  # type: ignore[attr-defined]

    response = post(gateway, "SELECT 1 AS one", expired.token)

    assert error_of(response, 401)["code"] == "token.expired"
    assert "Bearer" in response.headers["www-authenticate"]


def test_when_the_token_is_revoked_then_401_token_revoked(gateway: Gateway) -> None:
    token, jti = issue(gateway.settings, "dev-gone", "tourism")
    assert httpx.get(f"{gateway.url}/v1/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with grant_service(gateway.settings) as service:
        service.revoke(jti, by="test", reason="left the project")

    response = post(gateway, "SELECT spot_id FROM tourism.tour_scenic_spot", token)

    assert error_of(response, 401)["code"] == "token.revoked"


def test_when_a_staff_token_is_used_then_401_wrong_kind(gateway: Gateway) -> None:
    with grant_service(gateway.settings) as service:
        staff = service.issue_staff_token(user="rev01", role="reviewer")

    response = post(gateway, "SELECT spot_id FROM tourism.tour_scenic_spot", staff.token)

    assert error_of(response, 401)["code"] == "token.wrong_kind"


@pytest.mark.parametrize(("token", "code"), [(None, "token.missing"), ("not-a-jwt", "token.malformed")])
def test_when_the_token_is_missing_or_garbage_then_401(gateway: Gateway, token: str | None, code: str) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{gateway.url}/v1/query", json={"sql": "SELECT 1"}, headers=headers)

    assert error_of(response, 401)["code"] == code


def test_when_a_grant_sends_too_fast_then_429_with_retry_after(gateway: Gateway) -> None:
    token, _ = issue(gateway.settings, "dev-fast", "tourism")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=gateway.url, headers=headers) as http:
        responses = [http.get("/v1/whoami") for _ in range(120)]
    statuses = [r.status_code for r in responses]

    assert statuses[0] == 200 and 429 in statuses
    limited = responses[statuses.index(429)]
    assert error_of(limited, 429)["code"] == "rate.limited"
    assert int(limited.headers["retry-after"]) >= 1
    # Another grant is not slowed down by this one.
    assert httpx.get(f"{gateway.url}/v1/whoami", headers=gateway.headers("transit")).status_code == 200


def test_when_the_path_is_unknown_then_the_same_error_shape(gateway: Gateway) -> None:
    assert error_of(httpx.get(f"{gateway.url}/v1/nothing-here"), 404)["code"] == "http.not_found"
