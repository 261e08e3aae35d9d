"""Access modes: strictest wins across joined tables; dp tables are planned for DP, deny tables refused."""

from __future__ import annotations

import dataclasses

import pytest
from policy_support import catalog, context, make_grant

from sandbox.catalog.model import AccessMode
from sandbox.policy import PolicyContext, PolicyViolation, plan_query


def test_when_masked_is_joined_with_open_then_the_query_is_masked_and_capped() -> None:
    plan = plan_query(
        "SELECT c.camera_id, v.name FROM governance.gov_video_camera AS c "
        "JOIN governance.fire_village AS v ON v.county_code = c.county_code",
        context("governance", "duckdb"),
    )
    assert plan.mode is AccessMode.MASKED
    assert plan.sql.endswith("LIMIT 10000")
    assert plan.notices == ("row cap 10000 applied",)


def test_when_aggregate_is_joined_with_masked_then_aggregate_rules_apply() -> None:
    with pytest.raises(PolicyViolation) as caught:
        plan_query(
            "SELECT a.device_id, c.camera_id FROM governance.fire_iot_alarm AS a "
            "JOIN governance.gov_video_camera AS c ON c.county_code = a.alarm_type",
            context("governance", "duckdb"),
        )
    assert caught.value.code == "policy.aggregate_shape"


def test_when_only_open_tables_are_read_then_no_cap_is_applied() -> None:
    plan = plan_query("SELECT name FROM tourism.lodging_establishment", context("tourism", "postgres"))
    assert (plan.mode, plan.notices) == (AccessMode.OPEN, ())
    assert "LIMIT" not in plan.sql


def test_when_a_dp_table_is_joined_with_an_open_one_then_it_is_planned_for_dp() -> None:
    plan = plan_query(
        "SELECT e.industry, count(*) FROM housing_fund.hpf_loan AS l "
        "JOIN housing_fund.hpf_employer AS e ON l.account_no = e.employer_id GROUP BY 1",
        context("housing_fund", "duckdb"),
    )
    assert plan.mode is AccessMode.DP and plan.dp is not None
    assert plan.dp.datasets == ("housing_fund.hpf_loan",)  # only the dp table is charged


def test_when_a_table_is_in_deny_mode_then_it_is_refused() -> None:
    base = catalog()
    datasets = tuple(
        dataclasses.replace(d, access_mode=AccessMode.DENY) if d.name == "tourism.weather_hourly" else d
        for d in base.datasets
    )
    denied = dataclasses.replace(base, datasets=datasets)
    ctx = PolicyContext(denied, make_grant(("tourism.weather_hourly",)), "duckdb")
    with pytest.raises(PolicyViolation) as caught:
        plan_query("SELECT temp_c FROM tourism.weather_hourly", ctx)
    assert (caught.value.code, caught.value.dataset) == ("policy.table_denied", "tourism.weather_hourly")


def test_when_a_column_is_denied_then_the_error_names_table_column_and_place() -> None:
    with pytest.raises(PolicyViolation) as caught:
        plan_query("SELECT hotel_id,\n  guest_name FROM tourism.lodging_checkin", context("tourism", "duckdb"))
    error = caught.value
    assert (error.code, error.rule, error.dataset, error.column) == (
        "policy.column_denied",
        "column_denied",
        "tourism.lodging_checkin",
        "guest_name",
    )
    assert (error.line, error.col) == (2, 12)
    assert "guest_name" in error.message and "tourism.lodging_checkin" in error.message_zh


def test_when_a_name_is_mistyped_then_the_closest_visible_name_is_suggested() -> None:
    with pytest.raises(PolicyViolation) as caught:
        plan_query("SELECT count(*) FROM tourism.lodging_checkin GROUP BY gendr", context("tourism", "duckdb"))
    assert caught.value.code == "policy.unknown_column"
    assert "Did you mean 'gender'?" in caught.value.message


def test_when_a_table_lacks_its_schema_then_the_granted_table_is_suggested() -> None:
    with pytest.raises(PolicyViolation) as caught:
        plan_query("SELECT name FROM lodging_establishment", context("tourism", "duckdb"))
    assert "Did you mean tourism.lodging_establishment?" in caught.value.message


def test_when_the_row_cap_is_configured_then_a_smaller_limit_is_kept_and_a_larger_clamped() -> None:
    ctx = context("governance", "postgres", row_cap=100)
    assert plan_query("SELECT event_id FROM governance.gov_video_event LIMIT 5", ctx).sql.endswith("LIMIT 5")
    assert plan_query("SELECT event_id FROM governance.gov_video_event LIMIT 500", ctx).sql.endswith("LIMIT 100")
    offset = plan_query("SELECT event_id FROM governance.gov_video_event LIMIT 500 OFFSET 20", ctx).sql
    assert offset.endswith("LIMIT 100 OFFSET 20") or "LIMIT 100" in offset


def test_when_an_aggregate_table_declares_no_k_then_its_level_minimum_applies() -> None:
    base = catalog()
    datasets = tuple(
        dataclasses.replace(d, k=None) if d.name == "tourism.lodging_checkin" else d for d in base.datasets
    )
    ctx = PolicyContext(
        dataclasses.replace(base, datasets=datasets), make_grant(("tourism.lodging_checkin",)), "duckdb"
    )
    plan = plan_query("SELECT count(*) AS n FROM tourism.lodging_checkin", ctx)
    assert plan.sql.endswith('HAVING count(DISTINCT "lodging_checkin"."__sandbox_unit") >= 20')
