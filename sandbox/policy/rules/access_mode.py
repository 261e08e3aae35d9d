"""``deny`` tables are never read (``dp`` tables are planned by sandbox.policy.dp)."""

from __future__ import annotations

from sqlglot import exp

from sandbox.catalog.model import AccessMode
from sandbox.policy.errors import violation
from sandbox.policy.rules.base import Rule, RuleContext
from sandbox.policy.tables import dataset_name


def check(tree: exp.Expr, rc: RuleContext) -> None:
    for table in rc.tables:
        granted = rc.view.table(dataset_name(table))
        if granted is None:
            continue
        if granted.mode is AccessMode.DENY:
            raise violation(
                "table_denied",
                f"Table {granted.name} may not be queried (access mode: deny).",
                f"表 {granted.name} 不允许查询（访问模式：禁止）。",
                table,
                dataset=granted.name,
            )


RULE = Rule("access_mode", "parsed", check)
