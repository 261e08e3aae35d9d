"""The policy pipeline's rewritten SQL runs on real engines and keeps its promises there.

Every accepted golden query is planned and executed on the `tiny` warehouse in DuckDB and (marked
postgres) in PostgreSQL. ``sandbox_hash`` is a stand-in here (HMAC in DuckDB, md5 in PostgreSQL); the
executors provide the real one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg
import pytest

from sandbox.catalog.model import Column, Handling, Role
from sandbox.policy import plan_query
from sandbox.policy.rewrite.handling import column_expression
from sandbox.warehouse.postgres import load_from_duckdb
from tests.unit.policy.policy_support import GoldenPair, all_pairs, context

KEY = b"test-grant-key"
PAIRS = [p for p in all_pairs() if p.file != "views"]
DUCKDB_PAIRS = [p for p in PAIRS if p.dialect == "duckdb"]
POSTGRES_PAIRS = [p for p in PAIRS if p.dialect == "postgres"]
HEX64 = re.compile(r"[0-9a-f]{64}")


def _hmac(value: str) -> str:
    return hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def duck(tiny_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    # A private copy: a Python UDF stays bound to the file's in-process database after this
    # connection closes, and the executors share that database within the test process.
    private = tmp_path_factory.mktemp("policy-engines") / "warehouse.duckdb"
    shutil.copyfile(tiny_warehouse, private)
    conn = duckdb.connect(str(private), read_only=True)
    conn.create_function("sandbox_hash", _hmac, ["VARCHAR"], "VARCHAR")
    yield conn
    conn.close()


@pytest.mark.parametrize("pair", DUCKDB_PAIRS, ids=[p.id for p in DUCKDB_PAIRS])
def test_when_golden_query_runs_on_duckdb_then_it_executes(pair: GoldenPair, duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query(pair.sql, context(pair.grant, "duckdb"))
    duck.execute(plan.sql).fetchall()


def test_when_groups_are_returned_then_each_has_k_distinct_units(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query(
        "SELECT hotel_id, count(*) AS n FROM tourism.lodging_checkin GROUP BY hotel_id",
        context("tourism", "duckdb"),
    )
    returned = {row[0] for row in duck.execute(plan.sql).fetchall()}
    truth = dict(
        duck.execute(
            "SELECT hotel_id, count(DISTINCT guest_id_no) FROM tourism.lodging_checkin GROUP BY hotel_id"
        ).fetchall()
    )
    assert returned == {hotel for hotel, units in truth.items() if units >= 20}
    assert any(units < 20 for units in truth.values()), "tiny data should have small groups to suppress"


def test_when_a_filter_singles_out_one_person_then_nothing_is_returned(duck: duckdb.DuckDBPyConnection) -> None:
    row = duck.execute("SELECT guest_id_no FROM tourism.lodging_checkin LIMIT 1").fetchone()
    assert row is not None
    victim = row[0]
    plan = plan_query(
        "SELECT count(*) AS n, sum(companions) AS c FROM tourism.lodging_checkin "
        f"WHERE guest_id_no = '{_hmac(victim)}'",
        context("tourism", "duckdb"),
    )
    assert duck.execute(plan.sql).fetchall() == []


def test_when_the_error_oracle_query_runs_then_it_does_not_fail(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query(
        "SELECT count(*) AS n FROM tourism.lodging_checkin "
        "WHERE CAST(CASE WHEN companions > 1 THEN 'x' ELSE '1' END AS INT) = 1",
        context("tourism", "duckdb"),
    )
    duck.execute(plan.sql).fetchall()  # with CAST instead of TRY_CAST this raises ConversionException


def test_when_an_identifier_is_read_through_its_view_then_it_is_a_keyed_hash(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query(
        "SELECT count(DISTINCT guest_id_no) AS guests FROM tourism.lodging_checkin",
        context("tourism", "duckdb"),
    )
    view = plan.sql[plan.sql.index("(SELECT") + 1 : plan.sql.index(') AS "lodging_checkin"')]
    rows = duck.execute(f"SELECT guest_id_no, __sandbox_unit FROM ({view}) LIMIT 20").fetchall()
    assert rows and all(HEX64.fullmatch(h) and h == _hmac(raw) for h, raw in rows)


def test_when_a_masked_table_is_read_then_the_row_cap_holds(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query("SELECT * FROM governance.gov_video_event", context("governance", "duckdb", row_cap=7))
    assert len(duck.execute(plan.sql).fetchall()) == 7
    assert plan.notices == ("row cap 7 applied",)


def test_when_coordinates_are_generalised_then_they_snap_to_the_grid(duck: duckdb.DuckDBPyConnection) -> None:
    plan = plan_query("SELECT lon, lat FROM governance.gov_video_camera", context("governance", "duckdb"))
    for lon, lat in duck.execute(plan.sql).fetchall():
        for value in (lon, lat):
            cells = value / 0.0045
            assert abs(cells - round(cells)) < 1e-6


@pytest.fixture(scope="module")
def postgres_dsn(tiny_warehouse: Path) -> Iterator[str]:
    """One loaded PostgreSQL copy for the module (pg_database is function-scoped)."""
    import uuid

    from tests.conftest import PG_ADMIN_DSN

    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    try:
        load_from_duckdb(tiny_warehouse, dsn)
        with psycopg.connect(dsn, autocommit=True) as conn:
            # The database is dropped afterwards; a pg_temp function would need a qualified call.
            conn.execute(
                "CREATE FUNCTION sandbox_hash(text) RETURNS text LANGUAGE sql IMMUTABLE "
                "RETURNS NULL ON NULL INPUT AS $$ SELECT md5($1) $$"
            )
        yield dsn
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.parametrize("pair", POSTGRES_PAIRS, ids=[p.id for p in POSTGRES_PAIRS])
def test_when_golden_query_runs_on_postgres_then_it_executes(pair: GoldenPair, postgres_dsn: str) -> None:
    plan = plan_query(pair.sql, context(pair.grant, "postgres"))
    with psycopg.connect(postgres_dsn) as conn:
        conn.execute(plan.sql).fetchall()


@pytest.mark.postgres
def test_when_groups_are_returned_on_postgres_then_each_has_k_distinct_units(postgres_dsn: str) -> None:
    plan = plan_query(
        "SELECT hotel_id, count(*) AS n FROM tourism.lodging_checkin GROUP BY hotel_id",
        context("tourism", "postgres"),
    )
    with psycopg.connect(postgres_dsn) as conn:
        returned = {row[0] for row in conn.execute(plan.sql).fetchall()}
        truth: dict[str, int] = dict(
            conn.execute(
                "SELECT hotel_id, count(DISTINCT guest_id_no) FROM tourism.lodging_checkin GROUP BY hotel_id"
            ).fetchall()
        )
    assert returned == {hotel for hotel, units in truth.items() if units >= 20}


@pytest.mark.postgres
def test_when_a_divisor_is_zero_on_postgres_then_the_guarded_query_does_not_fail(postgres_dsn: str) -> None:
    plan = plan_query(
        "SELECT gender, avg(100 / (companions - companions)) AS probe FROM tourism.lodging_checkin GROUP BY gender",
        context("tourism", "postgres"),
    )
    with psycopg.connect(postgres_dsn) as conn:
        conn.execute(plan.sql).fetchall()


def test_when_a_row_filter_is_configured_then_only_its_rows_are_seen(duck: duckdb.DuckDBPyConnection) -> None:
    county = duck.execute("SELECT county_code FROM tourism.lodging_establishment LIMIT 1").fetchone()
    assert county is not None
    ctx = context("tourism", "duckdb", row_filters={"tourism.lodging_establishment": f"county_code = '{county[0]}'"})
    plan = plan_query("SELECT DISTINCT county_code FROM tourism.lodging_establishment", ctx)
    assert duck.execute(plan.sql).fetchall() == [county]


MASKS = [
    ("holder_id_no", "522601199001011234", "522601********1234"),
    ("phone", "14512341234", "145****1234"),
    ("guest_name", "张三丰", "张*"),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("name", "value", "expected"), MASKS)
def test_when_masks_run_on_postgres_then_they_match_duckdb(
    name: str, value: str, expected: str, postgres_dsn: str
) -> None:
    column = Column(name, name, "VARCHAR", Role.IDENTIFIER, 3, Handling.parse("mask"))
    for dialect in ("duckdb", "postgres"):
        sql = column_expression(column, dialect).sql(dialect=dialect)
        query = f'SELECT {sql} FROM (SELECT CAST(%s AS VARCHAR) AS "{name}") AS t'
        if dialect == "duckdb":
            with duckdb.connect() as conn:
                row = conn.execute(query.replace("%s", "?"), [value]).fetchone()
        else:
            with psycopg.connect(postgres_dsn) as conn:
                row = conn.execute(query, [value]).fetchone()
        assert row is not None and row[0] == expected
