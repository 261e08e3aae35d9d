"""Login through JupyterHub OAuth with PKCE, against a stand-in hub served over real HTTP that checks
what JupyterHub checks: client id, redirect URI, one-time codes, the S256 code verifier, the secret."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from fastapi import FastAPI, Form, Header, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from portal_support import Portal, browser, grant_token, serve

import audit
from sandbox.gateway import create_app
from sandbox.portal.config import PortalConfig

SECRET = "hub-service-secret"


@dataclass
class FakeHub:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    next_user: str = ""

    def app(self) -> FastAPI:
        hub = FastAPI()

        @hub.get("/hub/api/oauth2/authorize")
        def authorize(request: Request) -> RedirectResponse:
            q = request.query_params
            if q.get("client_id") != "service-portal" or q.get("code_challenge_method") != "S256":
                raise HTTPException(400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"challenge": q["code_challenge"], "redirect": q["redirect_uri"], "user": self.next_user}
            return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", 302)

        @hub.post("/hub/api/oauth2/token")
        def token(
            code: str = Form(), code_verifier: str = Form(), redirect_uri: str = Form(), client_id: str = Form(),
            client_secret: str = Form(""), grant_type: str = Form(),
        ) -> JSONResponse:  # fmt: skip
            issued = self.codes.pop(code, None)  # one use only
            digest = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
            if (
                issued is None
                or grant_type != "authorization_code"
                or client_id != "service-portal"
                or client_secret != SECRET
                or redirect_uri != issued["redirect"]
                or digest != issued["challenge"]
            ):
                return JSONResponse({"error": "invalid_grant"}, 400)
            access = secrets.token_urlsafe(16)
            self.tokens[access] = issued["user"]
            return JSONResponse({"access_token": access, "token_type": "Bearer"})

        @hub.get("/hub/api/user")
        def user(authorization: str = Header("")) -> dict[str, Any]:
            name = self.tokens.get(authorization.removeprefix("Bearer "))
            if name is None:
                raise HTTPException(403)
            return self.users[name]

        return hub


@pytest.fixture(scope="module")
def hub() -> Iterator[tuple[FakeHub, str]]:
    fake = FakeHub(
        users={
            "rev-hub": {"name": "rev-hub", "groups": ["reviewers"], "admin": False},
            "dept-hub": {"name": "dept-hub", "groups": ["departments", "dept-D01"]},
            "dev-hub": {"name": "dev-hub", "groups": ["enterprise"]},
            "nobody": {"name": "nobody", "groups": []},
        }
    )
    with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture(scope="module")
def hub_portal(portal_home: Portal, hub: tuple[FakeHub, str]) -> Iterator[str]:
    app = create_app(portal_home.settings)
    env = {"SANDBOX_HUB_URL": hub[1], "SANDBOX_PORTAL_OAUTH_SECRET": SECRET}
    app.state.portal_config = PortalConfig.load(portal_home.settings, env)
    with serve(app) as url:
        yield url


def hub_login(client: httpx.Client, fake: FakeHub, user: str) -> httpx.Response:
    """Follow the flow as a browser does: portal → hub authorize → portal callback."""
    fake.next_user = user
    start = client.get("/portal/oauth/start")
    assert start.status_code == 303
    at_hub = httpx.get(start.headers["location"])  # the hub (already signed in there) sends the code back
    assert at_hub.status_code == 302
    return client.get(at_hub.headers["location"])


def test_a_hub_reviewer_lands_on_the_review_queue_with_an_audited_login(
    portal_home: Portal, hub: tuple[FakeHub, str], hub_portal: str
) -> None:
    with browser(hub_portal) as client:
        start = client.get("/portal/oauth/start")
        query = parse_qs(urlparse(start.headers["location"]).query)
        assert query["code_challenge_method"] == ["S256"] and query["client_id"] == ["service-portal"]
        assert query["redirect_uri"] == [f"{hub_portal}/portal/oauth_callback"]
        done = hub_login(client, hub[0], "rev-hub")
        assert done.status_code == 303 and done.headers["location"] == "/portal/review"
        assert client.get("/portal/review").status_code == 200
        assert client.get("/portal/audit/events").status_code == 403
    with audit.open_log(portal_home.settings.audit_url) as log:
        logins = [e.event for e in log.iter_events(audit.EventFilter(type="login", actor="rev-hub"))]
        issued = list(log.iter_events(audit.EventFilter(type="token.issue")))
    assert [(e.outcome, e.detail["via"]) for e in logins] == [("allowed", "hub-oauth")]
    assert any(e.event.detail.get("user") == "rev-hub" for e in issued)


def test_a_department_group_gives_its_department(hub: tuple[FakeHub, str], hub_portal: str) -> None:
    with browser(hub_portal) as client:
        assert hub_login(client, hub[0], "dept-hub").headers["location"] == "/portal/dept"
        assert "D01" in client.get("/portal/dept").text


def test_an_enterprise_user_gets_a_session_on_their_active_grant(
    portal_home: Portal, hub: tuple[FakeHub, str], hub_portal: str
) -> None:
    grant_token(portal_home.settings, user="dev-hub", enterprise="ent-hub")
    with browser(hub_portal) as client:
        assert hub_login(client, hub[0], "dev-hub").headers["location"] == "/portal/me"
        page = client.get("/portal/me")
        assert page.status_code == 200 and "ent-hub" in page.text


def test_a_hub_user_without_a_portal_role_is_refused(hub: tuple[FakeHub, str], hub_portal: str) -> None:
    with browser(hub_portal) as client:
        answer = hub_login(client, hub[0], "nobody")
        assert answer.status_code == 403 and "portal.no_role" in answer.text
        assert client.get("/portal/").headers["location"] == "/portal/login"


def test_a_callback_the_browser_did_not_start_is_refused(hub: tuple[FakeHub, str], hub_portal: str) -> None:
    fake, _ = hub
    with browser(hub_portal) as victim, browser(hub_portal) as attacker:
        fake.next_user = "rev-hub"
        start = victim.get("/portal/oauth/start")
        code_url = httpx.get(start.headers["location"]).headers["location"]  # the victim's code…
        answer = attacker.get(code_url)  # …replayed in another browser: no pending state there
        assert answer.status_code == 401 and "portal.hub_login" in answer.text


def test_a_stolen_code_with_the_attackers_own_state_fails_pkce(hub: tuple[FakeHub, str], hub_portal: str) -> None:
    fake, _ = hub
    with browser(hub_portal) as victim, browser(hub_portal) as attacker:
        fake.next_user = "rev-hub"
        victim_code = parse_qs(urlparse(httpx.get(victim.get("/portal/oauth/start").headers["location"])
                                        .headers["location"]).query)["code"][0]  # fmt: skip
        own_state = parse_qs(urlparse(attacker.get("/portal/oauth/start").headers["location"]).query)["state"][0]
        answer = attacker.get("/portal/oauth_callback", params={"code": victim_code, "state": own_state})
        assert answer.status_code == 401 and "portal.hub_login" in answer.text
        assert attacker.get("/portal/review").status_code == 303
