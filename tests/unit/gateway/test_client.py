"""The notebook client against a scripted transport: frames, attrs and errors."""

from __future__ import annotations

import json

import httpx
import pyarrow as pa
import pytest

from sandbox.client import Client, ClientError, PolicyError, connect
from sandbox.queries.results import ipc_bytes

ENVELOPE = {
    "result_id": "r-1",
    "columns": [{"name": "county_code", "type": "VARCHAR"}, {"name": "n", "type": "BIGINT"}],
    "rewritten_sql": "SELECT 1",
    "notices": ["row cap 10000 applied"],
    "privacy": {"mode": "open", "epsilon_spent": 0, "budget_remaining": 1.0},
}


def client(handler: object) -> Client:
    return Client("http://gw", "tok", transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_sql_asks_for_arrow_and_puts_the_envelope_in_attrs() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        table = pa.table({"county_code": ["522601"], "n": [42]})
        table = table.replace_schema_metadata({b"sandbox": json.dumps(ENVELOPE).encode()})
        return httpx.Response(
            200, content=ipc_bytes(table), headers={"content-type": "application/vnd.apache.arrow.stream"}
        )

    frame = client(handler).sql("SELECT 1")

    assert frame.to_dict("records") == [{"county_code": "522601", "n": 42}]
    assert frame.attrs["result_id"] == "r-1"
    assert frame.attrs["notices"] == ["row cap 10000 applied"]
    assert frame.attrs["privacy"]["mode"] == "open"
    assert seen[0].headers["authorization"] == "Bearer tok"
    assert json.loads(seen[0].content) == {"sql": "SELECT 1"}


def test_a_json_answer_also_becomes_a_frame() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={**ENVELOPE, "rows": [["522601", 42]]})

    frame = client(handler).sql("SELECT 1")

    assert list(frame.columns) == ["county_code", "n"]
    assert frame.attrs["rewritten_sql"] == "SELECT 1"


def test_a_refusal_raises_policy_error_with_the_servers_fields() -> None:
    error = {"code": "policy.column_denied", "message": "m", "message_zh": "拒", "rule": "column_denied",
             "dataset": "tourism.lodging_checkin", "column": "guest_name", "line": 1, "col": 8}  # fmt: skip

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"error": error})

    with pytest.raises(PolicyError) as refused:
        client(handler).sql("SELECT guest_name FROM tourism.lodging_checkin")

    assert (refused.value.status, refused.value.code, refused.value.rule) == (
        403,
        "policy.column_denied",
        "column_denied",
    )
    assert (refused.value.column, refused.value.line) == ("guest_name", 1)


def test_connect_reads_the_environment_and_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANDBOX_TOKEN", raising=False)
    with pytest.raises(ClientError):
        connect()

    monkeypatch.setenv("SANDBOX_TOKEN", "tok")
    monkeypatch.setenv("SANDBOX_GATEWAY_URL", "http://gw:9/")
    assert connect().url == "http://gw:9"
