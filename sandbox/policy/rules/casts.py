"""Error oracles from casts: where rows are not visible, a cast that can fail on a data value is
rewritten to TRY_CAST (DuckDB) or refused (PostgreSQL has no total cast)."""

from __future__ import annotations

from sqlglot import exp

from sandbox.catalog.model import STRICTNESS, AccessMode
from sandbox.policy.dependence import depends_on_data
from sandbox.policy.errors import violation
from sandbox.policy.rules.base import Rule, RuleContext

TEXT_TYPES = frozenset({exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.CHAR})


def is_risky_cast(node: exp.Expr) -> bool:
    """A cast to a non-text type of a value that depends on the data."""
    if not isinstance(node, exp.Cast):
        return False
    target = node.to
    return not (isinstance(target, exp.DataType) and target.this in TEXT_TYPES) and depends_on_data(node.this)


def check(tree: exp.Expr, rc: RuleContext) -> None:
    if rc.policy.dialect != "postgres" or STRICTNESS.index(rc.mode) < STRICTNESS.index(AccessMode.AGGREGATE):
        return
    for node in tree.find_all(exp.Cast):
        if is_risky_cast(node):
            raise violation(
                "oracle",
                f"A cast of a column value to {node.to.sql('postgres')} can fail on some values, which "
                f"would reveal them; it is not allowed on {rc.mode.value}-mode tables in PostgreSQL.",
                f"把列值转换为 {node.to.sql('postgres')} 可能因取值不同而失败并泄露数据；"
                f"PostgreSQL 下 {rc.mode.value} 模式的表不允许此类转换。",
                node,
            )


RULE = Rule("casts", "qualified", check)
