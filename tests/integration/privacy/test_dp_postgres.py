"""DP queries through the query service on a PostgreSQL warehouse: the same answers' shape, charges and
defences as on DuckDB (attack classes: averaging, many partitions, error oracle, amplification)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dp_support import ask, grant, service

from sandbox.grants.bootstrap import init_grants
from sandbox.grants.pseudonyms import ensure_pseudonym_secret
from sandbox.policy import PolicyViolation
from sandbox.privacy import BudgetExhausted
from sandbox.queries import QueryService
from sandbox.queries.results import json_rows
from sandbox.services.home import ensure_home
from sandbox.settings import Settings
from sandbox.warehouse.postgres import load_from_duckdb

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_settings(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Settings]:
    import uuid

    import psycopg

    from tests.conftest import PG_ADMIN_DSN

    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        load_from_duckdb(tiny_warehouse, dsn)
        base = tmp_path_factory.mktemp("dp-pg")
        settings = Settings.from_env({"SANDBOX_HOME": str(base), "SANDBOX_WAREHOUSE": dsn})
        ensure_home(settings)
        init_grants(settings)
        ensure_pseudonym_secret(settings)
        yield settings
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def svc(pg_settings: Settings) -> Iterator[QueryService]:
    with service(pg_settings) as opened:
        yield opened


def test_a_grouped_dp_query_runs_on_postgres_is_cached_and_exhausts(pg_settings: Settings, svc: QueryService) -> None:
    assert svc.executor.dialect == "postgres"
    token = grant(pg_settings, 1.0)
    sql = "SELECT status, count(*) AS n, avg(amount) AS a FROM housing_fund.hpf_loan GROUP BY status"
    first = ask(svc, token, sql, epsilon=0.6)
    assert first.table.column_names == ["status", "n", "a", "n_ci95", "a_ci95"]
    again = ask(svc, token, sql, epsilon=0.6)
    assert json_rows(again.table) == json_rows(first.table) and again.privacy.epsilon_spent == 0.0
    with pytest.raises(BudgetExhausted):
        ask(svc, token, sql.replace("status", "term_months"), epsilon=0.6)


def test_many_partitions_and_amplification_on_postgres(pg_settings: Settings, svc: QueryService) -> None:
    token = grant(pg_settings, 2.0)
    many = ask(svc, token, "SELECT wd_id, count(*) AS n FROM housing_fund.hpf_withdrawal GROUP BY wd_id", epsilon=1.0)
    assert many.table.num_rows == 0
    with pytest.raises(PolicyViolation) as caught:
        ask(svc, token, "SELECT sum(amount * 100000) FROM housing_fund.hpf_withdrawal", epsilon=0.5)
    assert caught.value.code == "policy.dp_query"


def test_an_error_oracle_cast_is_refused_before_any_charge_on_postgres(
    pg_settings: Settings, svc: QueryService
) -> None:
    token = grant(pg_settings, 1.0)
    probe = (
        "SELECT count(*) FROM housing_fund.hpf_account "
        "WHERE CAST(CASE WHEN gender = '男' AND balance > 50000 THEN 'x' ELSE '1' END AS INT) = 1"
    )
    with pytest.raises(PolicyViolation) as caught:
        ask(svc, token, probe, epsilon=0.5)
    assert caught.value.code == "policy.oracle"
    rows = svc.budget(token, correlation_id="c")["datasets"]
    assert next(d for d in rows if d["dataset"] == "housing_fund.hpf_account")["epsilon_spent"] == 0.0
