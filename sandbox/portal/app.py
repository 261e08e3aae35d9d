"""Wiring the portal into the gateway app: middleware, routers, error pages."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from starlette.responses import Response

from sandbox.portal import routes
from sandbox.portal.auth import safe_next
from sandbox.portal.config import PortalConfig
from sandbox.portal.errors import LoginRequired, PortalError
from sandbox.portal.middleware import PortalMiddleware
from sandbox.portal.rendering import redirect, render
from sandbox.portal.sessions import Session


def install(app: FastAPI) -> None:
    """Serve the portal under /portal from ``app`` (the gateway), reading its settings and services."""

    def config() -> PortalConfig:
        loaded: PortalConfig | None = getattr(app.state, "portal_config", None)
        if loaded is None:  # on first use: the home may not exist when the app object is built
            loaded = app.state.portal_config = PortalConfig.load(app.state.settings)
        return loaded

    for router in routes.ROUTERS:
        app.include_router(router)
    app.add_exception_handler(PortalError, _error_page)  # type: ignore[arg-type]
    app.add_exception_handler(LoginRequired, _to_login)  # type: ignore[arg-type]
    app.add_middleware(PortalMiddleware, config=config)


async def _error_page(request: Request, error: PortalError) -> Response:
    if not isinstance(getattr(request.state, "portal_session", None), Session):
        return Response(status_code=error.status)
    return render(request, "error.html", {"error": error}, status=error.status)


async def _to_login(request: Request, error: LoginRequired) -> Response:
    params = {"next": safe_next(error.next_path)} | ({"reason": error.reason} if error.reason else {})
    return redirect(f"/portal/login?{urlencode(params)}")
