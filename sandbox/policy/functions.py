"""Function allowlists per access mode, as data.

A function is known by its sqlglot class. Functions sqlglot does not know (``exp.Anonymous``, e.g.
``query()``, ``pg_read_file``, ``sandbox_hash``, ``duckdb_tables()``) are refused in every mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sqlglot import exp

from sandbox.catalog.model import AccessMode

TOTAL_SCALARS: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Abs,
        exp.Case,
        exp.If,
        exp.Coalesce,
        exp.Nullif,
        exp.Greatest,
        exp.Least,
        exp.Round,
        exp.Floor,
        exp.Ceil,
        exp.Sign,
        exp.Lower,
        exp.Upper,
        exp.Length,
        exp.Substring,
        exp.Trim,
        exp.Concat,
        exp.ConcatWs,
        exp.Replace,
        exp.Left,
        exp.Right,
        exp.StrPosition,
        exp.StartsWith,
        exp.Year,
        exp.Quarter,
        exp.Month,
        exp.Week,
        exp.Day,
        exp.DayOfWeek,
        exp.DayOfMonth,
        exp.DayOfYear,
        exp.Hour,
        exp.Minute,
        exp.Extract,
        exp.DateTrunc,
        exp.TimestampTrunc,
        exp.DateDiff,
        exp.TimestampDiff,
        exp.DateAdd,
        exp.DateSub,
        exp.CurrentDate,
        exp.CurrentTimestamp,
        exp.TimeToStr,
        exp.ToChar,
        exp.Cast,
        exp.TryCast,
    }
)
"""Scalars that cannot fail on a data value and whose cost does not depend on it."""

PARTIAL_SCALARS: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Sqrt,
        exp.Ln,
        exp.Log,
        exp.Exp,
        exp.Pow,
        exp.StrToTime,
        exp.StrToDate,
        exp.RegexpLike,
        exp.RegexpExtract,
        exp.RegexpReplace,
    }
)
"""Scalars that may raise on some values or cost more on some (regex backtracking): error and
timing oracles, so only where rows are visible anyway (open, masked)."""

SAFE_AGGREGATES: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Count,
        exp.CountIf,
        exp.Sum,
        exp.Avg,
        exp.Stddev,
        exp.StddevPop,
        exp.StddevSamp,
        exp.Variance,
        exp.VariancePop,
        exp.Corr,
    }
)
"""Aggregates whose result is a statistic, not one of the input values."""

RAW_VALUE_AGGREGATES: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Min,
        exp.Max,
        exp.AnyValue,
        exp.ArgMax,
        exp.ArgMin,
        exp.GroupConcat,
        exp.ArrayAgg,
        exp.First,
        exp.Last,
        exp.Mode,
        exp.Median,
        exp.PercentileCont,
        exp.PercentileDisc,
        exp.Quantile,
        exp.ApproxQuantile,
        exp.ApproxTopK,
        exp.LogicalAnd,
        exp.LogicalOr,
    }
)
"""Aggregates that return (or can return) one input value verbatim."""

WINDOW_FUNCTIONS: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.RowNumber,
        exp.Rank,
        exp.DenseRank,
        exp.Ntile,
        exp.PercentRank,
        exp.CumeDist,
        exp.Lag,
        exp.Lead,
        exp.FirstValue,
        exp.LastValue,
        exp.NthValue,
    }
)

_ROWS_VISIBLE = TOTAL_SCALARS | PARTIAL_SCALARS | SAFE_AGGREGATES | RAW_VALUE_AGGREGATES | WINDOW_FUNCTIONS
_DP_AGGREGATES: frozenset[type[exp.Expr]] = SAFE_AGGREGATES - {exp.CountIf, exp.Corr}
_AGGREGATE = TOTAL_SCALARS | SAFE_AGGREGATES | RAW_VALUE_AGGREGATES

ALLOWED_FUNCTIONS: Mapping[AccessMode, frozenset[type[exp.Expr]]] = MappingProxyType(
    {
        AccessMode.OPEN: _ROWS_VISIBLE,
        AccessMode.MASKED: _ROWS_VISIBLE,
        AccessMode.AGGREGATE: _AGGREGATE,
        AccessMode.DP: TOTAL_SCALARS | _DP_AGGREGATES,
        AccessMode.DENY: frozenset(),
    }
)
"""Raw-value aggregates are allowed in aggregate mode only on non-personal (N) columns: a rule checks."""


def function_name(node: exp.Expr) -> str:
    """The name a user would recognise, for messages (the typed name or the anonymous one)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return type(node).__name__.lower()


def is_aggregate(node: exp.Expr) -> bool:
    """An aggregate call (window functions, which sqlglot also types as aggregates, excluded)."""
    return (
        isinstance(node, exp.AggFunc) and type(node) not in WINDOW_FUNCTIONS and not isinstance(node.parent, exp.Window)
    )
