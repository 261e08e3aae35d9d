"""The DP rewrite's SQL runs on real DuckDB and PostgreSQL and bounds each person's contribution.

The true statistics it returns (before noise) are checked against direct SQL on the same `tiny`
warehouse: with one row and one group per unit, a grouped COUNT equals the number of distinct units
that fall in the group; clamping caps values at the catalogue bounds; join fan-out cannot multiply a
person. ``sandbox_hash`` is a stand-in (HMAC in DuckDB, md5 in PostgreSQL) as in test_policy_engines.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from sandbox.policy import PolicyContext, plan_query
from sandbox.privacy.spec import UNITS_COLUMN
from sandbox.warehouse.postgres import load_from_duckdb
from tests.unit.policy.policy_support import context

KEY = b"test-grant-key"


def _hmac(value: str) -> str:
    return hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()


def _ctx(dialect: str, l0: int = 1, linf: int = 1) -> PolicyContext:
    base = context("housing_fund", dialect)  # type: ignore[arg-type]
    return dataclasses.replace(base, dp_max_groups_per_unit=l0, dp_max_rows_per_unit=linf)


@pytest.fixture(scope="module")
def duck(tiny_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    private = tmp_path_factory.mktemp("dp-bounding") / "warehouse.duckdb"
    shutil.copyfile(tiny_warehouse, private)
    conn = duckdb.connect(str(private), read_only=True)
    conn.create_function("sandbox_hash", _hmac, ["VARCHAR"], "VARCHAR")
    yield conn
    conn.close()


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_grouped_count_with_one_row_per_unit_equals_distinct_units(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query("SELECT status, count(*) AS n FROM housing_fund.hpf_account GROUP BY status", _ctx("duckdb"))
    assert plan.dp is not None
    got = {r["__dp_k0"]: (r["__dp_n"], r[UNITS_COLUMN]) for r in _rows(duck, plan.sql)}
    want = dict(
        duck.execute(
            "SELECT status, count(DISTINCT person_id_no) FROM housing_fund.hpf_account GROUP BY status"
        ).fetchall()
    )
    assert {k: v[0] for k, v in got.items()} == want
    assert all(n == units for n, units in got.values())


def test_rows_and_groups_per_unit_are_bounded_after_the_join(duck: duckdb.DuckDBPyConnection) -> None:
    # hpf_deposit_monthly has many months per account: L0 groups and L∞ rows per group cap each account.
    units = duck.execute("SELECT count(DISTINCT account_no) FROM housing_fund.hpf_deposit_monthly").fetchone()
    assert units is not None
    for l0, linf in ((1, 1), (3, 1), (2, 2)):
        plan = plan_query(
            "SELECT d.period, count(*) AS n FROM housing_fund.hpf_deposit_monthly AS d "
            "JOIN housing_fund.hpf_deposit_monthly AS e ON d.account_no = e.account_no GROUP BY d.period",
            _ctx("duckdb", l0, linf),
        )
        rows = _rows(duck, plan.sql)
        assert sum(r["__dp_n"] for r in rows) <= units[0] * l0 * linf
        assert max(r["__dp_n"] for r in rows) <= units[0] * linf
        assert sum(r[UNITS_COLUMN] for r in rows) <= units[0] * l0


def test_sums_are_clamped_to_the_catalogue_bounds(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query(
        "SELECT sum(balance) AS s, sum(balance - 1000000) AS t FROM housing_fund.hpf_account", _ctx("duckdb")
    )
    row = _rows(duck, plan.sql)[0]
    clamped = duck.execute(
        "SELECT sum(least(greatest(balance, 0), 300000)) FROM housing_fund.hpf_account WHERE balance IS NOT NULL"
    ).fetchone()
    assert clamped is not None
    assert row["__dp_s0"] == pytest.approx(float(clamped[0]))
    # balance − 1e6 is bounded by [−1e6, −7e5]: every value lies in it after clamping.
    assert -1_000_000 * row["__dp_c1"] <= row["__dp_s1"] <= -700_000 * row["__dp_c1"]


def test_an_amplifying_case_is_clamped_to_its_proven_range(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query(
        "SELECT sum(CASE WHEN gender = '男' THEN deposit_base * 3 ELSE 0 END) AS s FROM housing_fund.hpf_account",
        _ctx("duckdb"),
    )
    assert plan.dp is not None
    aggregate = plan.dp.aggregates[0]
    assert (aggregate.lower, aggregate.upper) == (0.0, 90_000.0)
    row = _rows(duck, plan.sql)[0]
    assert 0 <= row["__dp_s0"] <= 90_000 * row["__dp_c0"]


@pytest.mark.postgres
def test_the_same_bounding_holds_on_postgres(
    duck: duckdb.DuckDBPyConnection, tiny_warehouse: Path, pg_database: str
) -> None:
    load_from_duckdb(tiny_warehouse, pg_database)
    plan = plan_query(
        "SELECT d.period, count(*) AS n, avg(d.base) AS b FROM housing_fund.hpf_deposit_monthly AS d GROUP BY 1",
        _ctx("postgres", 2, 1),
    )
    with psycopg.connect(pg_database) as conn:
        conn.execute("CREATE FUNCTION sandbox_hash(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT md5($1) $$")
        cursor = conn.execute(plan.sql)
        names = [d.name for d in cursor.description or ()]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    duck_plan = plan_query(
        "SELECT d.period, count(*) AS n, avg(d.base) AS b FROM housing_fund.hpf_deposit_monthly AS d GROUP BY 1",
        _ctx("duckdb", 2, 1),
    )
    units = duck.execute("SELECT count(DISTINCT account_no) FROM housing_fund.hpf_deposit_monthly").fetchone()
    assert units is not None
    assert sum(r["__dp_n"] for r in rows) <= 2 * units[0]
    assert sum(r["__dp_n"] for r in _rows(duck, duck_plan.sql)) <= 2 * units[0]
    assert all(0 <= float(r["__dp_s1"]) <= 30_000 * r["__dp_c1"] for r in rows)
