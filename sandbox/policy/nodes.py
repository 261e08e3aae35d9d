"""Syntax-node allowlist: every node of an accepted query is one of these classes or an allowed function.

Anything else (PIVOT, COLUMNS(), lambdas, UNNEST, LATERAL, parameters, struct access, table samples,
DDL/DML and engine commands) is refused. Functions are judged separately, by the function allowlist.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.expressions.datatypes import DType

STATEMENT_ROOTS: tuple[type[exp.Expr], ...] = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values)

STRUCTURE: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Select,
        exp.Union,
        exp.Intersect,
        exp.Except,
        exp.Values,
        exp.With,
        exp.CTE,
        exp.Subquery,
        exp.From,
        exp.Join,
        exp.Table,
        exp.TableAlias,
        exp.Identifier,
        exp.Column,
        exp.Star,
        exp.Alias,
        exp.Where,
        exp.Group,
        exp.Having,
        exp.Qualify,
        exp.Order,
        exp.Ordered,
        exp.Limit,
        exp.Offset,
        exp.Distinct,
        exp.Window,
        exp.WindowSpec,
        exp.Tuple,
        exp.Paren,
        exp.Literal,
        exp.Boolean,
        exp.Null,
        exp.DataType,
        exp.DataTypeParam,
        exp.Var,
        exp.Interval,
        exp.Exists,
        exp.IgnoreNulls,
        exp.Filter,
        exp.RespectNulls,
    }
)
"""Query structure and atoms."""

OPERATORS: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.And,
        exp.Or,
        exp.Not,
        exp.Xor,
        exp.EQ,
        exp.NEQ,
        exp.NullSafeEQ,
        exp.NullSafeNEQ,
        exp.GT,
        exp.GTE,
        exp.LT,
        exp.LTE,
        exp.Is,
        exp.In,
        exp.Between,
        exp.Like,
        exp.ILike,
        exp.Add,
        exp.Sub,
        exp.Mul,
        exp.Div,
        exp.IntDiv,
        exp.Mod,
        exp.Neg,
        exp.DPipe,
        exp.Any,
        exp.All,
    }
)
"""Operators; they are sqlglot ``Func`` subclasses in part, but are judged here, not as functions."""

_T = DType
DATA_TYPES: frozenset[DType] = frozenset(
    {
        _T.VARCHAR,
        _T.TEXT,
        _T.CHAR,
        _T.TINYINT,
        _T.SMALLINT,
        _T.INT,
        _T.BIGINT,
        _T.FLOAT,
        _T.DOUBLE,
        _T.DECIMAL,
        _T.BOOLEAN,
        _T.DATE,
        _T.TIMESTAMP,
        _T.TIMESTAMPTZ,
        _T.TIMESTAMPNTZ,
        _T.INTERVAL,
    }
)
"""Types a query may name in a cast or literal (no regclass, JSON, structs, blobs, …)."""

TIME_UNITS = frozenset(
    {
        "CENTURY",
        "DECADE",
        "YEAR",
        "ISOYEAR",
        "QUARTER",
        "MONTH",
        "WEEK",
        "DAY",
        "DOW",
        "ISODOW",
        "DOY",
        "HOUR",
        "MINUTE",
        "SECOND",
        "MILLISECOND",
        "MICROSECOND",
        "EPOCH",
        "DAYOFWEEK",
        "DAYOFYEAR",
    }
)
"""The only words a ``Var`` node may hold: a Var is regenerated verbatim, so a Var made from a user's
identifier (e.g. a misparsed function argument) could otherwise reach the engine as a column name."""

ALLOWED_NODES: frozenset[type[exp.Expr]] = STRUCTURE | OPERATORS
