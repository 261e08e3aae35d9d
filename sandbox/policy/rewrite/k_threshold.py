"""Aggregate mode: every output group holds at least k distinct privacy units.

For each outermost SELECT that reads aggregate-mode tables, one condition per such table reference
is AND-ed into HAVING (which also applies when there is no GROUP BY: the single group then vanishes):

    HAVING ... AND COUNT(DISTINCT "<alias>"."__sandbox_unit") >= <k>
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from sandbox.policy.grantview import UNIT_COLUMN


@dataclass(frozen=True)
class Threshold:
    select: exp.Select  # an outermost SELECT of the qualified tree
    alias: str  # the aggregate-mode table's alias in that SELECT
    k: int


def threshold_condition(alias: str, k: int) -> exp.Expr:
    unit = exp.column(UNIT_COLUMN, table=alias, quoted=True)
    count = exp.Count(this=exp.Distinct(expressions=[unit]))
    return exp.GTE(this=count, expression=exp.Literal.number(k))


def apply_thresholds(thresholds: list[Threshold]) -> None:
    for threshold in thresholds:
        condition = threshold_condition(threshold.alias, threshold.k)
        having = threshold.select.args.get("having")
        if isinstance(having, exp.Having):
            condition = exp.and_(exp.paren(having.this, copy=False), condition)
        threshold.select.set("having", exp.Having(this=condition))
