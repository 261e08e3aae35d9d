"""Lineage: every clause's columns reach QueryPlan.columns; outputs trace through every path."""

from __future__ import annotations

import pytest
from policy_support import context

from sandbox.policy import plan_query
from sandbox.policy.context import Dialect
from sandbox.policy.plan import QueryPlan

E = "tourism.lodging_establishment"
F = "tourism.tour_spot_flow_hourly"
S = "tourism.tour_scenic_spot"


def _plan(sql: str, dialect: Dialect = "duckdb") -> QueryPlan:
    return plan_query(sql, context("tourism", dialect))


def _outputs(plan: QueryPlan) -> dict[str, set[str]]:
    return {o.name: set(o.lineage) for o in plan.output}


def test_when_columns_appear_only_in_clauses_then_they_are_still_touched() -> None:
    plan = _plan(
        f"SELECT f.spot_id, count(*) AS n FROM {F} AS f JOIN {S} AS s ON s.spot_id = f.spot_id "
        "WHERE s.a_level = '5A' GROUP BY f.spot_id, s.capacity HAVING max(f.exits) > 1 "
        "QUALIFY rank() OVER (PARTITION BY s.county_code ORDER BY sum(f.onsite)) = 1 ORDER BY max(f.ts_hour)"
    )
    for column in ("spot_id", "exits", "onsite", "ts_hour"):
        assert f"{F}.{column}" in plan.columns
    for column in ("spot_id", "a_level", "capacity", "county_code"):
        assert f"{S}.{column}" in plan.columns
    assert f"{F}.entries" not in plan.columns
    assert plan.datasets == (F, S)


def test_when_a_column_is_renamed_through_cte_and_subquery_then_lineage_follows() -> None:
    plan = _plan(f"WITH c AS (SELECT name AS n, star FROM {E}) SELECT x.m AS shown FROM (SELECT n AS m FROM c) AS x")
    assert _outputs(plan) == {"shown": {f"{E}.name"}}


def test_when_branches_are_united_then_output_lineage_is_their_union() -> None:
    plan = _plan(f"SELECT name FROM {E} UNION ALL SELECT county_code FROM {S}")
    assert _outputs(plan) == {"name": {f"{E}.name", f"{S}.county_code"}}


def test_when_a_star_is_expanded_then_each_column_keeps_its_lineage() -> None:
    plan = _plan(f"SELECT * FROM (SELECT hotel_id, upper(name) || county_code AS label FROM {E}) AS s")
    assert _outputs(plan) == {"hotel_id": {f"{E}.hotel_id"}, "label": {f"{E}.name", f"{E}.county_code"}}


def test_when_a_scalar_subquery_is_correlated_then_its_value_and_filter_are_traced() -> None:
    plan = _plan(f"SELECT (SELECT max(f.entries) FROM {F} AS f WHERE f.spot_id = s.spot_id) AS peak FROM {S} AS s")
    # Output lineage is data flow (the subquery's projection); filters, correlated ones included, are touched.
    assert _outputs(plan) == {"peak": {f"{F}.entries"}}
    assert {f"{F}.spot_id", f"{S}.spot_id"} <= set(plan.columns)


def test_when_a_window_is_used_then_its_partition_and_order_are_in_lineage() -> None:
    plan = _plan(f"SELECT sum(entries) OVER (PARTITION BY spot_id ORDER BY ts_hour) AS running FROM {F}")
    assert _outputs(plan) == {"running": {f"{F}.entries", f"{F}.spot_id", f"{F}.ts_hour"}}


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_when_order_by_names_an_alias_then_it_resolves_to_the_projection(dialect: Dialect) -> None:
    plan = _plan(f"SELECT county_code AS c, count(*) AS n FROM {E} GROUP BY county_code ORDER BY n DESC, c", dialect)
    assert _outputs(plan) == {"c": {f"{E}.county_code"}, "n": set()}


def test_when_only_constants_are_selected_then_no_table_is_touched() -> None:
    plan = _plan("SELECT 1 AS one, 'x' AS label")
    assert (plan.datasets, plan.columns, plan.mode.value) == ((), (), "open")
