"""Masked mode: at most ``cap`` rows per query (a larger or non-literal LIMIT is clamped)."""

from __future__ import annotations

from sqlglot import exp


def apply_row_cap(tree: exp.Expr, cap: int) -> bool:
    """Clamp the root LIMIT in place; True when the cap changed the query."""
    if not isinstance(tree, exp.Select | exp.SetOperation):
        return False
    limit = tree.args.get("limit")
    current = limit.expression if isinstance(limit, exp.Limit) else None
    if isinstance(current, exp.Literal) and current.is_int and int(current.name) <= cap:
        return False
    tree.set("limit", exp.Limit(expression=exp.Literal.number(cap)))
    return True
