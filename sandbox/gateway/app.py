"""The FastAPI application factory: wiring only (routes, error translation, correlation ids, lifespan)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox import portal
from sandbox.gateway import audit_routes, credit_routes, errors, export_routes, session_routes
from sandbox.gateway.routes import router
from sandbox.queries import QueryConfig, QueryService
from sandbox.queries.audit_reader import AuditReader
from sandbox.settings import Settings

if TYPE_CHECKING:
    from sandbox.queries.bootstrap import GatewayServices


@dataclass(frozen=True)
class GatewayConfig:
    max_body_bytes: int = 512 * 1024  # room for the SQL limit even when every character is \\u-escaped
    query: QueryConfig = field(default_factory=QueryConfig)


class CorrelationIds:
    """Gives each request an id (``request.state.correlation_id``) that the audit record and X-Request-Id share."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["correlation_id"] = uuid.uuid4().hex
        await self.app(scope, receive, send)


def create_app(
    settings: Settings,
    *,
    services: GatewayServices | None = None,
    service: QueryService | None = None,
    audit_reader: AuditReader | None = None,
    config: GatewayConfig | None = None,
) -> FastAPI:
    """The gateway over ``services`` opened by the caller, or over ``service`` alone (and ``audit_reader`` for
    /v1/audit), or over services built from ``settings`` at startup and closed at shutdown (routes whose
    service is missing answer 503)."""
    config = config or GatewayConfig()
    if services is not None:
        service, audit_reader = services.query, services.audit

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if service is None:
                from sandbox.queries.bootstrap import open_gateway_services  # engine, audit log: opened on start

                _attach(app, stack.enter_context(open_gateway_services(settings, config.query)))
            yield

    app = FastAPI(
        title="黔东南州公共数据沙箱 · Qiandongnan public-data sandbox gateway",
        version="1",
        description="Policy-enforcing SQL over the authorised datasets. Every request is audited.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.query_service = service
    app.state.audit_reader = audit_reader
    if services is not None:
        _attach(app, services)
    app.state.max_body_bytes = config.max_body_bytes
    app.state.settings = settings  # the hub routes read the hub service secret from its home
    app.include_router(router)
    app.include_router(audit_routes.router)
    app.include_router(export_routes.router)
    credit_routes.install(app)
    app.include_router(session_routes.router)
    errors.install(app)
    portal.install(app)  # the web pages under /portal (sandbox/portal)
    app.add_middleware(CorrelationIds)
    return app


def _attach(app: FastAPI, services: GatewayServices) -> None:
    app.state.query_service, app.state.audit_reader = services.query, services.audit
    app.state.credit_api = services.credits
    app.state.export_service = services.exports
