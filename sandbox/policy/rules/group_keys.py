"""Aggregate mode: never group on a direct identifier (one group per person singles them out)."""

from __future__ import annotations

from sqlglot import exp

from sandbox.catalog.model import AccessMode, Role
from sandbox.policy.blocks import group_keys, root_blocks
from sandbox.policy.errors import violation
from sandbox.policy.rules.base import Rule, RuleContext, split_column

_IDENTIFIERS = frozenset({Role.IDENTIFIER})


def check(tree: exp.Expr, rc: RuleContext) -> None:
    if rc.mode is not AccessMode.AGGREGATE:
        return
    analysis = rc.require_analysis()
    for block in root_blocks(analysis.root):
        if not isinstance(block.expression, exp.Select):
            continue
        for key in group_keys(block.expression):
            found = rc.with_role(analysis.lineage(key), _IDENTIFIERS)
            if found:
                dataset, column = split_column(found[0])
                raise violation(
                    "group_by_identifier",
                    f"Grouping on direct identifier '{column}' of table {dataset} is not allowed.",
                    f"不允许按表 {dataset} 的直接标识符“{column}”分组。",
                    key,
                    dataset=dataset,
                    column=column,
                )


RULE = Rule("group_by_identifier", "qualified", check)
