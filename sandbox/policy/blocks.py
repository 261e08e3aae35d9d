"""Query blocks: the outermost SELECTs of a query and the base tables each block reads directly."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from sandbox.policy.functions import is_aggregate
from sandbox.policy.tables import dataset_name


def root_blocks(root: Scope) -> list[Scope]:
    """The SELECTs whose rows are the query's result: the root, or every branch of a root set operation."""
    if isinstance(root.expression, exp.SetOperation):
        return [block for branch in root.set_operation_scopes for block in root_blocks(branch)]
    return [root]


def base_sources(scope: Scope) -> list[tuple[str, str]]:
    """(alias, "schema.table") of each base table in the scope's FROM and JOINs."""
    return [(alias, dataset_name(source)) for alias, source in scope.sources.items() if isinstance(source, exp.Table)]


def walk_block(node: exp.Expr) -> Iterator[exp.Expr]:
    """Nodes of ``node`` without descending into nested queries."""
    return node.walk(prune=lambda n: n is not node and isinstance(n, exp.Subquery | exp.Query))


def has_aggregate(node: exp.Expr) -> bool:
    return any(is_aggregate(n) for n in walk_block(node))


def group_keys(select: exp.Select) -> list[exp.Expr]:
    """The grouping expressions; for GROUP BY ALL, the projections without aggregates."""
    group = select.args.get("group")
    if not isinstance(group, exp.Group):
        return []
    if group.args.get("all"):
        return [s.unalias() for s in select.selects if not has_aggregate(s)]
    return list(group.expressions)
