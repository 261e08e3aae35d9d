"""Total expressions where rows are not visible: no data value may make the query fail.

DuckDB: a cast of column data to a non-text type becomes TRY_CAST (NULL instead of an error).
Both engines: a data-dependent divisor becomes NULLIF(divisor, 0) (PostgreSQL raises on zero).
PostgreSQL risky casts are refused earlier by the ``casts`` rule.
"""

from __future__ import annotations

from sqlglot import exp

from sandbox.policy.context import Dialect
from sandbox.policy.dependence import depends_on_data
from sandbox.policy.rules.casts import is_risky_cast

_DIVISIONS = (exp.Div, exp.IntDiv, exp.Mod)


def make_total(tree: exp.Expr, dialect: Dialect) -> int:
    """Rewrite in place; returns how many expressions were changed."""
    changed = 0
    for node in list(tree.walk()):
        if dialect == "duckdb" and is_risky_cast(node) and not isinstance(node, exp.TryCast):
            assert isinstance(node, exp.Cast)
            node.replace(exp.TryCast(this=node.this, to=node.to))
            changed += 1
        elif isinstance(node, _DIVISIONS) and depends_on_data(node.expression):
            divisor = node.expression
            node.set("expression", exp.Nullif(this=divisor.copy(), expression=exp.Literal.number(0)))
            changed += 1
    return changed
