"""Aggregate mode: the result holds only aggregates grouped by keys, computed by the outermost SELECT.

A shape the k-threshold rewrite can prove safe: every aggregate-mode table is read directly by an
outermost SELECT (the root, or a branch of a root UNION/INTERSECT/EXCEPT), that SELECT aggregates,
and each of its output columns is an aggregate or a grouping key. Row-level windows are refused there.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from sandbox.catalog.model import AccessMode
from sandbox.policy.blocks import base_sources, group_keys, has_aggregate, root_blocks, walk_block
from sandbox.policy.errors import shown, violation
from sandbox.policy.functions import is_aggregate
from sandbox.policy.rules.base import Rule, RuleContext


def check(tree: exp.Expr, rc: RuleContext) -> None:
    if rc.mode is not AccessMode.AGGREGATE:
        return
    analysis = rc.require_analysis()
    blocks = root_blocks(analysis.root)
    outermost = {id(b) for b in blocks}
    for scope in analysis.scopes:
        for _, dataset in base_sources(scope):
            if _is_aggregate_table(rc, dataset) and id(scope) not in outermost:
                raise _refuse(
                    f"Table {dataset} (aggregate mode) must be read directly by the outermost SELECT, "
                    "which aggregates it; move the aggregation out of the CTE or subquery.",
                    f"表 {dataset}（聚合模式）必须由最外层 SELECT 直接读取并聚合；请把聚合移出 CTE 或子查询。",
                    scope.expression,
                    dataset,
                )
    for block in blocks:
        sources = [(a, d) for a, d in base_sources(block) if _is_aggregate_table(rc, d)]
        if sources and isinstance(block.expression, exp.Select):
            _check_block(block.expression, sources[0][1])
            _check_correlation(analysis.scopes, block, {a: d for a, d in sources})


def _is_aggregate_table(rc: RuleContext, dataset: str) -> bool:
    table = rc.view.table(dataset)
    return table is not None and table.mode is AccessMode.AGGREGATE


def _check_block(select: exp.Select, dataset: str) -> None:
    for node in walk_block(select):
        if isinstance(node, exp.Window | exp.Qualify):
            raise _refuse(
                f"Window functions over rows of {dataset} (aggregate mode) are not allowed.",
                f"不允许对 {dataset}（聚合模式）的行使用窗口函数。",
                node,
                dataset,
            )
    keys = group_keys(select)
    if not keys and not any(has_aggregate(s) for s in select.selects):
        raise _refuse(
            f"Table {dataset} is in aggregate mode: the query must return aggregates (count, sum, avg …).",
            f"表 {dataset} 为聚合模式：查询必须返回聚合结果（count、sum、avg 等）。",
            select,
            dataset,
        )
    for projection in select.selects:
        column = _ungrouped_column(projection.unalias(), keys)
        if column is not None:
            output, name = shown(projection.alias_or_name), shown(column.name)
            raise violation(
                "aggregate_shape",
                f"Output column '{output}' of an aggregate-mode query must be an aggregate or a "
                f"GROUP BY key (column '{name}' is neither).",
                f"聚合模式查询的输出列“{output}”必须是聚合值或 GROUP BY 键（列“{name}”两者都不是）。",
                column,
                dataset=dataset,
                column=name,
            )


def _check_correlation(scopes: tuple[Scope, ...], block: Scope, aliases: dict[str, str]) -> None:
    """A nested query may read rows of an aggregate-mode table only to filter them (WHERE, JOIN ON):
    elsewhere (output, HAVING, ORDER BY) a correlated subquery would evaluate per row."""
    for scope in scopes:
        if scope is block or scope.parent is None:
            continue
        for column in scope.external_columns:
            if column.table in aliases and not _filters(scope.expression, block.expression):
                raise _refuse(
                    f"A subquery outside WHERE and JOIN ON may not read rows of {aliases[column.table]} "
                    "(aggregate mode).",
                    f"WHERE 与 JOIN ON 之外的子查询不得读取 {aliases[column.table]}（聚合模式）的行。",
                    column,
                    aliases[column.table],
                )


def _filters(node: exp.Expr, block: exp.Expr) -> bool:
    parent = node.parent
    while parent is not None and parent is not block:
        if isinstance(parent, exp.Where | exp.Join):
            return True
        parent = parent.parent
    return False


def _ungrouped_column(expression: exp.Expr, keys: list[exp.Expr]) -> exp.Column | None:
    """A column of ``expression`` outside every aggregate and every grouping key, if any."""
    if any(expression == key for key in keys):
        return None
    stack = [expression]
    while stack:
        node = stack.pop()
        if is_aggregate(node) or isinstance(node, exp.Filter) or any(node == key for key in keys):
            continue
        if isinstance(node, exp.Subquery | exp.Query):
            continue
        if isinstance(node, exp.Column):
            return node
        stack.extend(node.iter_expressions())
    return None


def _refuse(message: str, message_zh: str, node: exp.Expr, dataset: str) -> Exception:
    return violation("aggregate_shape", message, message_zh, node, dataset=dataset)


RULE = Rule("aggregate_shape", "qualified", check)
