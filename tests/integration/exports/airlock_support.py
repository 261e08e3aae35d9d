"""Small HTTP helpers for the airlock tests."""

from __future__ import annotations

from typing import Any

import httpx
from gateway_support import Gateway

AGGREGATE_SQL = (
    "SELECT e.county_code, count(*) AS checkins FROM tourism.lodging_checkin c "
    "JOIN tourism.lodging_establishment e ON c.hotel_id = e.hotel_id GROUP BY e.county_code ORDER BY 1"
)


def auth(gateway: Gateway, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.tokens[who]}"}


def query(gateway: Gateway, sql: str = AGGREGATE_SQL, who: str = "tourism") -> dict[str, Any]:
    response = httpx.post(f"{gateway.url}/v1/query", json={"sql": sql}, headers=auth(gateway, who), timeout=60)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def csv_of(answer: dict[str, Any]) -> bytes:
    names = [c["name"] for c in answer["columns"]]
    lines = [",".join(names)] + [",".join(str(v) for v in row) for row in answer["rows"]]
    return ("\n".join(lines) + "\n").encode()


def submit(
    gateway: Gateway,
    files: list[tuple[str, bytes]],
    sources: list[str],
    who: str = "tourism",
    purpose: str | None = "县域住宿量分析",
    context: str | None = "每县入住人次；来源为聚合查询",
) -> httpx.Response:
    data: dict[str, Any] = {"source": sources}
    if purpose is not None:
        data["purpose"] = purpose
    if context is not None:
        data["context"] = context
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    return httpx.post(f"{gateway.url}/v1/exports", files=parts, data=data, headers=auth(gateway, who), timeout=60)


def get(gateway: Gateway, path: str, who: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{gateway.url}/v1/exports{path}", headers=auth(gateway, who), params=params, timeout=60)


def review(gateway: Gateway, request_id: str, who: str, decision: str, **more: Any) -> httpx.Response:
    body = {"decision": decision, **more}
    return httpx.post(
        f"{gateway.url}/v1/exports/{request_id}/reviews", json=body, headers=auth(gateway, who), timeout=60
    )
