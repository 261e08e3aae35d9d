"""The SQL of a DP query: contribution bounding per privacy unit, clamping, true statistics per group.

    WITH "__dp_rows" AS (SELECT <unit> AS "__dp_unit", <key i> AS "__dp_k<i>", <clamped argument j> AS "__dp_v<j>"
                         FROM <the user's FROM/JOINs, tables as policy views> WHERE <the user's WHERE>),
         "__dp_bounded" AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY unit, keys ORDER BY <hash>) AS "__dp_rn",
                                      DENSE_RANK() OVER (PARTITION BY unit ORDER BY <hash of keys>, keys) AS "__dp_gr"
                            FROM "__dp_rows")
    SELECT keys, COUNT(DISTINCT "__dp_unit") AS "__dp_units", COUNT(*) AS "__dp_n",
           COUNT/SUM/SUM of squares per argument FROM "__dp_bounded"
    WHERE "__dp_rn" <= L∞ AND "__dp_gr" <= L0 GROUP BY keys

Bounding runs after the joins (Wilson et al. 2020), so join fan-out cannot multiply a person. Rows and
groups are chosen by a hash of their values, not by the engine's random(): no randomness in SQL, and a
person's choice depends on that person's rows only. No noise is added here; that happens in Python.
"""

from __future__ import annotations

from sqlglot import exp

from sandbox.policy.context import Dialect
from sandbox.policy.dp.shape import DpQuery
from sandbox.policy.grantview import UNIT_COLUMN
from sandbox.privacy.spec import UNITS_COLUMN, DpAggregate, DpOutput, DpSpec

ROWS, BOUNDED = "__dp_rows", "__dp_bounded"
UNIT, ROW_NUMBER, GROUP_RANK, COUNT_ALL = "__dp_unit", "__dp_rn", "__dp_gr", "__dp_n"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build_dp(
    query: DpQuery, dialect: Dialect, max_groups: int, max_rows: int, *, unique_units: bool = False
) -> tuple[str, DpSpec]:
    """``unique_units``: the one table read holds one row per privacy unit (no joins), so bounding is a no-op
    and the windows are left out; the statistics are the same either way."""
    keys = [f"__dp_k{i}" for i in range(len(query.keys))]
    projections: list[exp.Expr] = [
        exp.alias_(exp.column(UNIT_COLUMN, table=query.unit_alias, quoted=True), UNIT, quoted=True)
    ]
    projections += [exp.alias_(key.copy(), name, quoted=True) for key, name in zip(query.keys, keys, strict=True)]
    # Each (unit, group) pair keeps exactly one row numbered 1: counting those counts distinct units, without
    # the cost of COUNT(DISTINCT).
    stats: list[str] = [
        f"SUM(CASE WHEN {_q(ROW_NUMBER)} = 1 THEN 1 ELSE 0 END) AS {_q(UNITS_COLUMN)}",
        f"COUNT(*) AS {_q(COUNT_ALL)}",
    ]
    aggregates: list[DpAggregate] = []
    values: list[str] = []
    for j, call in enumerate(query.aggregates):
        v, c, s, sq = (f"__dp_{p}{j}" for p in "vcsq")
        if call.kind == "count_units":
            aggregates.append(DpAggregate(call.name, "count_units", UNITS_COLUMN))
            continue
        if call.argument is None:
            aggregates.append(DpAggregate(call.name, "count", COUNT_ALL))
            continue
        values.append(v)
        stats.append(f"COUNT({_q(v)}) AS {_q(c)}")
        if call.kind == "count":
            projections.append(exp.alias_(call.argument.copy(), v, quoted=True))
            aggregates.append(DpAggregate(call.name, "count", c))
            continue
        projections.append(exp.alias_(_clamped(call.argument, call.bounds, dialect), v, quoted=True))
        stats.append(f"SUM({_q(v)}) AS {_q(s)}")
        squares = call.kind not in ("sum", "mean")
        if squares:
            stats.append(f"SUM({_q(v)} * {_q(v)}) AS {_q(sq)}")
        lower, upper = call.bounds
        aggregates.append(DpAggregate(call.name, call.kind, c, s, sq if squares else None, lower, upper))
    rows = exp.select(*projections)
    for arg in ("from_", "joins", "where"):
        value = query.select.args.get(arg)
        if value is not None:
            rows.set(arg, [j.copy() for j in value] if isinstance(value, list) else value.copy())
    rows_sql = rows.sql(dialect=dialect, comments=False, normalize_functions="lower")
    if unique_units:
        stats[0] = f"COUNT(*) AS {_q(UNITS_COLUMN)}"
        sql = f"WITH {_q(ROWS)} AS ({rows_sql}) SELECT {', '.join([*map(_q, keys), *stats])} FROM {_q(ROWS)}"
        return _finish(sql, query, keys, aggregates, max_groups, max_rows, dialect)
    row_order = _hash([UNIT, *keys, *values], dialect)
    bounded = [f"ROW_NUMBER() OVER (PARTITION BY {_list([UNIT, *keys])} ORDER BY {row_order}) AS {_q(ROW_NUMBER)}"]
    where = [f"{_q(ROW_NUMBER)} <= {int(max_rows)}"]
    if keys:
        group_order = f"{_hash(keys, dialect)}, {_list(keys)}"
        bounded.append(f"DENSE_RANK() OVER (PARTITION BY {_q(UNIT)} ORDER BY {group_order}) AS {_q(GROUP_RANK)}")
        where.append(f"{_q(GROUP_RANK)} <= {int(max_groups)}")
    sql = (
        f"WITH {_q(ROWS)} AS ({rows_sql}), "
        f"{_q(BOUNDED)} AS (SELECT *, {', '.join(bounded)} FROM {_q(ROWS)}) "
        f"SELECT {', '.join([*map(_q, keys), *stats])} FROM {_q(BOUNDED)} WHERE {' AND '.join(where)}"
    )
    return _finish(sql, query, keys, aggregates, max_groups, max_rows, dialect)


def _finish(
    sql: str,
    query: DpQuery,
    keys: list[str],
    aggregates: list[DpAggregate],
    max_groups: int,
    max_rows: int,
    dialect: Dialect,
) -> tuple[str, DpSpec]:
    if keys:
        sql += f" GROUP BY {_list(keys)}"
    if query.order:
        sql += " ORDER BY " + ", ".join(f"{_q(keys[i])}{' DESC' if desc else ''}" for i, desc in query.order)
    outputs = tuple(DpOutput(name, is_key, index) for name, is_key, index in query.outputs)
    domain = _domain_sql(query, keys, dialect)
    spec = DpSpec(
        tuple(keys), tuple(aggregates), outputs, max_groups, max_rows, query.min_units, query.datasets, domain
    )
    return sql, spec


def _domain_sql(query: DpQuery, keys: list[str], dialect: Dialect) -> str | None:
    """Every key value of the open table the keys come from (its policy view, substituted in place)."""
    if query.public_alias is None:
        return None
    sources = [query.select.args.get("from_"), *(query.select.args.get("joins") or [])]
    view = next((s.this for s in sources if s is not None and s.this.alias_or_name == query.public_alias), None)
    if view is None:
        return None
    select = exp.select(*(exp.alias_(k.copy(), n, quoted=True) for k, n in zip(query.keys, keys, strict=True)))
    select = select.from_(view.copy()).distinct()
    return select.sql(dialect=dialect, comments=False, normalize_functions="lower")


def _list(names: list[str]) -> str:
    return ", ".join(map(_q, names))


def _hash(names: list[str], dialect: Dialect) -> str:
    if dialect == "duckdb":
        return f"hash({_list(names)})"
    return "md5(concat_ws('|', " + ", ".join(f"CAST({_q(n)} AS TEXT)" for n in names) + "))"


def _clamped(argument: exp.Expr, bounds: tuple[float, float], dialect: Dialect) -> exp.Expr:
    """CASE WHEN x < lower THEN lower WHEN x > upper THEN upper ELSE x END, x as DOUBLE (NULL stays NULL)."""
    cast = exp.TryCast if dialect == "duckdb" else exp.Cast
    value = cast(this=exp.paren(argument.copy(), copy=False), to=exp.DataType.build("DOUBLE"))
    lower, upper = (exp.Literal.number(repr(float(b))) for b in bounds)
    return exp.Case(
        ifs=[
            exp.If(this=exp.LT(this=value.copy(), expression=lower), true=lower.copy()),
            exp.If(this=exp.GT(this=value.copy(), expression=upper), true=upper.copy()),
        ],
        default=value,
    )
