"""The policy rules, one per module, run in this order by the pipeline.

``parsed`` rules see the parsed tree (structure, tables, functions) and run before qualification, so a
table function or an ungranted table is refused for what it is rather than as an unknown column;
``qualified`` rules see the qualified tree and its lineage.
"""

from __future__ import annotations

from sandbox.policy.rules import (
    access_mode,
    aggregate_shape,
    casts,
    column_scope,
    costly_functions,
    function_allowlist,
    group_keys,
    large_literals,
    node_allowlist,
    raw_value_aggregates,
    statement,
    table_scope,
)
from sandbox.policy.rules.base import Rule, RuleCheck, RuleContext

RULES: tuple[Rule, ...] = (
    statement.RULE,
    node_allowlist.RULE,
    table_scope.RULE,
    access_mode.RULE,
    costly_functions.RULE,
    large_literals.RULE,
    function_allowlist.RULE,
    column_scope.RULE,
    aggregate_shape.RULE,
    group_keys.RULE,
    raw_value_aggregates.RULE,
    casts.RULE,
)

__all__ = ["RULES", "Rule", "RuleCheck", "RuleContext"]
