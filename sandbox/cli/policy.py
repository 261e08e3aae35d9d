"""`sandbox policy check` and `sandbox policy register`."""

from __future__ import annotations

from sandbox.cli.app import cli, out, settings
from sandbox.services.catalog import check_policies, register_policies


@cli.group("policy")
def policy() -> None:
    """The catalogue in policies/ · 数据目录与分类分级策略."""


@policy.command("check")
def policy_check() -> None:
    """Validate policies/ against the schema, the rules, the registry and the warehouse · 校验策略."""
    cfg = settings()
    report = check_policies(cfg)
    against = "and the warehouse 及数据仓库" if report.warehouse_checked else "(no warehouse yet 尚无数据仓库)"
    out.print(f"通过 ok: {report.datasets} datasets, {report.columns} columns classified; checked {against}")


@policy.command("register")
def policy_register() -> None:
    """Record 首次/变更/注销 for changed entries in policies/registry.yaml · 登记变更."""
    changes = register_policies(settings())
    for change in changes:
        out.print(f"{change.record.type.value} {change.code} {change.dataset} v{change.record.version}")
    if not changes:
        out.print("无变更 nothing to register: every entry matches its latest registration")
