"""The FastAPI application factory: wiring only (routes, error translation, correlation ids, lifespan)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.gateway import audit_routes, errors
from sandbox.gateway.routes import router
from sandbox.queries import QueryConfig, QueryService
from sandbox.queries.audit_reader import AuditReader
from sandbox.settings import Settings


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
    service: QueryService | None = None,
    audit_reader: AuditReader | None = None,
    config: GatewayConfig | None = None,
) -> FastAPI:
    """The gateway over ``service`` (and ``audit_reader`` for /v1/audit), or over services built from
    ``settings`` at startup and closed at shutdown (the audit routes answer 503 without a reader)."""
    config = config or GatewayConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if service is None:
                from sandbox.queries.bootstrap import open_gateway_services  # engine, audit log: opened on start

                services = stack.enter_context(open_gateway_services(settings, config.query))
                app.state.query_service, app.state.audit_reader = services.query, services.audit
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
    app.state.max_body_bytes = config.max_body_bytes
    app.include_router(router)
    app.include_router(audit_routes.router)
    errors.install(app)
    app.add_middleware(CorrelationIds)
    return app
