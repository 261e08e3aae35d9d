"""Aggregate mode: aggregates that return an input value verbatim (min, max, string_agg, mode, …)
are refused on personal columns (roles I, Q, S)."""

from __future__ import annotations

from sqlglot import exp

from sandbox.catalog.model import AccessMode, Role
from sandbox.policy.errors import violation
from sandbox.policy.functions import RAW_VALUE_AGGREGATES, function_name
from sandbox.policy.rules.base import Rule, RuleContext, split_column

_PERSONAL = frozenset({Role.IDENTIFIER, Role.QUASI, Role.SENSITIVE})


def check(tree: exp.Expr, rc: RuleContext) -> None:
    if rc.mode is not AccessMode.AGGREGATE:
        return
    analysis = rc.require_analysis()
    for node in tree.walk():
        if type(node) not in RAW_VALUE_AGGREGATES:
            continue
        found = rc.with_role(analysis.lineage(node), _PERSONAL)
        if found:
            dataset, column = split_column(found[0])
            name = function_name(node)
            raise violation(
                "raw_value_aggregate",
                f"Aggregate {name}() would release a value of personal column '{column}' of table "
                f"{dataset}; use count, sum or avg.",
                f"聚合函数 {name}() 会泄露表 {dataset} 个人信息列“{column}”的原始取值；请改用 count、sum 或 avg。",
                node,
                dataset=dataset,
                column=column,
            )


RULE = Rule("raw_value_aggregate", "qualified", check)
