"""Timing oracles: where rows are not visible, refuse functions whose cost depends on a data value.

``length(repeat(name, 30000000))`` under a condition on one person turns run time into a bit of their
data. Checked by name as well as by class, so the refusal holds whatever sqlglot parses the call into.
"""

from __future__ import annotations

from sqlglot import exp

from sandbox.catalog.model import STRICTNESS, AccessMode
from sandbox.policy.errors import violation
from sandbox.policy.functions import PARTIAL_SCALARS, function_name
from sandbox.policy.rules.base import Rule, RuleContext

COSTLY_NAMES = frozenset(
    {
        "repeat",
        "lpad",
        "rpad",
        "pad",
        "space",
        "sleep",
        "sleep_ms",
        "pg_sleep",
        "pg_sleep_for",
        "pg_sleep_until",
        "generate_series",
        "range",
        "unnest",
        "string_split",
        "regexp_split_to_table",
        "regexp_split_to_array",
    }
)
_COSTLY_CLASSES: tuple[type[exp.Expr], ...] = (exp.Repeat, exp.Pad, exp.GenerateSeries, exp.Unnest)


def check(tree: exp.Expr, rc: RuleContext) -> None:
    if STRICTNESS.index(rc.mode) < STRICTNESS.index(AccessMode.AGGREGATE):
        return
    for node in tree.find_all(exp.Func):
        costly = isinstance(node, _COSTLY_CLASSES) or function_name(node) in COSTLY_NAMES
        if costly or type(node) in PARTIAL_SCALARS:
            name = function_name(node)
            raise violation(
                "oracle",
                f"Function {name}() may fail or run longer depending on a data value, which would "
                f"reveal it; it is not allowed on {rc.mode.value}-mode tables.",
                f"函数 {name}() 可能因数据取值不同而报错或耗时不同，从而泄露数据；{rc.mode.value} 模式的表不允许使用。",
                node,
            )


RULE = Rule("costly_functions", "parsed", check)
