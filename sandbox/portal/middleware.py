"""Per-request portal plumbing: read the session cookie, write it back when it changed, add strict headers."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.portal import sessions
from sandbox.portal.config import PortalConfig

PREFIX = "/portal"

# No inline script or style anywhere: the CSP forbids them, so an injected <script> cannot run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class PortalMiddleware:
    """Only for paths under /portal: the JSON API keeps its own headers and never sees the cookie."""

    def __init__(self, app: ASGIApp, config: Callable[[], PortalConfig]) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        config = self.config()
        cookie = HTTPConnection(scope).cookies.get(sessions.COOKIE)
        loaded = sessions.decode(cookie, config.session_key)
        session = loaded or sessions.fresh(config.session_seconds)
        state = scope.setdefault("state", {})
        state["portal_session"] = session

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if not path.startswith(PREFIX + "/static/"):
                    headers["Cache-Control"] = "no-store"
                current: sessions.Session = state["portal_session"]
                if current is not loaded:
                    headers.append("Set-Cookie", _cookie(sessions.encode(current, config.session_key), config))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(value: str, config: PortalConfig) -> str:
    secure = "; Secure" if config.secure_cookies else ""
    return f"{sessions.COOKIE}={value}; Path={PREFIX}; Max-Age={config.session_seconds}; HttpOnly; SameSite=Lax{secure}"
