"""Row filters: an operator-supplied predicate per dataset, parsed and checked like a query."""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
from sqlglot.optimizer.qualify_columns import quote_identifiers

from sandbox.catalog.model import Dataset
from sandbox.policy.context import Dialect
from sandbox.policy.errors import PolicyViolation
from sandbox.policy.functions import TOTAL_SCALARS
from sandbox.policy.nodes import OPERATORS

_ATOMS: frozenset[type[exp.Expr]] = frozenset(
    {exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Tuple}
    | {exp.DataType, exp.DataTypeParam, exp.Var, exp.Interval}
)
_ALLOWED = _ATOMS | OPERATORS | TOTAL_SCALARS


@functools.lru_cache(maxsize=256)
def row_filter(dataset: Dataset, predicate: str, dialect: Dialect) -> exp.Expr:
    """The parsed predicate; refuses anything but total scalar logic over the dataset's own columns."""
    try:
        tree = normalize_identifiers(sqlglot.parse_one(predicate, read=dialect), dialect=dialect)
    except SqlglotError:
        raise _invalid(dataset, "it is not a valid SQL expression") from None
    names = {c.name for c in dataset.columns}
    for node in tree.walk():
        if type(node) not in _ALLOWED or isinstance(node, exp.Query | exp.Exists):
            raise _invalid(dataset, f"{type(node).__name__.upper()} is not allowed in a row filter")
        if isinstance(node, exp.Column) and (node.table or node.name not in names):
            raise _invalid(dataset, f"column '{node.name}' is not a column of the table")
    return quote_identifiers(tree, dialect=dialect)


def _invalid(dataset: Dataset, reason: str) -> PolicyViolation:
    return PolicyViolation(
        "row_filter",
        f"The row filter configured for table {dataset.name} is invalid: {reason}.",
        f"为表 {dataset.name} 配置的行过滤条件无效：{reason}。",
        dataset=dataset.name,
    )
