"""Every base column a query reads, in any clause, is visible to the grant (defence in depth).

Qualification against the visible schema already makes a hidden column unresolvable; this re-checks
the lineage of every column reference so no later change to qualification can let one through.
"""

from __future__ import annotations

from sqlglot import exp

from sandbox.policy.errors import violation
from sandbox.policy.rules.base import Rule, RuleContext, split_column


def check(tree: exp.Expr, rc: RuleContext) -> None:
    for qualified in sorted(rc.require_analysis().touched):
        dataset, column = split_column(qualified)
        table = rc.view.table(dataset)
        if table is None or all(c.name != column for c in table.visible):
            raise violation(
                "column_denied",
                f"Column '{column}' of table {dataset} is not available to this grant.",
                f"表 {dataset} 的列“{column}”对本授权不可用。",
                dataset=dataset,
                column=column,
            )


RULE = Rule("column_denied", "qualified", check)
