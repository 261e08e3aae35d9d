"""Row filters: parsed and checked like a query, applied inside the table's policy view."""

from __future__ import annotations

import pytest
from policy_support import context

from sandbox.policy import PolicyViolation, plan_query

E = "tourism.lodging_establishment"


def test_when_a_row_filter_is_set_then_the_view_applies_it_before_projection() -> None:
    ctx = context("tourism", "duckdb", row_filters={E: "county_code = '522601' AND star >= 3"})
    plan = plan_query(f"SELECT name FROM {E}", ctx)
    assert 'FROM "tourism"."lodging_establishment" WHERE "county_code" = \'522601\' AND "star" >= 3)' in plan.sql


def test_when_a_row_filter_uses_a_denied_column_then_it_still_applies() -> None:
    ctx = context("tourism", "postgres", row_filters={"tourism.lodging_checkin": "room_no <> ''"})
    plan = plan_query("SELECT count(*) AS n FROM tourism.lodging_checkin", ctx)
    assert "WHERE \"room_no\" <> '')" in plan.sql
    assert "room_no" not in {c.split(".")[-1] for c in plan.columns}


def test_when_another_table_has_a_filter_then_this_one_is_untouched() -> None:
    ctx = context("tourism", "duckdb", row_filters={"tourism.tour_scenic_spot": "capacity > 0"})
    assert "WHERE" not in plan_query(f"SELECT name FROM {E}", ctx).sql


@pytest.mark.parametrize(
    "predicate",
    [
        "county_code IN (SELECT code FROM common.dim_region)",
        "no_such_column = 1",
        "e.star = 1",
        "pg_read_file('/etc/passwd') IS NOT NULL",
        "star = = 1",
        "EXISTS (SELECT 1)",
    ],
)
def test_when_a_row_filter_is_unsafe_or_invalid_then_the_query_is_refused(predicate: str) -> None:
    ctx = context("tourism", "duckdb", row_filters={E: predicate})
    with pytest.raises(PolicyViolation) as caught:
        plan_query(f"SELECT name FROM {E}", ctx)
    assert (caught.value.code, caught.value.dataset) == ("policy.row_filter", E)
    assert "/etc/passwd" not in caught.value.message


def test_when_a_filter_names_columns_in_upper_case_then_they_fold_like_the_engine() -> None:
    ctx = context("tourism", "postgres", row_filters={E: "County_Code = '522601'"})
    assert "WHERE \"county_code\" = '522601')" in plan_query(f"SELECT name FROM {E}", ctx).sql
