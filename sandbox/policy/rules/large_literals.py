"""Overflow oracles: where rows are not visible, refuse integer literals beyond 32 bits.

``companions + 9223372036854775807`` overflows (an engine error) only when ``companions > 0``: a huge
constant is the usual lever of an overflow oracle. Products of columns remain possible; the executor's
uniform error and the audit log cover those (see the module docs of rules/casts.py).
"""

from __future__ import annotations

from sqlglot import exp

from sandbox.catalog.model import STRICTNESS, AccessMode
from sandbox.policy.errors import violation
from sandbox.policy.rules.base import Rule, RuleContext

LIMIT = 2**31 - 1


def check(tree: exp.Expr, rc: RuleContext) -> None:
    if STRICTNESS.index(rc.mode) < STRICTNESS.index(AccessMode.AGGREGATE):
        return
    for literal in tree.find_all(exp.Literal):
        if literal.is_string:
            continue
        try:
            value = abs(float(literal.name))
        except ValueError:
            continue
        if value > LIMIT:
            raise violation(
                "oracle",
                f"Numeric constants beyond ±{LIMIT} can make arithmetic overflow on some rows only, which "
                f"would reveal them; they are not allowed on {rc.mode.value}-mode tables.",
                f"超过 ±{LIMIT} 的数值常量可能只在部分行上导致溢出并泄露数据；{rc.mode.value} 模式的表不允许使用。",
                literal,
            )


RULE = Rule("large_literals", "parsed", check)
