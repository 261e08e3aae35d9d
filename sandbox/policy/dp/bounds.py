"""Bounds of an aggregate's argument by interval arithmetic over the catalogue's column bounds.

An argument is a numeric column with declared bounds, a numeric literal, or a combination of those by
unary minus, +, −, ×, ÷ by a non-zero literal, CASE/IF/COALESCE/NULLIF branches, ABS, LEAST/GREATEST
and numeric casts. Anything else has no provable bounds and is refused, so one person cannot be
amplified beyond what the noise is calibrated to (``SUM(CASE WHEN id = … THEN 1e12 END)`` gets bounds
that include 1e12, which the magnitude cap then refuses).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

Interval = tuple[float, float]
MAX_MAGNITUDE = 1e9  # modest bounds: float attacks on Laplace noise need huge ranges (Mironov 2012)


class NoBounds(Exception):
    """The expression's range cannot be proven; ``node`` is the part that failed."""

    def __init__(self, node: exp.Expr) -> None:
        super().__init__("no bounds")
        self.node = node


ColumnBounds = Callable[[exp.Column], Interval | None]


def interval(node: exp.Expr, column_bounds: ColumnBounds) -> Interval:
    """The smallest interval this module can prove holds every non-NULL value of ``node``."""
    if isinstance(node, exp.Paren):
        return interval(node.this, column_bounds)
    if isinstance(node, exp.Column):
        found = column_bounds(node)
        if found is None:
            raise NoBounds(node)
        return found
    if isinstance(node, exp.Literal) and not node.is_string:
        value = float(node.this)
        return value, value
    if isinstance(node, exp.Neg):
        lo, hi = interval(node.this, column_bounds)
        return -hi, -lo
    if isinstance(node, exp.Cast | exp.TryCast) and node.to.is_type(*exp.DataType.NUMERIC_TYPES):
        return interval(node.this, column_bounds)
    if isinstance(node, exp.Abs):
        lo, hi = interval(node.this, column_bounds)
        return (0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))), max(abs(lo), abs(hi))
    if isinstance(node, exp.Add | exp.Sub | exp.Mul):
        return _binary(node, column_bounds)
    if isinstance(node, exp.Div):
        return _divide(node, column_bounds)
    branches = _branches(node)
    if branches is not None:
        hulls = [interval(b, column_bounds) for b in branches if not isinstance(b, exp.Null)]
        if not hulls:
            raise NoBounds(node)
        return min(h[0] for h in hulls), max(h[1] for h in hulls)
    raise NoBounds(node)


def _binary(node: exp.Add | exp.Sub | exp.Mul, column_bounds: ColumnBounds) -> Interval:
    a, b = interval(node.this, column_bounds), interval(node.expression, column_bounds)
    if isinstance(node, exp.Add):
        return a[0] + b[0], a[1] + b[1]
    if isinstance(node, exp.Sub):
        return a[0] - b[1], a[1] - b[0]
    products = [x * y for x in a for y in b]
    return min(products), max(products)


def _divide(node: exp.Div, column_bounds: ColumnBounds) -> Interval:
    """Division by a non-zero constant only (a literal, possibly negated or in parentheses)."""
    try:
        low, high = interval(node.expression, lambda _: None)  # no column may appear in the divisor
    except NoBounds:
        raise NoBounds(node.expression) from None
    if low != high or low == 0:
        raise NoBounds(node.expression)
    lo, hi = interval(node.this, column_bounds)
    return min(lo / low, hi / low), max(lo / low, hi / low)


def _branches(node: exp.Expr) -> list[exp.Expr] | None:
    """The value branches of a conditional (their conditions only filter, they never become the value)."""
    if isinstance(node, exp.Case):
        default = node.args.get("default")
        return [i.args["true"] for i in node.args.get("ifs", [])] + ([default] if default is not None else [])
    if isinstance(node, exp.If):
        false = node.args.get("false")
        return [node.args["true"]] + ([false] if false is not None else [])
    if isinstance(node, exp.Coalesce | exp.Greatest | exp.Least):
        return [node.this, *node.expressions]
    if isinstance(node, exp.Nullif):
        return [node.this]
    return None


def within_cap(bounds: Interval) -> bool:
    return max(abs(bounds[0]), abs(bounds[1])) <= MAX_MAGNITUDE
