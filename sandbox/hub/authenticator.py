"""Log in to the hub with a bureau token: the login form (user name + token as password) or, for
scripts, ``POST /hub/token-login`` with ``Authorization: Bearer <token>``.

The gateway verifies the token (EdDSA pinned, audience, issuer, expiry, the register, revocation) and
audits the attempt; the hub keeps only the token's id, kind and expiry in the encrypted auth_state,
never the token. Expiry or revocation ends access through ``refresh_user`` (strict, also before spawn).
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from jupyterhub.auth import Authenticator
from jupyterhub.handlers import BaseHandler
from jupyterhub.spawner import SpawnException
from tornado import web
from traitlets import Integer, Unicode, default

from sandbox.hub.gateway_client import GatewayRefused, HubGateway

ENTERPRISE_GROUP = "enterprise"


class SandboxAuthenticator(Authenticator):  # type: ignore[misc]
    gateway_url = Unicode("http://127.0.0.1:8080", config=True, help="The gateway that verifies tokens.")
    hub_secret = Unicode("", config=True, help="Secret the hub presents to the gateway's /v1/hub routes.")
    session_env_url = Unicode(
        "", config=True, help="Gateway URL as seen from a notebook server (default: gateway_url)."
    )
    check_interval = Integer(60, config=True, help="Seconds between re-checks of a login with the gateway.")

    @default("manage_groups")
    def _manage_groups(self) -> bool:
        return True  # groups come from the token's role, never from the hub UI

    @default("enable_auth_state")
    def _auth_state(self) -> bool:
        return True

    @default("refresh_pre_spawn")
    def _pre_spawn(self) -> bool:
        return True

    @default("auth_refresh_strict")
    def _strict(self) -> bool:
        return True  # an expired or revoked login is refused, not waved through with stale state

    @default("auth_refresh_age")
    def _refresh_age(self) -> int:
        return int(self.check_interval)

    @default("any_allow_config")
    def _any_allow(self) -> bool:
        return True  # the gateway decides who may log in

    @default("login_service")
    def _login_service(self) -> str:
        return "bureau token · 授权令牌"

    @property
    def gateway(self) -> HubGateway:
        return HubGateway(self.gateway_url, self.hub_secret)

    async def authenticate(self, handler: web.RequestHandler | None, data: dict[str, Any]) -> dict[str, Any] | None:
        user = str(data.get("username") or "").strip()
        token = str(data.get("password") or "").strip()
        if not user or not token:
            return None
        try:
            who = await self.gateway.post("/v1/hub/login", {"user": user, "token": token})
        except GatewayRefused as refusal:
            self.log.warning("login refused for %s: %s", user[:32], refusal.code)
            return None
        state = {key: who.get(key) for key in ("jti", "exp", "kind", "role", "department", "enterprise", "scenario")}
        return {"name": who["user"], "groups": list(who["groups"]), "auth_state": state}

    async def check_allowed(self, username: str, authentication: dict[str, Any] | None = None) -> bool:
        return authentication is not None  # only what the gateway vouched for reaches here

    async def refresh_user(self, user: Any, handler: web.RequestHandler | None = None) -> bool:
        if handler is not None and not hasattr(handler, "_token_authenticated"):
            # JupyterHub 6.1.1 reads this attribute after a failed refresh but sets it only for token
            # logins: a cookie-authenticated spawn of a revoked user would end in a 500, not a 403.
            setattr(handler, "_token_authenticated", False)  # noqa: B010
        state = await user.get_auth_state()
        if not state or not state.get("jti") or int(state.get("exp") or 0) <= time.time():
            return False
        try:
            answer = await self.gateway.post("/v1/hub/check", {"user": user.name, "jti": state["jti"]})
        except (GatewayRefused, OSError, ValueError) as error:
            self.log.warning("refresh of %s failed closed: %s", user.name, type(error).__name__)
            return False
        return bool(answer.get("active"))

    async def pre_spawn_start(self, user: Any, spawner: Any) -> None:
        if ENTERPRISE_GROUP not in {group.name for group in user.groups}:
            raise SpawnException(
                "Only enterprise developers get notebook servers · 仅企业开发者可启动分析环境",
                reason="role",
                status_code=403,
            )
        state = await user.get_auth_state() or {}
        try:
            session = await self.gateway.post(
                "/v1/hub/sessions", {"user": user.name, "server": spawner.name or "", "jti": state.get("jti", "")}
            )
        except GatewayRefused as refusal:
            raise SpawnException(
                f"{refusal.message} · {refusal.message_zh}", reason=refusal.code, status_code=403
            ) from None
        spawner.environment.update(
            {
                "SANDBOX_GATEWAY_URL": self.session_env_url or self.gateway_url,
                "SANDBOX_TOKEN": session["token"],
                "SANDBOX_ENTERPRISE_ID": str(session.get("enterprise") or ""),
            }
        )

    async def post_spawn_stop(self, user: Any, spawner: Any) -> None:
        spawner.environment.pop("SANDBOX_TOKEN", None)
        try:
            await self.gateway.post("/v1/hub/sessions/revoke", {"user": user.name, "server": spawner.name or ""})
        except (GatewayRefused, OSError) as error:
            self.log.error("could not revoke the session of %s: %s", user.name, type(error).__name__)

    def get_handlers(self, app: Any) -> list[tuple[str, type]]:
        return [*super().get_handlers(app), (r"/token-login", TokenLoginHandler)]


class TokenLoginHandler(BaseHandler):  # type: ignore[misc]
    """``POST /hub/token-login`` with ``Authorization: Bearer <bureau token>``: a login for scripts.

    A browser cannot attach an Authorization header cross-site without a CORS preflight (refused), so
    this needs no XSRF token; the full login pipeline runs and the usual cookie is set.
    """

    def check_xsrf_cookie(self) -> None:
        return None

    async def post(self) -> None:
        scheme, _, token = self.request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise web.HTTPError(401, "Authorization: Bearer <token> required")
        user = await self.login_user({"username": _subject(token.strip()), "password": token.strip()})
        if user is None:
            raise web.HTTPError(403, "token refused")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"name": user.name, "groups": sorted(g.name for g in user.groups)}))


def _subject(token: str) -> str:
    """The unverified ``sub`` of a JWT, only to name the user; the gateway verifies the whole token."""
    try:
        segment = token.split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        return str(payload.get("sub", ""))[:64]
    except (IndexError, ValueError, AttributeError):
        return ""
