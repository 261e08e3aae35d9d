"""`sandbox grant issue|list|revoke` and `sandbox token issue|verify`."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import click
from rich.table import Table

from sandbox.cli.app import cli, out, settings
from sandbox.grants.bootstrap import grant_service
from sandbox.grants.claims import SCENARIOS, STAFF_ROLES, GrantClaims
from sandbox.services import grants


def _split(values: str | None) -> list[str] | None:
    return [v.strip() for v in values.split(",") if v.strip()] if values else None


@cli.group("grant")
def grant() -> None:
    """Enterprise authorizations · 授权管理."""


@grant.command("issue")
@click.option("--user", required=True, help="Developer's login name (becomes the JupyterHub user).")
@click.option("--enterprise", required=True, help="Enterprise code, e.g. ent-kl-zhiyou.")
@click.option("--scenario", required=True, type=click.Choice(SCENARIOS), help="Authorized scenario.")
@click.option("--datasets", help="Comma-separated schema.table list; default: all of the scenario + common.")
@click.option("--epsilon", type=float, help="Differential-privacy budget ε for the term.")
@click.option("--days", type=int, help="Term in days (1–366).")
def grant_issue(
    user: str, enterprise: str, scenario: str, datasets: str | None, epsilon: float | None, days: int | None
) -> None:
    """Issue a signed authorization token · 签发授权令牌 (printed on stdout)."""
    issued = grants.issue_grant(
        settings(),
        user=user,
        enterprise=enterprise,
        scenario=scenario,
        datasets=_split(datasets),
        epsilon=epsilon,
        days=days,
    )
    click.echo(issued.token)
    _describe(issued.claims, err=True)


@grant.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked authorizations.")
def grant_list(include_revoked: bool) -> None:
    """List authorizations · 授权列表."""
    with grant_service(settings()) as service:
        records = [r for r in service.list_grants(include_revoked=include_revoked) if r.kind == "grant"]
    now = datetime.now(UTC)
    table = Table("jti", "user 用户", "enterprise 企业", "scenario 场景", "ε", "expires 到期", "status 状态")
    for r in records:
        table.add_row(
            r.jti, r.subject, r.enterprise or "", r.scenario or "", f"{r.epsilon:g}" if r.epsilon else "",
            f"{r.expires_at:%Y-%m-%d %H:%M}", r.status(now),
        )  # fmt: skip
    out.print(table if records else "没有授权 no authorizations")


@grant.command("revoke")
@click.argument("jti")
@click.option("--reason", help="Why (kept in the register).")
def grant_revoke(jti: str, reason: str | None) -> None:
    """Revoke an authorization at once · 撤销授权."""
    result = grants.revoke_grant(settings(), jti, by=getpass.getuser(), reason=reason)
    if result.already_revoked:
        out.print(f"{jti} 此前已撤销 was already revoked at {result.record.revoked_at:%Y-%m-%d %H:%M} UTC")
    else:
        out.print(f"{jti} 已撤销 revoked")


@cli.group("token")
def token() -> None:
    """Staff login tokens · 工作人员登录令牌."""


@token.command("issue")
@click.option("--user", required=True, help="Login name.")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLES), help="Staff role.")
@click.option("--department", help="Department code (required for --role department).")
@click.option("--days", type=int, help="Validity in days.")
def token_issue(user: str, role: str, department: str | None, days: int | None) -> None:
    """Issue a staff login token · 签发工作人员令牌 (demo and tests)."""
    issued = grants.issue_staff_token(settings(), user=user, role=role, department=department, days=days)
    click.echo(issued.token)


@token.command("verify")
@click.argument("token_text", metavar="TOKEN")
def token_verify(token_text: str) -> None:
    """Verify a token and show what it grants · 验证令牌."""
    with grant_service(settings()) as service:
        claims = service.verify(token_text.strip())
    if isinstance(claims, GrantClaims):
        _describe(claims, err=False)
    else:
        dept = f" department={claims.department}" if claims.department else ""
        out.print(
            f"有效 valid · staff {claims.sub} role={claims.role}{dept} expires {claims.expires_at:%Y-%m-%d %H:%M} UTC"
        )


def _describe(claims: GrantClaims, *, err: bool) -> None:
    click.echo(
        f"授权 grant {claims.jti}: {claims.sub}@{claims.enterprise} · {claims.scenario} · ε={claims.epsilon:g} · "
        f"expires {claims.expires_at:%Y-%m-%d %H:%M} UTC\n  datasets: {', '.join(claims.datasets)}",
        err=err,
    )
