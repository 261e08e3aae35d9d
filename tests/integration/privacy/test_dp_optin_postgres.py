"""DP on request on a PostgreSQL warehouse: the same opt-in, bounding SQL in the postgres dialect, charge and cache."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from dp_support import ask, service

from sandbox.grants.bootstrap import init_grants
from sandbox.grants.pseudonyms import ensure_pseudonym_secret
from sandbox.policy import PolicyViolation
from sandbox.queries.results import json_rows
from sandbox.services.home import ensure_home
from sandbox.settings import Settings
from sandbox.warehouse.postgres import load_from_duckdb
from tests.integration.gateway_support import issue

pytestmark = pytest.mark.postgres

SQL = "SELECT alarm_type, count(DISTINCT device_id) AS devices FROM governance.fire_iot_alarm GROUP BY alarm_type"


@pytest.fixture(scope="module")
def pg_settings(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Settings]:
    import psycopg

    from tests.conftest import PG_ADMIN_DSN

    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        load_from_duckdb(tiny_warehouse, dsn)
        settings = Settings.from_env(
            {"SANDBOX_HOME": str(tmp_path_factory.mktemp("dp-optin-pg")), "SANDBOX_WAREHOUSE": dsn}
        )
        ensure_home(settings)
        init_grants(settings)
        ensure_pseudonym_secret(settings)
        yield settings
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_dp_on_request_runs_on_postgres_charges_replays_and_refuses_identifier_keys(pg_settings: Settings) -> None:
    token, _ = issue(pg_settings, "dev-gov", "governance", epsilon=1.0)
    with service(pg_settings) as svc:
        assert svc.executor.dialect == "postgres"
        exact = ask(svc, token, SQL)
        noisy = ask(svc, token, SQL, epsilon=0.8)
        again = ask(svc, token, SQL, epsilon=0.8)
        with pytest.raises(PolicyViolation) as refused:
            ask(svc, token, "SELECT device_id, count(*) AS n FROM governance.fire_iot_alarm GROUP BY 1", epsilon=0.1)
        budget = svc.budget(token, correlation_id="c-budget")

    assert (exact.privacy.mode, noisy.privacy.mode, noisy.privacy.epsilon_spent) == ("aggregate", "dp", 0.8)
    assert noisy.table.column_names == ["alarm_type", "devices", "devices_ci95"] and noisy.table.num_rows >= 1
    assert "md5(" in noisy.rewritten_sql  # the postgres bounding SQL
    assert set(noisy.table.column("alarm_type").to_pylist()) <= set(exact.table.column("alarm_type").to_pylist())
    assert (again.result_id, json_rows(again.table), again.privacy.epsilon_spent) == (
        noisy.result_id,
        json_rows(noisy.table),
        0.0,
    )
    assert (refused.value.rule, refused.value.column) == ("dp_query", "device_id")
    row = next(r for r in budget["datasets"] if r["dataset"] == "governance.fire_iot_alarm")
    assert row["epsilon_spent"] == 0.8
