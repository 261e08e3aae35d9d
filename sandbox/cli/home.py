"""`sandbox init` and `sandbox up`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from sandbox.cli.app import SCALES, cli, err, out, settings
from sandbox.cli.serve import HOST, PORT, run_gateway
from sandbox.errors import ConfigError
from sandbox.grants.bootstrap import init_grants
from sandbox.grants.hub_secret import ensure_hub_secret, ensure_portal_oauth_secret
from sandbox.grants.pseudonyms import ensure_pseudonym_secret
from sandbox.services import audit as audit_service
from sandbox.services import warehouse
from sandbox.services.catalog import check_policies
from sandbox.services.grants import issue_grant, issue_staff_token
from sandbox.services.home import ensure_home
from sandbox.settings import Settings


def _init(cfg: Settings) -> None:
    home = ensure_home(cfg)
    key = init_grants(cfg)
    ensure_pseudonym_secret(cfg)
    with audit_service.open_audit(cfg):
        pass  # opening creates the store and its append-only schema
    out.print(f"平台目录 home:        {home.home} ({'created 已创建' if home.created else 'exists 已存在'})")
    out.print(f"签名密钥 signing key: {key.path} (kid {key.kid}, {'created 已创建' if key.created else 'kept 保留'})")
    out.print(f"状态库 state store:   {_shown(cfg.state_url)} (migrated 已迁移)")
    out.print(f"审计日志 audit log:   {_shown(cfg.audit_url)}")


@cli.command("init")
def init() -> None:
    """Create $SANDBOX_HOME, the bureau signing key and the stores; idempotent · 初始化平台."""
    _init(settings())


@cli.command("up")
@click.option(
    "--scale", type=click.Choice(SCALES), default="small", show_default=True, envvar="SANDBOX_DEMO_SCALE",
    help="Scale of the demo warehouse when it has to be built.",
)  # fmt: skip
@click.option("--seed", default=20251, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare everything and print the logins, start nothing.")
@click.option("--no-hub", is_flag=True, help="Start only the gateway, not JupyterHub.")
@click.option("--hub-port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="JupyterHub port.")
@HOST
@PORT
def up(scale: str, seed: int, no_serve: bool, no_hub: bool, hub_port: int, host: str, port: int) -> None:
    """Everything for a local demo: warehouse, gateway, JupyterHub, demo logins · 一键启动本地演示."""
    cfg = settings()
    _init(cfg)
    if cfg.duckdb_path.is_file():
        out.print(f"数据仓库 warehouse:   {cfg.duckdb_path} (exists 已存在; `sandbox demo-data` rebuilds it)")
    else:
        report = warehouse.build_demo(cfg, scale=scale, seed=seed, progress=True)
        out.print(
            f"数据仓库 warehouse:   {cfg.duckdb_path} ({len(report.rows)} tables, "
            f"{sum(report.rows.values()):,} rows, scale {scale}, {report.seconds:.0f} s)"
        )
    check_policies(cfg)
    out.print("策略目录 catalogue:   policies/ valid and matches the warehouse 校验通过")
    ensure_hub_secret(cfg)
    gateway_url, hub_url = f"http://{host}:{port}", f"http://{host}:{hub_port}"
    logins = _demo_logins(cfg)
    _print_logins(cfg, logins, hub_url, gateway_url, with_hub=not no_hub)
    if no_serve:
        return
    if not no_hub:  # the portal (served by the gateway) logs staff in through the hub's OAuth
        os.environ.setdefault("SANDBOX_PORTAL_OAUTH_SECRET", ensure_portal_oauth_secret(cfg))
        os.environ.setdefault("SANDBOX_HUB_URL", hub_url)
        os.environ.setdefault("SANDBOX_PORTAL_URL", gateway_url)
    hub = None if no_hub else _start_hub(cfg, host, hub_port, gateway_url)
    # uvicorn re-raises SIGTERM after its shutdown: make that an exception so the hub is stopped too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        run_gateway(cfg, host, port)
    finally:
        if hub is not None:
            _stop_hub(hub)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    user: str
    token: str


def _demo_logins(cfg: Settings) -> list[DemoLogin]:
    """Fresh tokens for one enterprise developer and each staff role (every issue is audited)."""
    logins = [DemoLogin("企业开发者 enterprise developer (tourism 文旅)", "demo-dev", _demo_grant(cfg))]
    staff = (
        ("审核员 reviewer", "reviewer-li", "reviewer", None),
        ("审核员 reviewer", "reviewer-wang", "reviewer", None),
        ("审计员 auditor", "auditor-zhang", "auditor", None),
        ("供数部门 department D01", "dept-d01", "department", "D01"),
        ("大数据局管理员 bureau admin", "admin-wu", "admin", None),
    )
    for label, user, role, department in staff:
        token = issue_staff_token(cfg, user=user, role=role, department=department, days=7).token
        logins.append(DemoLogin(label, user, token))
    return logins


def _print_logins(cfg: Settings, logins: list[DemoLogin], hub_url: str, gateway_url: str, *, with_hub: bool) -> None:
    path = cfg.home / "demo-logins.txt"
    text = "".join(f"# {login.role}\nuser: {login.user}\ntoken: {login.token}\n\n" for login in logins)
    path.write_text(text)
    os.chmod(path, 0o600)
    if with_hub:
        out.print(f"\nJupyterHub: {hub_url}   网关 gateway: {gateway_url}")
        out.print("登录 log in: 用户名 user name = user below; 密码 password = its token (7 days).")
        out.print("Only the enterprise developer gets a notebook; everyone reaches the portal through the hub.")
    out.print(f"门户 portal: {gateway_url}/portal/  (登录 sign in with a token below · 中文/English)")
    for login in logins:
        out.print(f"\n{login.role}\n  user:  {login.user}\n  token: {login.token}")
    out.print(f"\n全部登录信息 all logins: {path}")
    out.print(
        f"试一试 try: SANDBOX_GATEWAY_URL={gateway_url} SANDBOX_TOKEN=<developer token>"
        " .venv/bin/python examples/tourism.py"
    )


def _hub_command() -> list[str]:
    repo = Path(__file__).resolve().parents[2]
    hub = shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) or shutil.which("jupyterhub")
    chp = repo / "node_modules" / ".bin" / "configurable-http-proxy"
    if hub is None or not (chp.exists() or shutil.which("configurable-http-proxy")):
        raise ConfigError(
            "JupyterHub or configurable-http-proxy is missing: run `make demo` (it installs the proxy with npm).",
            "缺少 JupyterHub 或 configurable-http-proxy：请运行 `make demo`（会用 npm 安装代理）。",
            code="config.hub_missing",
        )
    return [hub, "-f", str(repo / "hub_config" / "jupyterhub_config.py")]


def _start_hub(cfg: Settings, host: str, port: int, gateway_url: str) -> subprocess.Popen[bytes]:
    """JupyterHub in its own process group (proxy and notebooks included), the gateway as its service."""
    env = {
        **os.environ,
        "SANDBOX_HOME": str(cfg.home),
        "SANDBOX_HUB_HOST": host,
        "SANDBOX_HUB_PORT": str(port),
        "SANDBOX_GATEWAY_URL": gateway_url,
    }
    log = cfg.home / "hub" / "jupyterhub.log"
    log.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with log.open("ab") as sink:
        process = subprocess.Popen(
            _hub_command(), cwd=log.parent, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    err.print(f"JupyterHub: http://{host}:{port}  (log: {log})", highlight=False)
    return process


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _stop_hub(process: subprocess.Popen[bytes]) -> None:
    from sandbox.hub.process import stop_process_tree

    stop_process_tree(process)


def _shown(url: str) -> str:
    """A store location fit to print: URLs lose their password, file paths stay as they are."""
    return make_url(url).render_as_string(hide_password=True) if "://" in url else url


def _demo_grant(cfg: Settings) -> str:
    return issue_grant(cfg, user="demo-dev", enterprise="ent-demo", scenario="tourism", epsilon=3.0, days=7).token
