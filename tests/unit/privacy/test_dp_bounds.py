"""Interval arithmetic for aggregate arguments: provable bounds or a refusal, never a guess."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from sandbox.policy.dp.bounds import NoBounds, interval, within_cap

BOUNDS = {"a": (0.0, 10.0), "b": (-2.0, 3.0)}


def bounds_of(sql: str) -> tuple[float, float]:
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    return interval(tree, lambda c: BOUNDS.get(c.name))


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("a", (0.0, 10.0)),
        ("-b", (-3.0, 2.0)),
        ("a + b", (-2.0, 13.0)),
        ("a - b", (-3.0, 12.0)),
        ("a * b", (-20.0, 30.0)),
        ("(a + 1) * 2", (2.0, 22.0)),
        ("a / 4", (0.0, 2.5)),
        ("a / -2", (-5.0, 0.0)),
        ("abs(b)", (0.0, 3.0)),
        ("CASE WHEN b > 0 THEN a ELSE 100 END", (0.0, 100.0)),
        ("CASE WHEN x = 'secret' THEN 1 END", (1.0, 1.0)),
        ("coalesce(a, -5)", (-5.0, 10.0)),
        ("CAST(a AS DOUBLE)", (0.0, 10.0)),
        ("nullif(a, 3)", (0.0, 10.0)),
        ("greatest(a, b)", (-2.0, 10.0)),
    ],
)
def test_bounds_are_proven_by_interval_arithmetic(sql: str, expected: tuple[float, float]) -> None:
    assert bounds_of(sql) == expected


@pytest.mark.parametrize(
    "sql", ["x", "a / b", "length(x)", "a / (1 - 1)", "CAST(x AS VARCHAR)", "'text'", "CASE WHEN a > 1 THEN NULL END"]
)
def test_what_cannot_be_bounded_is_refused(sql: str) -> None:
    with pytest.raises(NoBounds) as caught:
        bounds_of(sql)
    assert isinstance(caught.value.node, exp.Expr)


def test_the_magnitude_cap_refuses_amplification() -> None:
    assert within_cap(bounds_of("a * 100000000"))
    assert not within_cap(bounds_of("a * 1000000000"))
