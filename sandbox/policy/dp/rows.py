"""Row-level input for DP model training: the rows never leave the gateway, only a DP model fitted on them.

Accepted: one SELECT over one dp table (optionally joined to open tables, as for aggregates) whose outputs
are plain columns: numeric columns with catalogue bounds (clamped in SQL) or categorical columns that are
not direct identifiers. Each privacy unit keeps one row (chosen by hash), so record-level DP of the
diffprivlib estimators is person-level DP.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from sandbox.catalog.model import AccessMode, Role, is_numeric
from sandbox.policy.blocks import walk_block
from sandbox.policy.context import Dialect
from sandbox.policy.dp.rewrite import BOUNDED, ROW_NUMBER, ROWS, UNIT, _clamped, _hash, _q
from sandbox.policy.dp.shape import _check_clauses, _check_joins, _tables, refuse
from sandbox.policy.errors import shown
from sandbox.policy.functions import is_aggregate
from sandbox.policy.grantview import UNIT_COLUMN
from sandbox.policy.lineage import Analysis
from sandbox.policy.rules.base import RuleContext


@dataclass(frozen=True)
class RowColumn:
    name: str
    bounds: tuple[float, float] | None  # None: a categorical column (label only)


@dataclass(frozen=True)
class RowsSpec:
    columns: tuple[RowColumn, ...]
    datasets: tuple[str, ...]


def plan_rows(tree: exp.Expr, analysis: Analysis, rc: RuleContext, dialect: Dialect) -> tuple[exp.Select, RowsSpec]:
    """Check the shape; returns the SELECT (to be substituted) and what each column is."""
    if not isinstance(tree, exp.Select) or len(analysis.scopes) != 1:
        raise refuse(
            "Training data must come from one SELECT of columns without CTEs, subqueries or set operations.",
            "训练数据必须来自单个按列选择的 SELECT，不能包含 CTE、子查询或集合运算。",
            tree,
        )
    _check_clauses(tree)
    if tree.args.get("group") or tree.args.get("order") or any(is_aggregate(n) for n in walk_block(tree)):
        raise refuse(
            "Training data must be plain columns (no GROUP BY, ORDER BY or aggregates).",
            "训练数据必须是普通列（不能有 GROUP BY、ORDER BY 或聚合）。",
            tree,
        )
    tables = _tables(analysis, rc)
    dp_tables = {alias: t for alias, t in tables.items() if t.mode is AccessMode.DP}
    _check_joins(tree, analysis, dp_tables, tables)
    columns = []
    for projection in tree.selects:
        inner = projection.unalias()
        name = shown(projection.alias_or_name)
        lineage = analysis.lineage(inner)
        hit = rc.base_column(next(iter(lineage))) if isinstance(inner, exp.Column) and len(lineage) == 1 else None
        if hit is None:
            raise refuse(
                f"Training column '{name}' must be a plain column of a granted table.",
                f"训练列“{name}”必须是已授权表的普通列。",
                inner,
                column=name,
            )
        table, column = hit
        if column.role is Role.IDENTIFIER or column.name == table.dataset.privacy_unit:
            raise refuse(
                f"Direct identifier '{column.name}' of table {table.name} cannot be used for training.",
                f"表 {table.name} 的直接标识符“{column.name}”不能用于训练。",
                inner,
                dataset=table.name,
                column=column.name,
            )
        bounded = column.bounds is not None and is_numeric(column.type)
        bounds = (float(column.bounds.lower), float(column.bounds.upper)) if column.bounds and bounded else None
        columns.append(RowColumn(projection.alias_or_name, bounds))
    datasets = tuple(sorted({t.name for t in dp_tables.values()}))
    return tree, RowsSpec(tuple(columns), datasets)


def rows_sql(select: exp.Select, spec: RowsSpec, unit_alias: str, dialect: Dialect) -> str:
    names = [f"__dp_x{i}" for i in range(len(spec.columns))]
    projections: list[exp.Expr] = [
        exp.alias_(exp.column(UNIT_COLUMN, table=unit_alias, quoted=True), UNIT, quoted=True)
    ]
    for projection, column, name in zip(select.selects, spec.columns, names, strict=True):
        value = projection.unalias().copy()
        projections.append(
            exp.alias_(_clamped(value, column.bounds, dialect) if column.bounds else value, name, quoted=True)
        )
    rows = exp.select(*projections)
    for arg in ("from_", "joins", "where"):
        part = select.args.get(arg)
        if part is not None:
            rows.set(arg, [j.copy() for j in part] if isinstance(part, list) else part.copy())
    order = _hash([UNIT, *names], dialect)
    outputs = ", ".join(f"{_q(n)} AS {_q(c.name)}" for n, c in zip(names, spec.columns, strict=True))
    return (
        f"WITH {_q(ROWS)} AS ({rows.sql(dialect=dialect, comments=False, normalize_functions='lower')}), "
        f"{_q(BOUNDED)} AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY {_q(UNIT)} ORDER BY {order}) AS {_q(ROW_NUMBER)} "
        f"FROM {_q(ROWS)}) SELECT {outputs} FROM {_q(BOUNDED)} WHERE {_q(ROW_NUMBER)} <= 1"
    )
