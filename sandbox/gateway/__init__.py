"""The HTTP API (FastAPI): thin routes over the query service, one error translator.

create_app(settings, *, service=None, audit_reader=None, config=None) -> FastAPI
"""

from sandbox.gateway.app import GatewayConfig, create_app

__all__ = ["GatewayConfig", "create_app"]
