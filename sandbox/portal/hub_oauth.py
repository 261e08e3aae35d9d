"""Login through JupyterHub: OAuth 2 authorization code with PKCE, the portal being the hub service
``service-portal``. The hub tells who the user is and their groups; the portal then holds a bureau
credential of its own for them (a one-day staff login, or a session on the enterprise's active grant),
so every later call is verified and audited exactly like a token login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import Request
from starlette.responses import Response

from sandbox.grants import GrantService
from sandbox.portal import sessions
from sandbox.portal.auth import grant_service, signed_in
from sandbox.portal.calls import call, correlation_id
from sandbox.portal.config import CLIENT_ID, PortalConfig
from sandbox.portal.errors import PortalError, unavailable
from sandbox.portal.nav import HOME
from sandbox.portal.rendering import redirect
from sandbox.services.grants import issue_staff_token

DEPT_GROUP = re.compile(r"dept-([A-Za-z0-9][A-Za-z0-9_.-]{0,63})")
# "operators" is the hub helper's group for bureau admins (sandbox/hub/roles.py); "admin" is accepted too.
STAFF_GROUPS = (("admin", "admin"), ("operators", "admin"), ("auditors", "auditor"), ("reviewers", "reviewer"))
TIMEOUT = 10.0


def hub_refused() -> PortalError:
    return PortalError(
        401,
        "portal.hub_login",
        "JupyterHub did not confirm this login (rule portal.hub_login); start again from the login page.",
        "JupyterHub 未确认此次登录（规则 portal.hub_login）；请从登录页重新开始。",
    )


def no_role() -> PortalError:
    return PortalError(
        403,
        "portal.no_role",
        "Your hub account has no portal role (groups admin, auditors, reviewers, departments with dept-CODE, "
        "or enterprise with an active grant).",
        "您的 JupyterHub 账号没有门户角色（需在 admin、auditors、reviewers、departments 并有 dept-部门代码，"
        "或 enterprise 并有有效授权的组中）。",
    )


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) as RFC 7636 defines them."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def role_of(user: dict[str, Any]) -> tuple[str, str | None] | None:
    """(role, department) from the hub user model: admin flag or groups; the strongest staff group wins."""
    groups = {str(g) for g in user.get("groups") or ()}
    if user.get("admin") is True:
        groups.add("admin")
    for group, role in STAFF_GROUPS:
        if group in groups:
            return role, None
    if "departments" in groups:
        codes = sorted(m.group(1) for g in groups if (m := DEPT_GROUP.fullmatch(g)))
        return ("department", codes[0]) if len(codes) == 1 else None
    if "enterprise" in groups:
        return "enterprise", None
    return None


def _redirect_uri(request: Request, config: PortalConfig) -> str:
    base = config.public_url or str(request.base_url).rstrip("/")
    return f"{base}/portal/oauth_callback"


def _config(request: Request) -> PortalConfig:
    config: PortalConfig = request.app.state.portal_config
    if not config.hub_url:
        raise unavailable("JupyterHub login", "JupyterHub 登录")
    return config


async def start(request: Request) -> Response:
    config = _config(request)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    session: sessions.Session = request.state.portal_session
    request.state.portal_session = replace(session, oauth={"state": state, "verifier": verifier})
    query = urlencode(
        {
            "client_id": CLIENT_ID,
            "redirect_uri": _redirect_uri(request, config),
            "response_type": "code",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return redirect(f"{config.hub_url}/hub/api/oauth2/authorize?{query}")


async def finish(request: Request) -> Response:
    config = _config(request)
    session: sessions.Session = request.state.portal_session
    pending = session.oauth or {}
    request.state.portal_session = session = replace(session, oauth=None)  # one use only
    state, code = request.query_params.get("state", ""), request.query_params.get("code", "")
    if not pending or not code or not hmac.compare_digest(state, pending.get("state", "")):
        raise hub_refused()
    user = await _hub_user(config, code, pending["verifier"], _redirect_uri(request, config))
    name, found = str(user.get("name") or ""), role_of(user)
    if found is None:
        raise no_role()
    role, department = found
    grants = grant_service(request)
    settings = request.app.state.settings
    if role == "enterprise":
        token = await call(_enterprise_session, grants, name)
    else:
        issued = await call(issue_staff_token, settings, user=name, role=role, department=department, days=1)
        token = issued.token
    claims = await call(grants.verify_any, token)
    request.state.portal_session = signed_in(session, claims, token, config.session_seconds)
    await call(
        request.app.state.query_service.auditor.record,
        "login",
        grant=claims,
        outcome="allowed",
        correlation_id=correlation_id(request),
        detail={"via": "hub-oauth", "role": role},
        target="portal",
    )
    return redirect(HOME.get(role, "/portal/"))


async def _hub_user(config: PortalConfig, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": CLIENT_ID,
        "code_verifier": verifier,
    }
    if config.oauth_secret:
        form["client_secret"] = config.oauth_secret
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            answer = await client.post(f"{config.hub_url}/hub/api/oauth2/token", data=form)
            answer.raise_for_status()
            access = answer.json().get("access_token")
            if not isinstance(access, str) or not access:
                raise hub_refused()
            who = await client.get(f"{config.hub_url}/hub/api/user", headers={"Authorization": f"Bearer {access}"})
            who.raise_for_status()
            user = who.json()
    except (httpx.HTTPError, ValueError):
        raise hub_refused() from None
    if not isinstance(user, dict):
        raise hub_refused()
    return user


def _enterprise_session(grants: GrantService, user: str) -> str:
    """A hub session token on the user's newest active grant (the hub accepts the same credential)."""
    now = grants.now()
    active = [r for r in grants.list_grants() if r.kind == "grant" and r.subject == user and r.status(now) == "active"]
    if not active or grants.sessions is None:
        raise no_role()
    newest = max(active, key=lambda r: r.issued_at)
    return grants.sessions.mint(user=user, server="portal", grant_jti=newest.jti).token
