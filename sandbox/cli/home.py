"""`sandbox init` and `sandbox up`."""

from __future__ import annotations

import click
from sqlalchemy.engine import make_url

from sandbox.cli.app import SCALES, cli, out, settings
from sandbox.cli.serve import HOST, PORT, run_gateway
from sandbox.grants.bootstrap import init_grants
from sandbox.grants.pseudonyms import ensure_pseudonym_secret
from sandbox.services import audit as audit_service
from sandbox.services import warehouse
from sandbox.services.catalog import check_policies
from sandbox.services.grants import issue_grant
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
@click.option("--no-serve", is_flag=True, help="Prepare everything but do not start the gateway.")
@HOST
@PORT
def up(scale: str, seed: int, no_serve: bool, host: str, port: int) -> None:
    """Everything for a local demo · 一键启动本地演示."""
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
    token = _demo_grant(cfg)
    url = f"http://{host}:{port}"
    out.print(f"\n演示开发者令牌 demo developer token (tourism, 7 days):\n{token}")
    out.print(f"\n试一试 try: SANDBOX_GATEWAY_URL={url} SANDBOX_TOKEN=<token> .venv/bin/python examples/tourism.py")
    if not no_serve:
        run_gateway(cfg, host, port)


def _shown(url: str) -> str:
    """A store location fit to print: URLs lose their password, file paths stay as they are."""
    return make_url(url).render_as_string(hide_password=True) if "://" in url else url


def _demo_grant(cfg: Settings) -> str:
    return issue_grant(cfg, user="demo-dev", enterprise="ent-demo", scenario="tourism", epsilon=3.0, days=7).token
