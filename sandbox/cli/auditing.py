"""`sandbox audit verify|checkpoint|events`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table

import audit
from sandbox.cli.app import cli, out, settings
from sandbox.services import audit as audit_service


@cli.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log · 审计日志."""


@audit_group.command("verify")
@click.option("--checkpoint", type=click.Path(path_type=Path), help="A checkpoint saved earlier, kept off-platform.")
def verify(checkpoint: Path | None) -> None:
    """Verify the log's hashes, Merkle tree and signed checkpoints · 校验审计日志 (exit 1 on any problem)."""
    report = audit_service.verify(settings(), checkpoint)
    for line in report.lines("zh") + report.lines("en"):
        out.print(line, highlight=False)
    if not report.ok:
        sys.exit(1)


@audit_group.command("checkpoint")
@click.option("--out", "path", required=True, type=click.Path(path_type=Path), help="File to write.")
def checkpoint(path: Path) -> None:
    """Seal the log now and export the signed checkpoint for an auditor or witness · 导出签名检查点."""
    text = audit_service.export_checkpoint(settings(), path)
    out.print(f"已导出 exported to {path}:\n{text}", highlight=False)


@audit_group.command("events")
@click.option("--actor")
@click.option("--enterprise")
@click.option("--dataset", help="schema.table")
@click.option("--type", "type_", help="e.g. query, grant.issue")
@click.option("--since", type=click.DateTime(), help="UTC, e.g. 2026-11-01")
@click.option("--until", type=click.DateTime(), help="UTC, exclusive")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
def events(
    actor: str | None,
    enterprise: str | None,
    dataset: str | None,
    type_: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> None:
    """Search events · 查询审计事件."""
    flt = audit.EventFilter(actor, enterprise, dataset, type_, _utc(since), _utc(until))
    found = audit_service.search(settings(), flt, limit)
    table = Table("seq", "time 时间 (UTC)", "event 事件", "outcome 结果", "actor 操作者", "target 对象")
    for item in found:
        e = item.event
        label = audit.EVENT_TYPES.get(e.type, (e.type, e.type))[1]
        table.add_row(str(item.seq), f"{item.ts:%Y-%m-%d %H:%M:%S}", f"{e.type} {label}", e.outcome, e.actor, e.target)
    out.print(table if found else "没有匹配的事件 no matching events")


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment else None
