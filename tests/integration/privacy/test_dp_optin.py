"""DP on request: an explicit ε on a query over aggregate-mode tables plans it with the DP pipeline.

Through the real query service over a copy of the `tiny` warehouse: noisy cells with error bounds and a
charge on the grant × dataset ledger when asked; the k-thresholded exact answer when not; the catalogue's
k kept as a floor; the DP refusals (identifier keys, amplifying expressions) and the answer cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dp_support import ask, events, home, service

from sandbox.policy.errors import PolicyViolation
from sandbox.queries import QueryService
from sandbox.queries.results import json_rows
from sandbox.settings import Settings
from tests.integration.gateway_support import issue

BY_COUNTY = (
    "SELECT e.county_code, count(*) AS n FROM tourism.lodging_checkin AS c "
    "JOIN tourism.lodging_establishment AS e ON c.hotel_id = e.hotel_id GROUP BY e.county_code"
)
LODGING = "tourism.lodging_checkin"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Settings:
    return home(tmp_path_factory.mktemp("dp-optin"), tiny_warehouse)


@pytest.fixture(scope="module")
def svc(settings: Settings) -> Iterator[QueryService]:
    with service(settings) as opened:
        yield opened


@pytest.fixture(scope="module")
def truth(tiny_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The raw warehouse, read directly: what the exact answers must equal (never through the gateway)."""
    with duckdb.connect(str(tiny_warehouse), read_only=True) as conn:
        yield conn


def tourism_grant(settings: Settings, epsilon: float = 2.0) -> str:
    token, _ = issue(settings, "dev-tour", "tourism", epsilon=epsilon)
    return token


def lodging_budget(svc: QueryService, token: str) -> dict[str, Any]:
    rows = svc.budget(token, correlation_id="c-budget")["datasets"]
    return next(r for r in rows if r["dataset"] == LODGING)


def test_an_explicit_epsilon_answers_with_noise_error_bounds_and_a_charge(
    settings: Settings, svc: QueryService
) -> None:
    token = tourism_grant(settings)
    result = ask(svc, token, BY_COUNTY, epsilon=1.0)

    assert result.table.column_names == ["county_code", "n", "n_ci95"]
    privacy = result.privacy.to_json()
    assert (privacy["mode"], privacy["epsilon_spent"], privacy["budget_remaining"]) == ("dp", 1.0, 1.0)
    assert privacy["delta_spent"] > 0  # partition selection ran: the county keys were not taken as public
    assert "__dp_bounded" in result.rewritten_sql  # bounded per guest (several check-ins per guest)
    assert any("on request" in notice for notice in result.notices)
    # The noise: the released cells against the true bounded statistics of the same rewritten SQL.
    exact = svc.executor.run(result.rewritten_sql, hash_key=bytes(32), timeout_s=30, max_rows=1000).table
    true_n = dict(zip(exact.column("__dp_k0").to_pylist(), exact.column("__dp_n").to_pylist(), strict=True))
    noisy = dict(zip(result.table.column("county_code").to_pylist(), result.table.column("n").to_pylist(), strict=True))
    bounds = dict(
        zip(result.table.column("county_code").to_pylist(), result.table.column("n_ci95").to_pylist(), strict=True)
    )
    assert len(noisy) >= 10 and set(noisy) <= set(true_n)
    assert all(h > 0 for h in bounds.values())
    errors = {k: noisy[k] - true_n[k] for k in noisy}
    assert any(e != 0 for e in errors.values())
    # Unseeded CSPRNG noise: four times the 95 % half-width is exceeded with probability ≈ 20⁻⁴ per cell.
    assert all(abs(errors[k]) <= 4 * bounds[k] for k in errors)
    charges = [e for e in events(settings, "budget.charge") if e.detail["charge_id"] == privacy["charge_id"]]
    assert len(charges) == 1 and charges[0].target == LODGING
    assert charges[0].detail["costs"][LODGING]["epsilon"] == 1.0
    plain = ask(svc, token, BY_COUNTY)  # same grant and SQL without ε: the k-threshold plan, not a cached dp one
    assert (plain.privacy.mode, plain.privacy.epsilon_spent) == ("aggregate", 0.0)


def test_without_the_opt_in_the_answer_is_the_exact_k_thresholded_one_and_free(
    settings: Settings, svc: QueryService, truth: duckdb.DuckDBPyConnection
) -> None:
    token = tourism_grant(settings)
    result = ask(svc, token, BY_COUNTY)

    expected = truth.sql(
        "SELECT e.county_code, count(*) FROM tourism.lodging_checkin c JOIN tourism.lodging_establishment e "
        "USING (hotel_id) GROUP BY 1 HAVING count(DISTINCT c.guest_id_no) >= 20"
    ).fetchall()
    assert result.table.column_names == ["county_code", "n"]
    assert sorted(map(tuple, json_rows(result.table))) == sorted(expected)
    assert (result.privacy.mode, result.privacy.epsilon_spent) == ("aggregate", 0.0)
    row = lodging_budget(svc, token)
    assert (row["dp"], row["epsilon_spent"], row["epsilon_remaining"]) == ("on_request", 0.0, 2.0)


def test_the_budget_shows_the_aggregate_dataset_once_dp_was_asked_for_and_the_cache_replays(
    settings: Settings, svc: QueryService
) -> None:
    token = tourism_grant(settings, epsilon=1.0)
    first = ask(svc, token, BY_COUNTY, epsilon=0.4)
    row = lodging_budget(svc, token)
    assert (row["access_mode"], row["dp"], row["charged"]) == ("aggregate", "on_request", True)
    assert row["epsilon_spent"] == 0.4
    assert row["epsilon_remaining"] == pytest.approx(0.6)

    again = ask(svc, token, BY_COUNTY.replace("SELECT", "select"), epsilon=0.4)
    assert again.result_id == first.result_id and json_rows(again.table) == json_rows(first.table)
    assert (again.privacy.epsilon_spent, again.privacy.extra["cached"]) == (0.0, True)
    assert lodging_budget(svc, token)["epsilon_spent"] == 0.4
    dry = ask(svc, token, BY_COUNTY, epsilon=0.7, dry_run=True)
    assert (dry.privacy.extra["epsilon_cost"], dry.privacy.extra["affordable"]) == (0.7, False)


def test_the_catalogue_k_stays_a_floor_no_group_below_k_guests_is_released(
    settings: Settings, svc: QueryService, truth: duckdb.DuckDBPyConnection
) -> None:
    token = tourism_grant(settings)
    sql = "SELECT ethnicity, count(*) AS n FROM tourism.lodging_checkin GROUP BY ethnicity"
    noisy = ask(svc, token, sql, epsilon=2.0)
    thresholded = ask(svc, token, sql)

    units = dict(
        truth.sql("SELECT ethnicity, count(DISTINCT guest_id_no) FROM tourism.lodging_checkin GROUP BY 1").fetchall()
    )
    released = noisy.table.column("ethnicity").to_pylist()
    # Two groups hold 15 and 17 guests: the noisy threshold alone (about 14 at this ε) would release them.
    assert any(n < 20 for n in units.values())
    assert released and all(units[r] >= 20 for r in released)
    assert set(released) <= set(thresholded.table.column("ethnicity").to_pylist())


@pytest.mark.parametrize(
    ("sql", "column"),
    [
        ("SELECT guest_id_no, count(*) AS n FROM tourism.lodging_checkin GROUP BY guest_id_no", "guest_id_no"),
        (  # one person made to weigh 2e9
            "SELECT gender, sum(CASE WHEN ethnicity = '苗族' THEN 2e9 ELSE 0 END) AS s "
            "FROM tourism.lodging_checkin GROUP BY gender",
            None,
        ),
        ("SELECT gender, sum(companions) AS s FROM tourism.lodging_checkin GROUP BY gender", "companions"),
    ],
)
def test_attacks_under_the_opt_in_are_refused_naming_rule_and_column_and_charge_nothing(
    settings: Settings, svc: QueryService, sql: str, column: str | None
) -> None:
    token = tourism_grant(settings)
    with pytest.raises(PolicyViolation) as refused:
        ask(svc, token, sql, epsilon=1.0)

    assert refused.value.rule == "dp_query" and refused.value.column == column
    assert refused.value.dataset in (None, LODGING)
    assert lodging_budget(svc, token)["epsilon_spent"] == 0.0


def test_a_masked_table_joined_under_the_opt_in_follows_the_dp_join_rules(
    settings: Settings, svc: QueryService
) -> None:
    token, _ = issue(settings, "dev-gov", "governance", epsilon=1.0)
    sql = (
        "SELECT a.alarm_type, count(*) AS n FROM governance.fire_iot_alarm AS a "
        "JOIN governance.gov_video_event AS v ON a.device_id = v.camera_id GROUP BY a.alarm_type"
    )
    with pytest.raises(PolicyViolation) as refused:
        ask(svc, token, sql, epsilon=1.0)
    assert (refused.value.rule, refused.value.dataset) == ("dp_query", "governance.gov_video_event")
