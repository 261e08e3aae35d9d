"""Base-table substitution: each table reference becomes its policy view, under the same alias.

A view projects the visible columns with their handling and omits denied ones; an aggregate-mode view
also carries the raw privacy unit as ``__sandbox_unit`` for the k threshold (the user's query was
qualified before the view existed, so it cannot name that column).
"""

from __future__ import annotations

import functools

from sqlglot import exp

from sandbox.catalog.model import AccessMode
from sandbox.policy.context import Dialect
from sandbox.policy.errors import PolicyViolation
from sandbox.policy.grantview import UNIT_COLUMN, GrantedTable
from sandbox.policy.rewrite.handling import column_expression
from sandbox.policy.rewrite.row_filters import row_filter


@functools.lru_cache(maxsize=1024)
def policy_view(table: GrantedTable, dialect: Dialect, predicate: str | None) -> exp.Select:
    """The view's SELECT (cached; callers copy it)."""
    projections: list[exp.Expr] = [
        exp.alias_(column_expression(c, dialect), c.name, quoted=True) for c in table.visible
    ]
    if table.mode in (AccessMode.AGGREGATE, AccessMode.DP):
        unit = table.dataset.privacy_unit
        if unit is None or table.column(unit) is None:
            raise PolicyViolation(
                "privacy_unit",
                f"Table {table.name} declares no privacy unit, so groups cannot be thresholded.",
                f"表 {table.name} 未声明隐私单元，无法对分组设置阈值。",
                dataset=table.name,
            )
        projections.append(exp.alias_(exp.column(unit, quoted=True), UNIT_COLUMN, quoted=True))
    source = exp.Table(
        this=exp.to_identifier(table.dataset.table, quoted=True),
        db=exp.to_identifier(table.dataset.schema, quoted=True),
    )
    select = exp.select(*projections).from_(source)
    if predicate is not None:
        select = select.where(row_filter(table.dataset, predicate, dialect).copy())
    return select


def substitute(tables: list[tuple[exp.Table, GrantedTable]], dialect: Dialect, filters: dict[str, str]) -> None:
    """Replace each qualified base-table node, in place, by its view aliased as the table was."""
    for node, table in tables:
        alias = node.alias or table.dataset.table
        view = policy_view(table, dialect, filters.get(table.name)).copy()
        node.replace(exp.Subquery(this=view, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True))))
