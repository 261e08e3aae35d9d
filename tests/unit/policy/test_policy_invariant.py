"""The central invariant, for any accepted query (hypothesis):

1. no output column's lineage reaches a column the grant cannot see (denied or narrowed away);
2. no raw direct identifier (role I) is output in clear: in the rewritten SQL a raw I column is only
   ever read inside its policy view, wrapped in ``sandbox_hash(...)`` (or a mask), or as the hidden
   privacy unit, which the outer query reads only inside ``count(DISTINCT ...)`` in HAVING.

Queries are drawn from a small grammar over every column of the granted tables (denied and I columns
included), with the laundering shapes of attack class 1: aliases, CTEs, subqueries, UNION, stars,
expressions and aggregates.
"""

from __future__ import annotations

import sqlglot
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from policy_support import catalog, context, grants
from sqlglot import exp

from sandbox.catalog.model import Role
from sandbox.policy import PolicyViolation, plan_query
from sandbox.policy.context import Dialect
from sandbox.policy.grantview import UNIT_COLUMN, grant_view

GRANTS = ("tourism", "governance", "transit")
WRAPPERS = (
    "{c}",
    "upper({c})",
    "coalesce({c}, {c})",
    "CAST({c} AS VARCHAR)",
    "{c} || ''",
    "CASE WHEN {c} IS NULL THEN NULL ELSE {c} END",
    "count({c})",
    "count(DISTINCT {c})",
    "max({c})",
    "min({c})",
    "string_agg(CAST({c} AS VARCHAR), ',')",
    "array_agg({c})",
)


@st.composite
def queries(draw: st.DrawFn) -> tuple[str, str, Dialect]:
    grant = draw(st.sampled_from(GRANTS))
    dialect: Dialect = draw(st.sampled_from(("duckdb", "postgres")))
    datasets = [d for d in grants()[grant].datasets if catalog().dataset(d) is not None]
    name = draw(st.sampled_from(datasets))
    dataset = catalog().dataset(name)
    assert dataset is not None
    columns = draw(st.lists(st.sampled_from([c.name for c in dataset.columns]), min_size=1, max_size=3))
    exprs = [draw(st.sampled_from(WRAPPERS)).format(c=f"t.{c}") + f" AS x{i}" for i, c in enumerate(columns)]
    inner = f"SELECT {', '.join(exprs)} FROM {name} AS t"
    plain = [e for e, c in zip(exprs, columns, strict=True) if e.startswith(f"t.{c} ")]
    if plain and len(plain) < len(exprs) and draw(st.booleans()):
        inner += " GROUP BY " + ", ".join(e.split(" AS ")[0] for e in plain)
    shape = draw(st.sampled_from(("plain", "subquery", "cte", "star", "union", "rename")))
    outputs = ", ".join(f"x{i}" for i in range(len(columns)))
    sql = {
        "plain": inner,
        "subquery": f"SELECT s.x0 AS laundered FROM ({inner}) AS s",
        "cte": f"WITH c AS ({inner}) SELECT {outputs} FROM c",
        "star": f"SELECT * FROM ({inner}) AS s",
        "union": f"{inner} UNION ALL {inner}",
        "rename": f"SELECT u.x0 AS a, u.x0 AS b FROM (SELECT * FROM ({inner}) AS s) AS u",
    }[shape]
    return grant, sql, dialect


AGGREGATES = ("count(*)", "count({c})", "count(DISTINCT {c})", "sum({c})", "avg({c})", "max({c})", "min({c})")


@st.composite
def grouped_queries(draw: st.DrawFn) -> tuple[str, str, Dialect]:
    """Aggregates grouped by keys over aggregate- and masked-mode tables (the accepted shapes there)."""
    grant = draw(st.sampled_from(GRANTS))
    dialect: Dialect = draw(st.sampled_from(("duckdb", "postgres")))
    candidates = [
        d
        for d in (catalog().dataset(n) for n in grants()[grant].datasets)
        if d is not None and d.access_mode.value in ("aggregate", "masked")
    ]
    dataset = draw(st.sampled_from(candidates))
    names = [c.name for c in dataset.columns]
    keys = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
    aggregates = [
        draw(st.sampled_from(AGGREGATES)).format(c=f"t.{draw(st.sampled_from(names))}") + f" AS a{i}"
        for i in range(draw(st.integers(1, 2)))
    ]
    select = ", ".join([f"t.{k}" for k in keys] + aggregates)
    sql = f"SELECT {select} FROM {dataset.name} AS t"
    if keys:
        sql += " GROUP BY " + ", ".join(f"t.{k}" for k in keys)
    if draw(st.booleans()):
        sql = f"{sql} UNION ALL {sql}"
    return grant, sql, dialect


def _check_rewritten(sql: str, grant: str, dialect: Dialect) -> None:
    view = grant_view(catalog(), grants()[grant])
    tree = sqlglot.parse_one(sql, read=dialect)
    for table in tree.find_all(exp.Table):
        if not table.db:
            continue  # a CTE reference
        granted = view.table(f"{table.db}.{table.name}")
        assert granted is not None
        select = table.find_ancestor(exp.Select)
        assert select is not None
        visible = {c.name: c for c in granted.visible}
        for projection in select.selects:
            assert isinstance(projection, exp.Alias)
            for column in projection.find_all(exp.Column):
                if projection.alias == UNIT_COLUMN:
                    assert column.name == granted.dataset.privacy_unit
                    continue
                assert column.name in visible, f"hidden column {column.name} read by a view"
                if visible[column.name].role is Role.IDENTIFIER:
                    value = projection.this
                    hashed = isinstance(value, exp.Anonymous) and value.name.lower() == "sandbox_hash"
                    assert hashed or isinstance(value, exp.Case), f"raw identifier {column.name} in a view"
    for column in tree.find_all(exp.Column):
        if column.name == UNIT_COLUMN and column.table:
            distinct = column.find_ancestor(exp.Distinct)
            assert distinct is not None and isinstance(distinct.parent, exp.Count)
            assert column.find_ancestor(exp.Having) is not None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(queries(), grouped_queries()))
def test_accepted_queries_never_output_hidden_or_raw_identifier_columns(query: tuple[str, str, Dialect]) -> None:
    grant, sql, dialect = query
    try:
        plan = plan_query(sql, context(grant, dialect))
    except PolicyViolation as refusal:
        event(f"refused {refusal.code}")
        return
    event(f"accepted {plan.mode.value}")
    view = grant_view(catalog(), grants()[grant])
    for output in plan.output:
        for qualified in output.lineage:
            dataset, _, column = qualified.rpartition(".")
            table = view.table(dataset)
            assert table is not None and column not in table.hidden, (sql, qualified)
    _check_rewritten(plan.sql, grant, dialect)
