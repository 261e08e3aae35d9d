"""Whether an expression's value depends on the data (a column, an aggregate or a nested query)."""

from __future__ import annotations

from sqlglot import exp


def depends_on_data(node: exp.Expr) -> bool:
    """True unless ``node`` is built from literals only: ``count(*)`` depends on the data too."""
    return any(isinstance(n, exp.Column | exp.Query | exp.AggFunc | exp.Star) for n in node.walk())
