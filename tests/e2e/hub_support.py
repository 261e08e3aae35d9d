"""A real JupyterHub (local spawner, real CHP) over a real gateway, for the end-to-end tests and the bench.

Everything runs on 127.0.0.1 on free ports, under a throw-away SANDBOX_HOME.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websocket

from sandbox.grants.bootstrap import grant_service, init_grants
from sandbox.grants.hub_secret import ensure_hub_secret
from sandbox.grants.pseudonyms import ensure_pseudonym_secret
from sandbox.hub.process import stop_process_tree
from sandbox.services.catalog import dataset_scenarios
from sandbox.services.home import ensure_home
from sandbox.settings import Settings
from tests.integration.gateway_support import free_port, serve

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "hub_config" / "jupyterhub_config.py"


def make_home(home: Path, warehouse: Path) -> Settings:
    """`sandbox init` over a copy of ``warehouse`` (the tests never write the shared one)."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, home / "warehouse.duckdb")
    settings = Settings.from_env({"SANDBOX_HOME": str(home)})
    ensure_home(settings)
    init_grants(settings)
    ensure_pseudonym_secret(settings)
    ensure_hub_secret(settings)
    return settings


def issue_grant(
    settings: Settings, user: str, *, scenario: str = "tourism", clock_offset: float = 0.0
) -> tuple[str, str]:
    """(token, jti); ``clock_offset`` back-dates the issue to make tokens that expire soon or already did."""
    with grant_service(settings) as service:
        service.clock = lambda: time.time() + clock_offset
        issued = service.issue_grant(
            user=user,
            enterprise="ent-e2e",
            scenario=scenario,
            known_datasets=dataset_scenarios(settings.policies),
            days=1,
        )
    return issued.token, issued.jti


def issue_staff(settings: Settings, user: str, role: str) -> str:
    with grant_service(settings) as service:
        department = "D01" if role == "department" else None
        return service.issue_staff_token(user=user, role=role, department=department, days=1).token


def revoke(settings: Settings, jti: str) -> None:
    with grant_service(settings) as service:
        service.revoke(jti, by="e2e", reason="test")


@dataclass
class Hub:
    url: str
    gateway_url: str
    settings: Settings
    process: subprocess.Popen[bytes]
    log: Path
    started_s: float = 0.0

    def session(self) -> HubSession:
        return HubSession(self)


@contextmanager
def running_gateway(settings: Settings, host: str = "127.0.0.1") -> Iterator[str]:
    """The real gateway app under uvicorn in a thread of this process; yields its base URL."""
    from sandbox.gateway import create_app
    from sandbox.queries.bootstrap import open_gateway_services

    with open_gateway_services(settings) as services, serve(create_app(settings, services=services), host) as url:
        yield url


@contextmanager
def running_hub(
    settings: Settings, gateway_url: str, *, timeout: float = 60.0, extra_env: dict[str, str] | None = None
) -> Iterator[Hub]:
    """Start ``jupyterhub`` with ``gateway_url`` as its gateway service; stop its process group after."""
    ports = {name: free_port() for name in ("hub", "api", "proxy")}
    env = {
        **os.environ,
        "SANDBOX_HOME": str(settings.home),
        "SANDBOX_HUB_PORT": str(ports["hub"]),
        "SANDBOX_HUB_API_PORT": str(ports["api"]),
        "SANDBOX_PROXY_API_PORT": str(ports["proxy"]),
        "SANDBOX_GATEWAY_URL": gateway_url,
        **(extra_env or {}),
    }
    for name in ("SANDBOX_WAREHOUSE", "SANDBOX_STATE_URL", "SANDBOX_AUDIT_URL"):
        env.pop(name, None)
    log = settings.home / "hub.log"
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)],
            cwd=settings.home,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    hub = Hub(f"http://127.0.0.1:{ports['hub']}", gateway_url, settings, process, log)
    try:
        hub.started_s = wait_ready(hub, started, timeout)
        yield hub
    finally:
        stop_process_tree(process)


def wait_ready(hub: Hub, started: float, timeout: float) -> float:
    """Seconds until /hub/health answers 200 through the proxy (an open port is not readiness)."""
    while time.monotonic() - started < timeout:
        if hub.process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited:\n{hub.log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{hub.url}/hub/health", timeout=2, trust_env=False).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"jupyterhub not ready in {timeout} s:\n{hub.log.read_text()[-4000:]}")


@dataclass
class HubSession:
    """A browser-like client: cookies, XSRF tokens per path, as the hub's UI would send them."""

    hub: Hub
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.hub.url, trust_env=False, timeout=30, follow_redirects=False)

    def __enter__(self) -> HubSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def xsrf(self, path: str = "/hub/") -> str:
        for cookie in self.http.cookies.jar:
            if cookie.name == "_xsrf" and cookie.path == path:
                return str(cookie.value)
        raise LookupError(f"no _xsrf cookie for {path}")

    def login_form(self, user: str, token: str) -> httpx.Response:
        self.http.get("/hub/login")
        form = {"_xsrf": self.xsrf(), "username": user, "password": token}
        return self.http.post("/hub/login", data=form)

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-XSRFToken": self.xsrf(), "Referer": f"{self.hub.url}/hub/"}
        return self.http.request(method, f"/hub/api{path}", headers=headers, **kwargs)

    def spawn_and_wait(self, user: str, timeout: float = 45.0) -> float:
        started = time.monotonic()
        response = self.api("POST", f"/users/{user}/server")
        if response.status_code not in (201, 202):
            raise RuntimeError(f"spawn refused: {response.status_code} {response.text[:300]}")
        while time.monotonic() - started < timeout:
            model = self.api("GET", f"/users/{user}").json()
            if model["servers"].get("", {}).get("ready"):
                return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError("server not ready in time")

    def open_server(self, user: str) -> None:
        """The OAuth dance into the user's server (sets its cookie and its own _xsrf)."""
        self.http.get(f"/user/{user}/lab", follow_redirects=True).raise_for_status()

    def run_cell(self, user: str, code: str, timeout: float = 60.0) -> str:
        """Start a kernel, run ``code`` over the kernel websocket, return its stdout (errors raise)."""
        prefix = f"/user/{user}"
        headers = {"X-XSRFToken": self.xsrf(f"{prefix}/"), "Referer": f"{self.hub.url}{prefix}/lab"}
        kernel = self.http.post(f"{prefix}/api/kernels", json={"name": "python3"}, headers=headers)
        kernel.raise_for_status()
        kernel_id = kernel.json()["id"]
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies.jar)
        ws_url = self.hub.url.replace("http", "ws", 1) + f"{prefix}/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(ws_url, header=[f"Cookie: {cookies}"], timeout=timeout)
        try:
            return _execute(ws, code, time.monotonic() + timeout)
        finally:
            ws.close()


def _execute(ws: websocket.WebSocket, code: str, deadline: float) -> str:
    msg_id = uuid.uuid4().hex
    request = {
        "header": {"msg_id": msg_id, "username": "e2e", "session": uuid.uuid4().hex, "msg_type": "execute_request",
                   "version": "5.3"},
        "parent_header": {},
        "metadata": {},
        "content": {"code": code, "silent": False, "store_history": False, "allow_stdin": False, "stop_on_error": True},
        "channel": "shell",
        "buffers": [],
    }  # fmt: skip
    ws.send(json.dumps(request))
    out: list[str] = []
    replied = idle = False
    while not (replied and idle):  # iopub idle may arrive before execute_reply: wait for both
        if time.monotonic() > deadline:
            raise TimeoutError("no execute_reply before the deadline")
        message = json.loads(ws.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            raise RuntimeError(f"cell failed: {content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "execute_reply":
            replied = True
    return "".join(out)
