"""Only a query: SELECT (with WITH), UNION / INTERSECT / EXCEPT, or VALUES; never a command."""

from __future__ import annotations

from sqlglot import exp

from sandbox.policy.errors import violation
from sandbox.policy.nodes import STATEMENT_ROOTS
from sandbox.policy.rules.base import Rule, RuleContext


def check(tree: exp.Expr, rc: RuleContext) -> None:
    if not isinstance(tree, STATEMENT_ROOTS):
        raise violation(
            "statement",
            "Only SELECT queries (with WITH, UNION, INTERSECT, EXCEPT or VALUES) are allowed.",
            "只允许 SELECT 查询（可含 WITH、UNION、INTERSECT、EXCEPT 或 VALUES）。",
            tree,
        )


RULE = Rule("statement", "parsed", check)
