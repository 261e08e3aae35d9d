"""`sandbox serve`: the gateway under uvicorn."""

from __future__ import annotations

import click

from sandbox.cli.app import cli, err, settings
from sandbox.settings import Settings

HOST = click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
PORT = click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")


@cli.command("serve")
@HOST
@PORT
def serve(host: str, port: int) -> None:
    """Run the gateway (HTTP API) · 启动网关."""
    run_gateway(settings(), host, port)


def run_gateway(cfg: Settings, host: str, port: int) -> None:
    import uvicorn

    from sandbox.gateway import create_app
    from sandbox.queries.bootstrap import open_gateway_services

    # Opened here, not in the app's startup, so a missing key or warehouse is one clear CLI error.
    with open_gateway_services(cfg) as services:
        err.print(f"网关 gateway: http://{host}:{port}  (OpenAPI: /openapi.json)", highlight=False)
        uvicorn.run(
            create_app(cfg, services=services),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
        )
