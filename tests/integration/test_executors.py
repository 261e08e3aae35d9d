"""The hardened executors on the tiny demo warehouse, DuckDB and PostgreSQL alike.

The SQL here is sent straight to the executor, bypassing the policy pipeline on purpose: every attack
must still fail at the engine (defence in depth), with the one uniform error.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from sandbox.errors import WarehouseError
from sandbox.warehouse import postgres
from sandbox.warehouse.duckdb_executor import DuckDBExecutor
from sandbox.warehouse.executor import DEFAULT_READER_ROLE, ExecResult, Executor, query_failed, query_timeout
from sandbox.warehouse.postgres_executor import PostgresExecutor, reader_conninfo
from tests.conftest import PG_ADMIN_DSN

KEY = hashlib.sha256(b"grant key for the tests").digest()
ENGINES = [pytest.param("duckdb"), pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module")
def pg_warehouse(tiny_warehouse: Path) -> Iterator[str]:
    """One loaded PostgreSQL database for the module (as `pg_database`, but loaded once)."""
    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        postgres.load_from_duckdb(tiny_warehouse, dsn)
        yield dsn
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def duckdb_executor(tiny_warehouse: Path) -> Iterator[Executor]:
    executor = DuckDBExecutor(tiny_warehouse)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def postgres_executor(pg_warehouse: str) -> Iterator[Executor]:
    executor = PostgresExecutor(reader_conninfo(pg_warehouse, DEFAULT_READER_ROLE))
    yield executor
    executor.close()


@pytest.fixture(params=ENGINES)
def executor(request: pytest.FixtureRequest) -> Executor:
    return request.getfixturevalue(f"{request.param}_executor")  # type: ignore[no-any-return]


def _run(executor: Executor, sql: str, *, timeout_s: float = 10, max_rows: int = 10_000) -> ExecResult:
    return executor.run(sql, hash_key=KEY, timeout_s=timeout_s, max_rows=max_rows)


def _hmac(value: str) -> str:
    return hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()


def _failure(executor: Executor, sql: str, timeout_s: float = 10) -> WarehouseError:
    with pytest.raises(WarehouseError) as caught:
        _run(executor, sql, timeout_s=timeout_s)
    return caught.value


def _same_error(a: WarehouseError, b: WarehouseError) -> bool:
    return (type(a), a.code, a.message, a.message_zh, str(a), a.args) == (
        type(b),
        b.code,
        b.message,
        b.message_zh,
        str(b),
        b.args,
    )


# --- results ----------------------------------------------------------------------------------------


def test_a_plain_aggregate_returns_an_arrow_table(executor: Executor) -> None:
    result = _run(executor, "SELECT count(*) AS n FROM common.dim_region")

    assert result.table.column_names == ["n"]
    assert result.table.to_pylist() == [{"n": 17}]
    assert result.truncated is False


def test_when_rows_exceed_max_rows_then_the_table_is_cut_and_flagged(executor: Executor) -> None:
    cut = _run(executor, "SELECT code FROM common.dim_region ORDER BY code", max_rows=5)
    whole = _run(executor, "SELECT code FROM common.dim_region ORDER BY code", max_rows=17)

    assert (cut.table.num_rows, cut.truncated) == (5, True)
    assert cut.table.column("code").to_pylist() == whole.table.column("code").to_pylist()[:5]
    assert (whole.table.num_rows, whole.truncated) == (17, False)


def test_sandbox_hash_is_hmac_sha256_of_the_text_and_null_for_null(executor: Executor) -> None:
    rows = _run(
        executor,
        "SELECT code, sandbox_hash(code) AS h, sandbox_hash(CAST(NULL AS VARCHAR)) AS n "
        "FROM common.dim_region ORDER BY code",
    ).table.to_pylist()

    assert len(rows) == 17
    assert all(row["h"] == _hmac(row["code"]) for row in rows)
    assert all(row["n"] is None for row in rows)


def test_sandbox_hash_depends_on_the_key(executor: Executor) -> None:
    sql = "SELECT sandbox_hash(code) AS h FROM common.dim_region ORDER BY code"
    a = executor.run(sql, hash_key=b"a" * 32, timeout_s=10, max_rows=100).table.column("h").to_pylist()
    b = executor.run(sql, hash_key=b"b" * 32, timeout_s=10, max_rows=100).table.column("h").to_pylist()

    assert set(a).isdisjoint(b)


_TYPED_HASHES = (
    "SELECT sandbox_hash(r.code) AS v, sandbox_hash(r.level) AS s, sandbox_hash(r.lon) AS d, "
    "sandbox_hash(r.parent_code) AS p, sandbox_hash(CAST(17 AS INTEGER)) AS i, sandbox_hash(CAST(17 AS BIGINT)) AS b, "
    "sandbox_hash(CAST(108 AS DOUBLE PRECISION)) AS di, sandbox_hash(CAST(1.5 AS DECIMAL(5, 2))) AS m, "
    "sandbox_hash(DATE '2024-02-29') AS dt, sandbox_hash(TIMESTAMP '2024-02-29 08:30:00.5') AS ts, "
    "sandbox_hash(r.level > 1) AS bo, sandbox_hash('贵州') AS zh "
    "FROM common.dim_region AS r ORDER BY r.code"
)


@pytest.mark.postgres
def test_sandbox_hash_agrees_across_engines_for_every_warehouse_type(
    duckdb_executor: Executor, postgres_executor: Executor
) -> None:
    duck = _run(duckdb_executor, _TYPED_HASHES).table.to_pylist()
    pg = _run(postgres_executor, _TYPED_HASHES).table.to_pylist()

    assert len(duck) == 17
    assert duck == pg
    assert duck[0]["i"] == _hmac("17") and duck[0]["di"] == _hmac("108.0") and duck[0]["m"] == _hmac("1.50")
    assert duck[0]["zh"] == _hmac("贵州")


@pytest.mark.postgres
def test_hash_columns_of_real_tables_agree_across_engines(
    duckdb_executor: Executor, postgres_executor: Executor
) -> None:
    sql = (
        "SELECT sandbox_hash(person_id_no) AS p, sandbox_hash(amount) AS a, sandbox_hash(start_date) AS d "
        "FROM housing_fund.ca_assistance ORDER BY person_id_no, start_date, amount"
    )

    assert _run(duckdb_executor, sql).table.to_pylist() == _run(postgres_executor, sql).table.to_pylist()


# --- uniform errors ---------------------------------------------------------------------------------


def test_runtime_failures_all_raise_the_same_error(executor: Executor) -> None:
    bad_cast = _failure(executor, "SELECT count(*) FROM common.dim_region WHERE CAST(name AS INTEGER) = 1")
    divide = "//" if executor.dialect == "duckdb" else "/"  # DuckDB's `/` is float division (no error)
    division = _failure(executor, f"SELECT count(*) FROM common.dim_region WHERE level {divide} (level - level) = 1")
    syntax = _failure(executor, "SELEC 1")
    unknown = _failure(executor, "SELECT secret FROM common.no_such_table")

    for error in (bad_cast, division, syntax, unknown):
        assert _same_error(error, query_failed())
        assert error.__cause__ is None and error.__context__ is None


def test_an_error_oracle_query_gives_the_same_error_whichever_row_fails(executor: Executor) -> None:
    # Class 8 of the reference: the failing row depends on data; the error must not.
    oracle = "SELECT count(*) FROM common.dim_region WHERE CAST(CASE WHEN {} THEN 'x' ELSE '1' END AS INTEGER) = 1"
    first = _failure(executor, oracle.format("code = '522601'"))
    other = _failure(executor, oracle.format("code <> '522601'"))

    assert _same_error(first, other)
    assert "522601" not in first.message and "x" not in first.message.split()


def test_errors_never_carry_paths_or_engine_text(executor: Executor, tiny_warehouse: Path) -> None:
    error = _failure(executor, "SELECT CAST('secret-value' AS INTEGER)")

    text = f"{error.message} {error.message_zh} {error}"
    assert "secret-value" not in text
    assert str(tiny_warehouse) not in text
    assert "INTEGER" not in text.upper().replace("INTEGRITY", "")


def test_the_engine_error_is_logged_without_values_at_warning(
    executor: Executor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="sandbox.warehouse.executor")

    _failure(executor, "SELECT CAST('secret-value' AS INTEGER)")

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all("secret-value" not in w for w in warnings)
    assert KEY.hex() not in caplog.text


_SLOW = {
    "duckdb": "SELECT count(*) FROM range(100000000000)",
    "postgres": "SELECT count(*) FROM generate_series(1, 100000000000)",
}


@pytest.mark.parametrize("engine", ENGINES)
def test_when_a_query_runs_too_long_then_it_stops_with_the_timeout_error(
    engine: str, request: pytest.FixtureRequest
) -> None:
    executor: Executor = request.getfixturevalue(f"{engine}_executor")

    error = _failure(executor, _SLOW[engine], timeout_s=0.3)

    assert _same_error(error, query_timeout())
    assert _run(executor, "SELECT 1 AS one").table.to_pylist() == [{"one": 1}]  # the executor recovers


# --- engine-level defences (the policy pipeline is bypassed here) ------------------------------------

_COMMON_ATTACKS = [
    "SELECT 1; SELECT 2",
    "CREATE TABLE common.stolen AS SELECT * FROM common.dim_region",
    "CREATE TEMP TABLE stolen AS SELECT 1 AS x",
    "INSERT INTO common.dim_region (code) VALUES ('1')",
    "UPDATE common.dim_region SET name = 'x'",
    "DELETE FROM common.dim_region",
    "DROP TABLE common.dim_region",
    "SET memory_limit = '64GB'",
    "SELECT 1; DROP TABLE common.dim_region",
]
_DUCKDB_ATTACKS = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "COPY (SELECT * FROM common.dim_region) TO '{tmp}/out.csv'",
    "COPY common.dim_region TO '{tmp}/out.csv'",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "PRAGMA enable_profiling",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
    "EXPORT DATABASE '{tmp}/dump'",
]
_POSTGRES_ATTACKS = [
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_ls_dir('.')",
    "COPY (SELECT 1) TO PROGRAM 'id'",
    "COPY common.dim_region TO '{tmp}/out.csv'",
    "SELECT * FROM pg_authid",
    "SET default_transaction_read_only = off",
    "WITH gone AS (DELETE FROM common.dim_region RETURNING *) SELECT count(*) FROM gone",
    "SELECT lo_import('/etc/passwd')",
    "SELECT dblink_connect('host=127.0.0.1')",
]


def _attacks() -> list[object]:
    cases: list[object] = []
    for engine in ENGINES:
        name = engine.values[0]
        specific = _DUCKDB_ATTACKS if name == "duckdb" else _POSTGRES_ATTACKS
        for sql in _COMMON_ATTACKS + specific:
            cases.append(pytest.param(name, sql, marks=engine.marks, id=f"{name}: {sql[:50]}"))
    return cases


@pytest.mark.parametrize(("engine", "sql"), _attacks())
def test_engine_features_outside_a_single_select_are_refused(
    engine: str, sql: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    executor: Executor = request.getfixturevalue(f"{engine}_executor")

    error = _failure(executor, sql.format(tmp=tmp_path))

    assert _same_error(error, query_failed())
    assert list(tmp_path.iterdir()) == []  # nothing was written
    assert _run(executor, "SELECT count(*) AS n FROM common.dim_region").table.to_pylist() == [{"n": 17}]


def test_after_the_attacks_the_warehouse_is_unchanged(executor: Executor) -> None:
    rows = _run(executor, "SELECT count(*) AS n, count(DISTINCT name) AS names FROM common.dim_region").table

    assert rows.to_pylist() == [{"n": 17, "names": 17}]


# --- the PostgreSQL reader role ------------------------------------------------------------------


@pytest.mark.postgres
def test_the_reader_role_has_no_powers(pg_warehouse: str) -> None:
    with psycopg.connect(pg_warehouse) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin "
            "FROM pg_roles WHERE rolname = %s",
            (DEFAULT_READER_ROLE,),
        ).fetchone()

    assert row == (False, False, False, False, False, True)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO common.dim_region (code) VALUES ('1')",
        "CREATE TABLE public.t (x int)",
        "CREATE SCHEMA evil",
        "SELECT * FROM pg_authid",
        "SELECT pg_read_file('/etc/passwd')",
        "COPY (SELECT 1) TO PROGRAM 'id'",
        "CREATE FUNCTION sandbox_fn.evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "SELECT * FROM public.outside",
    ],
)
def test_the_reader_role_cannot_write_or_read_outside_the_warehouse_even_read_write(
    pg_warehouse: str, statement: str
) -> None:
    with psycopg.connect(pg_warehouse, autocommit=True) as admin:
        admin.execute("CREATE TABLE IF NOT EXISTS public.outside (secret text)")
    with psycopg.connect(reader_conninfo(pg_warehouse, DEFAULT_READER_ROLE), autocommit=True) as conn:
        conn.execute("SET default_transaction_read_only = off")  # even if the reader lifts the default...
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)  # ...privileges still refuse


@pytest.mark.postgres
def test_the_reader_defaults_to_read_only_transactions_and_a_timeout(pg_warehouse: str) -> None:
    with psycopg.connect(reader_conninfo(pg_warehouse, DEFAULT_READER_ROLE)) as conn:
        read_only = conn.execute("SHOW default_transaction_read_only").fetchone()
        timeout = conn.execute("SHOW statement_timeout").fetchone()

    assert read_only == ("on",)
    assert timeout is not None and timeout[0] not in ("0", "0ms")


@pytest.mark.postgres
def test_the_executor_refuses_to_run_as_a_superuser(pg_warehouse: str) -> None:
    with pytest.raises(WarehouseError) as caught:
        PostgresExecutor(pg_warehouse)

    assert caught.value.code == "warehouse.unsafe_role"
    assert "SUPERUSER" in caught.value.message


@pytest.mark.postgres
def test_the_executor_refuses_a_role_that_can_write(pg_database: str, tiny_warehouse: Path) -> None:
    role = f"sandbox_writer_{uuid.uuid4().hex[:8]}"
    postgres.load_from_duckdb(tiny_warehouse, pg_database, reader_role=role)
    try:
        with psycopg.connect(pg_database, autocommit=True) as admin:
            admin.execute(f'GRANT INSERT ON common.dim_region TO "{role}"')

        with pytest.raises(WarehouseError) as caught:
            PostgresExecutor(reader_conninfo(pg_database, role))

        assert caught.value.code == "warehouse.unsafe_role"
        assert "write privileges" in caught.value.message
    finally:
        with psycopg.connect(pg_database, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgres
def test_loading_twice_keeps_one_reader_with_working_grants(pg_database: str, tiny_warehouse: Path) -> None:
    postgres.load_from_duckdb(tiny_warehouse, pg_database)
    postgres.load_from_duckdb(tiny_warehouse, pg_database)

    executor = PostgresExecutor(reader_conninfo(pg_database, DEFAULT_READER_ROLE))
    try:
        result = _run(executor, "SELECT count(*) AS n, min(sandbox_hash(code)) AS h FROM common.dim_region")
    finally:
        executor.close()
    assert result.table.column("n").to_pylist() == [17]


@pytest.mark.postgres
def test_session_changes_made_by_a_query_do_not_outlive_it(postgres_executor: Executor) -> None:
    _run(
        postgres_executor,
        "SELECT set_config('default_transaction_read_only', 'off', false), "
        "set_config('statement_timeout', '0', false), set_config('search_path', 'public', false)",
    )

    for _ in range(3):
        (row,) = _run(
            postgres_executor,
            "SELECT current_setting('transaction_read_only') AS tx, "
            "current_setting('default_transaction_read_only') AS dflt, current_setting('statement_timeout') AS t",
            timeout_s=7,
        ).table.to_pylist()
        assert row == {"tx": "on", "dflt": "on", "t": "7s"}


def test_concurrent_requests_each_get_their_own_key_and_rows(executor: Executor) -> None:
    keys = [bytes([i + 1]) * 32 for i in range(6)]
    sql = "SELECT code, sandbox_hash(code) AS h FROM common.dim_region ORDER BY code"
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda k: executor.run(sql, hash_key=k, timeout_s=10, max_rows=100), keys * 3))

    for key, result in zip(keys * 3, results, strict=True):
        rows = result.table.to_pylist()
        assert len(rows) == 17
        assert all(row["h"] == hmac.new(key, row["code"].encode(), hashlib.sha256).hexdigest() for row in rows)


@pytest.mark.postgres
def test_the_executor_refuses_a_database_without_the_hash_function(pg_database: str) -> None:
    role = f"sandbox_bare_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'ALTER ROLE "{role}" SET default_transaction_read_only = on')
    try:
        with pytest.raises(WarehouseError) as caught:
            PostgresExecutor(reader_conninfo(pg_database, role))

        assert caught.value.code == "warehouse.not_loaded"
    finally:
        with psycopg.connect(pg_database, autocommit=True) as admin:
            admin.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgres
def test_a_load_by_a_user_who_cannot_create_roles_is_refused_clearly(pg_database: str, tiny_warehouse: Path) -> None:
    owner = f"sandbox_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        admin.execute(f'GRANT CREATE ON DATABASE "{pg_database.rsplit("/", 1)[1]}" TO "{owner}"')
    try:
        with pytest.raises(WarehouseError) as caught:
            postgres.load_from_duckdb(
                tiny_warehouse, reader_conninfo(pg_database, owner), reader_role=f"{owner}_reader"
            )

        assert caught.value.code == "warehouse.privileges"
    finally:
        with psycopg.connect(pg_database, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{owner}"')
            admin.execute(f'DROP ROLE "{owner}"')
