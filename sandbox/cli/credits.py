"""`sandbox credits meter|show|statement|verify` and `sandbox certificate issue|verify`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from sandbox.cli.app import cli, out, settings

# The credit service pulls in the query stack: imported inside each command so `sandbox --help` stays fast.


@cli.group("credits")
def credits_group() -> None:
    """Contribution credits of supplying departments · 贡献积分."""


@credits_group.command("meter")
def meter() -> None:
    """Catch metering up with the audit log · 从审计日志补记计量."""
    from sandbox.credits import operator
    from sandbox.credits.bootstrap import open_credit_api

    with open_credit_api(settings()) as api:
        stored, last = operator.meter(api)
    out.print(f"已计量 metered {stored} 条 records; 至审计序号 through audit seq {last}")


@credits_group.command("show")
@click.option("--department", help="Department code, e.g. D12; omit for the totals of every department.")
@click.option("--period", help="Month YYYY-MM (default: the current month).")
def show(department: str | None, period: str | None) -> None:
    """Credits and usage for a month · 查看月度贡献积分."""
    from datetime import UTC, datetime

    from sandbox.credits import operator
    from sandbox.credits.bootstrap import open_credit_api
    from sandbox.credits.periods import month_of

    with open_credit_api(settings()) as api:
        view = operator.show(api, department, period or month_of(datetime.now(UTC)))
    if not department:
        table = Table("department 部门", "credits 积分")
        for row in view["departments"]:
            table.add_row(f"{row['code']} {row['name_zh']}", row["credits"])
        out.print(table)
        out.print(f"合计 total {view['total']}")
        return
    table = Table("job 作业", "enterprise 企业", "dataset 数据集", "share π'", "credit 积分", "status 状态")
    for job in view["jobs"]:
        for s in job["sources"]:
            table.add_row(str(job["seq"]), job["enterprise"], s["dataset"], f"{s['adjusted_share']:.3f}", s["credit"],
                          job["status"] + (" self-use" if s["self_use"] else ""))  # fmt: skip
    out.print(table)
    out.print(f"合计 total {view['totals']['credits']} · 查询 queries {view['totals']['queries']}")


@credits_group.command("statement")
@click.option("--department", required=True)
@click.option("--period", required=True, help="A finished month YYYY-MM.")
@click.option("--out", "path", type=click.Path(path_type=Path), help="Write the signed statement here.")
def statement(department: str, period: str, path: Path | None) -> None:
    """Freeze, sign and chain a month's statement · 冻结并签署月度明细 (idempotent)."""
    from sandbox.credits import operator
    from sandbox.credits.bootstrap import open_credit_api

    with open_credit_api(settings()) as api:
        document, created = operator.freeze_statement(api, department, period)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if path:
        path.write_text(text, encoding="utf-8")
    else:
        click.echo(text)
    state = "已冻结 frozen" if created else "此前已冻结 already frozen"
    click.echo(f"{state}: {department} {period} #{document['body']['number']} {document['hash']}", err=True)


@credits_group.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def verify_statements(paths: tuple[Path, ...]) -> None:
    """Verify statements' signatures and their hash chain, oldest first · 校验月度明细及哈希链."""
    from sandbox.credits import operator

    bodies = operator.verify_statements(paths, settings().public_key_path)
    for body in bodies:
        out.print(f"有效 valid · {body['department']['code']} {body['period']} #{body['number']}")


@cli.group("certificate")
def certificate_group() -> None:
    """Data-element certificates · 数据要素凭证."""


@certificate_group.command("issue")
@click.option("--department", required=True)
@click.option("--dataset", required=True, help="schema.table")
@click.option("--period", required=True, help="Month YYYY-MM.")
@click.option("--out", "path", type=click.Path(path_type=Path), help="Write the JWS here (default: stdout).")
@click.option("--html", "html_path", type=click.Path(path_type=Path), help="Also write the printable page.")
def certificate_issue(department: str, dataset: str, period: str, path: Path | None, html_path: Path | None) -> None:
    """Issue a signed certificate (JWS) · 签发数据要素凭证."""
    from sandbox.credits import certificates, operator
    from sandbox.credits.bootstrap import open_credit_api

    with open_credit_api(settings()) as api:
        jws, payload = operator.issue_certificate(api, department, dataset, period)
    if path:
        path.write_text(jws + "\n", encoding="utf-8")
    else:
        click.echo(jws)
    if html_path:
        html_path.write_text(certificates.render_html(payload, jws), encoding="utf-8")
    click.echo(f"已签发 issued {payload['certificate_no']} · 积分 credits {payload['credits']['credits']}", err=True)


@certificate_group.command("verify")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--public-key", type=click.Path(exists=True, path_type=Path), help="Bureau public key PEM.")
def certificate_verify(path: Path, public_key: Path | None) -> None:
    """Verify a certificate's signature · 验证数据要素凭证 (exit 1 if it does not verify)."""
    from sandbox.credits import operator

    payload = operator.verify_certificate(path, public_key or settings().public_key_path)
    out.print(
        f"有效 valid · {payload['certificate_no']} · {payload['department']['code']} {payload['dataset']['name']} "
        f"· {payload['period']['name']} · 积分 credits {payload['credits']['credits']}"
    )
