"""Shared setup for the gateway's integration tests: a real home, real grants, a real uvicorn server.

Imported by the test modules (``from gateway_support import …``); pytest puts this folder on sys.path.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from sandbox.grants.bootstrap import grant_service, init_grants
from sandbox.services.catalog import dataset_scenarios
from sandbox.services.home import ensure_home
from sandbox.settings import Settings


def make_home(home: Path, warehouse: Path) -> Settings:
    """What `sandbox init` does, through the same service calls, over an existing warehouse."""
    settings = Settings.from_env({"SANDBOX_HOME": str(home), "SANDBOX_WAREHOUSE": str(warehouse)})
    ensure_home(settings)
    init_grants(settings)
    from sandbox.grants.pseudonyms import ensure_pseudonym_secret

    ensure_pseudonym_secret(settings)
    return settings


def issue(settings: Settings, user: str, scenario: str, **options: object) -> tuple[str, str]:
    """(token, jti) of a new grant, issued as `sandbox grant issue` does."""
    with grant_service(settings) as service:
        issued = service.issue_grant(
            user=user,
            enterprise="ent-test",
            scenario=scenario,
            known_datasets=dataset_scenarios(settings.policies),
            **options,  # type: ignore[arg-type]
        )
    return issued.token, issued.jti


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(app: FastAPI, host: str = "127.0.0.1") -> Iterator[str]:
    """Run ``app`` under uvicorn on a free port of ``host`` in a thread; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test gateway did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@dataclass
class Gateway:
    url: str
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)
    jtis: dict[str, str] = field(default_factory=dict)

    def headers(self, scenario: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[scenario]}"}


SCENARIOS = ("tourism", "governance", "transit", "housing_fund")


@contextmanager
def running_gateway(home: Path, warehouse: Path, config: object | None = None) -> Iterator[Gateway]:
    """A home over a copy of ``warehouse`` with one grant per scenario, and the gateway serving it.

    The copy matters: DuckDB refuses a second in-process handle on a file opened with another configuration.
    """
    from sandbox.gateway import GatewayConfig, create_app

    home.mkdir(parents=True, exist_ok=True)
    settings = make_home(home, Path(shutil.copy(warehouse, home / "warehouse.duckdb")))
    gateway = Gateway(url="", settings=settings)
    for scenario in SCENARIOS:
        gateway.tokens[scenario], gateway.jtis[scenario] = issue(settings, f"dev-{scenario[:4]}", scenario, epsilon=2.5)
    assert config is None or isinstance(config, GatewayConfig)
    with serve(create_app(settings, config=config)) as url:
        gateway.url = url
        yield gateway
