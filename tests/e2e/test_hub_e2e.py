"""End to end: a real JupyterHub (local spawner, CHP) with the gateway as its managed service.

An enterprise developer logs in with a grant through the form (XSRF), spawns through the REST API,
and a cell in the notebook queries the gateway with ``sandbox.client`` under a session token; the
answer matches the gateway's own and the audit log holds the query, the login and the spawn. Expired
and revoked tokens are refused at login and at spawn; staff cannot spawn; stopping revokes the session.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.hub_support import (
    Hub,
    HubSession,
    issue_grant,
    issue_staff,
    make_home,
    revoke,
    running_gateway,
    running_hub,
)

SQL = "SELECT county_code, count(*) AS spots FROM tourism.tour_scenic_spot GROUP BY county_code ORDER BY county_code"

CELL = f"""
import json, os
from sandbox.client import connect
db = connect()
frame = db.sql({SQL!r})
print(json.dumps({{
    "token_kind": os.environ["SANDBOX_TOKEN"][:4],
    "session_token": os.environ["SANDBOX_TOKEN"],
    "enterprise": os.environ["SANDBOX_ENTERPRISE_ID"],
    "user": db.whoami()["user"],
    "rows": frame.astype(str).values.tolist(),
    "result_id": frame.attrs["result_id"],
}}))
"""


@pytest.fixture(scope="module")
def hub(tiny_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    settings = make_home(tmp_path_factory.mktemp("hub-home"), tiny_warehouse)
    with running_gateway(settings) as gateway_url, running_hub(settings, gateway_url) as running:
        yield running


def _gateway_rows(hub: Hub, token: str) -> list[list[str]]:
    response = httpx.post(
        f"{hub.gateway_url}/v1/query", json={"sql": SQL}, headers={"Authorization": f"Bearer {token}"}, trust_env=False
    )
    response.raise_for_status()
    return [[str(value) for value in row] for row in response.json()["rows"]]


def _audit(hub: Hub, **params: str) -> list[dict[str, object]]:
    auditor = issue_staff(hub.settings, "audrey", "auditor")
    response = httpx.get(
        f"{hub.gateway_url}/v1/audit/events",
        params=params,
        headers={"Authorization": f"Bearer {auditor}"},
        trust_env=False,
    )
    response.raise_for_status()
    events: list[dict[str, object]] = response.json()["events"]
    return events


def test_developer_logs_in_spawns_and_queries_the_gateway_from_a_cell(hub: Hub) -> None:
    token, jti = issue_grant(hub.settings, "alice")
    with hub.session() as browser:
        login = browser.login_form("alice", token)
        assert login.status_code == 302, login.text[:300]
        assert browser.api("GET", "/user").json()["groups"] == ["enterprise"]

        browser.spawn_and_wait("alice")
        browser.open_server("alice")
        answer = json.loads(browser.run_cell("alice", CELL).strip().splitlines()[-1])

        assert answer["token_kind"] == "sst_", "the notebook gets a session token, never the grant"
        assert answer["user"] == "alice" and answer["enterprise"] == "ent-e2e"
        assert answer["rows"] == _gateway_rows(hub, token) and answer["rows"]

        queries = _audit(hub, type="query", actor="alice")
        assert any(e["grant"] == jti and e["detail"]["result_id"] == answer["result_id"] for e in queries)  # type: ignore[index]
        assert any(e["outcome"] == "allowed" and e["grant"] == jti for e in _audit(hub, type="login", actor="alice"))
        assert any(e["target"] == "alice/" and e["outcome"] == "allowed" for e in _audit(hub, type="spawn"))

        _check_server_lockdown(browser, "alice")

        # Stopping the server revokes its session token at once.
        assert browser.api("DELETE", "/users/alice/server").status_code in (202, 204)
        deadline = time.monotonic() + 20
        while browser.api("GET", "/users/alice").json()["servers"] and time.monotonic() < deadline:
            time.sleep(0.1)
        stale = httpx.post(
            f"{hub.gateway_url}/v1/query",
            json={"sql": SQL},
            headers={"Authorization": f"Bearer {answer['session_token']}"},
            trust_env=False,
        )
        assert stale.status_code == 401 and stale.json()["error"]["code"] == "session.revoked"
        assert any(e["target"] == "alice/" for e in _audit(hub, type="spawn.stop"))


def _check_server_lockdown(browser: HubSession, user: str) -> None:
    """The local server: example notebooks seeded; raw files, conversion, terminals and file reads closed."""
    prefix = f"/user/{user}"
    headers = {"X-XSRFToken": browser.xsrf(f"{prefix}/"), "Referer": f"{browser.hub.url}{prefix}/lab"}
    listing = browser.http.get(f"{prefix}/api/contents", headers=headers).json()
    assert {"tourism.ipynb", "governance.ipynb", "transit.ipynb", "housing_fund.ipynb"} <= {
        item["name"] for item in listing["content"]
    }
    saved = browser.http.put(
        f"{prefix}/api/contents/result.csv",
        json={"type": "file", "format": "text", "content": "county,n\n1,2\n"},
        headers=headers,
    )
    assert saved.status_code in (200, 201)
    assert browser.http.get(f"{prefix}/api/contents/result.csv", headers=headers).status_code == 403
    assert browser.http.get(f"{prefix}/api/contents/result.csv?content=0", headers=headers).status_code == 200
    assert browser.http.get(f"{prefix}/api/contents/tourism.ipynb", headers=headers).status_code == 200
    assert browser.http.get(f"{prefix}/files/result.csv", headers=headers).status_code == 404
    assert browser.http.get(f"{prefix}/nbconvert/html/tourism.ipynb", headers=headers).status_code == 403
    assert browser.http.post(f"{prefix}/api/terminals", headers=headers).status_code in (403, 404)


def _logged_in(browser: object) -> bool:
    from tests.e2e.hub_support import HubSession

    assert isinstance(browser, HubSession)
    return browser.http.get("/hub/api/user").status_code == 200


def test_expired_and_revoked_tokens_are_refused_at_login(hub: Hub) -> None:
    expired, _ = issue_grant(hub.settings, "eve", clock_offset=-2 * 86_400)
    revoked, jti = issue_grant(hub.settings, "rita")
    revoke(hub.settings, jti)
    for user, token in (("eve", expired), ("rita", revoked)):
        with hub.session() as browser:
            assert browser.login_form(user, token).status_code == 403
            assert not _logged_in(browser)
    refused = _audit(hub, type="login")
    codes = {e["detail"]["code"] for e in refused if e["outcome"] == "refused"}  # type: ignore[index]
    assert {"token.expired", "token.revoked"} <= codes


def test_a_token_for_another_user_is_refused(hub: Hub) -> None:
    token, _ = issue_grant(hub.settings, "mallory")
    with hub.session() as browser:
        assert browser.login_form("alice", token).status_code == 403
        assert not _logged_in(browser)


def test_revoked_after_login_cannot_spawn(hub: Hub) -> None:
    token, jti = issue_grant(hub.settings, "bob")
    with hub.session() as browser:
        assert browser.login_form("bob", token).status_code == 302
        revoke(hub.settings, jti)
        assert browser.api("POST", "/users/bob/server").status_code == 403


def test_expired_after_login_cannot_spawn(hub: Hub) -> None:
    # Issued "a day ago less 3 s": valid at login, expired a few seconds later.
    token, _ = issue_grant(hub.settings, "carol", clock_offset=-86_400 + 3)
    with hub.session() as browser:
        assert browser.login_form("carol", token).status_code == 302
        time.sleep(3.5)
        assert browser.api("POST", "/users/carol/server").status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "auditor", "department"])
def test_staff_log_in_but_cannot_spawn(hub: Hub, role: str) -> None:
    user = f"staff-{role}"
    with hub.session() as browser:
        assert browser.login_form(user, issue_staff(hub.settings, user, role)).status_code == 302
        groups = browser.api("GET", "/user").json()["groups"]
        expected = {"reviewer": ["reviewers"], "auditor": ["auditors"], "department": ["departments", "dept-D01"]}
        assert sorted(groups) == expected[role]
        assert browser.api("POST", f"/users/{user}/server").status_code == 403


def test_scripts_log_in_with_an_authorization_header(hub: Hub) -> None:
    token, _ = issue_grant(hub.settings, "dora")
    with httpx.Client(base_url=hub.url, trust_env=False) as http:
        assert http.post("/hub/token-login", headers={"Authorization": "Bearer not-a-jwt"}).status_code == 403
        response = http.post("/hub/token-login", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200 and response.json() == {"name": "dora", "groups": ["enterprise"]}
        assert http.get("/hub/api/user").json()["name"] == "dora"


def test_gateway_hub_routes_refuse_anyone_but_the_hub(hub: Hub) -> None:
    token, jti = issue_grant(hub.settings, "oscar")
    for bearer in (token, "x" * 43, ""):
        response = httpx.post(
            f"{hub.gateway_url}/v1/hub/sessions",
            json={"user": "oscar", "server": "", "jti": jti},
            headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
            trust_env=False,
        )
        assert response.status_code == 403 and response.json()["error"]["code"] == "hub.forbidden"
