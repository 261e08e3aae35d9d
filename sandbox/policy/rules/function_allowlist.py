"""Functions come from the allowlist of the effective access mode; an unknown function is refused."""

from __future__ import annotations

from sqlglot import exp

from sandbox.policy.errors import violation
from sandbox.policy.functions import ALLOWED_FUNCTIONS, function_name
from sandbox.policy.nodes import ALLOWED_NODES
from sandbox.policy.rules.base import Rule, RuleContext

RESERVED = frozenset({"sandbox_hash"})
"""The engine-side pseudonymisation function: hashing a guessed ID literal would re-identify a pseudonym."""


def check(tree: exp.Expr, rc: RuleContext) -> None:
    allowed = ALLOWED_FUNCTIONS[rc.mode]
    for node in tree.find_all(exp.Func):
        if type(node) in ALLOWED_NODES or type(node) in allowed:
            continue
        name = function_name(node)
        if name in RESERVED:
            raise violation(
                "function_reserved",
                f"Function {name}() is applied by the gateway only and cannot be called in a query.",
                f"函数 {name}() 仅由网关使用，查询中不能调用。",
                node,
            )
        if isinstance(node, exp.Anonymous) or not any(type(node) in s for s in ALLOWED_FUNCTIONS.values()):
            raise violation(
                "unknown_function",
                f"Function {name}() is not on the gateway's function allowlist.",
                f"函数 {name}() 不在网关允许的函数列表中。",
                node,
            )
        raise violation(
            "function_not_allowed",
            f"Function {name}() is not allowed when the query reads {rc.mode.value}-mode tables.",
            f"查询涉及 {rc.mode.value} 模式的表时不允许使用函数 {name}()。",
            node,
        )


RULE = Rule("function_allowlist", "parsed", check)
