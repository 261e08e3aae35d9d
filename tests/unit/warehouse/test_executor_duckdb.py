"""The DuckDB executor on a small throw-away file: lockdown, key handling, concurrency, row cap."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from sandbox.errors import WarehouseError
from sandbox.warehouse import duckdb_executor
from sandbox.warehouse.duckdb_executor import DuckDBExecutor

KEY = bytes(range(32))


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("duck") / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA common")
        conn.execute("CREATE TABLE common.people AS SELECT range AS n, 'id-' || range AS id_no FROM range(5000)")
    return path


@pytest.fixture
def executor(warehouse: Path) -> Iterator[DuckDBExecutor]:
    ex = DuckDBExecutor(warehouse, memory_limit="256MB", threads=1)
    yield ex
    ex.close()


def _run(
    ex: DuckDBExecutor, sql: str, *, key: bytes = KEY, timeout_s: float = 10, max_rows: int = 10_000
) -> list[dict[str, object]]:
    return ex.run(sql, hash_key=key, timeout_s=timeout_s, max_rows=max_rows).table.to_pylist()


def test_the_engine_is_locked_down_with_the_configured_limits(executor: DuckDBExecutor) -> None:
    names = [
        "enable_external_access",
        "autoload_known_extensions",
        "autoinstall_known_extensions",
        "lock_configuration",
        "threads",
        "python_enable_replacements",
        "access_mode",
    ]
    projection = ", ".join(f"current_setting('{n}') AS {n}" for n in names)

    (row,) = _run(executor, f"SELECT {projection}")

    assert row == {
        "enable_external_access": False,
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "lock_configuration": True,
        "threads": 1,
        "python_enable_replacements": False,
        "access_mode": "read_only",
    }


def test_a_python_variable_is_not_reachable_as_a_table(
    executor: DuckDBExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DuckDB's Python client would scan an Arrow table in the calling frame's globals: plant one there.
    monkeypatch.setattr(duckdb_executor, "planted", pa.table({"secret": [KEY.hex()]}), raising=False)

    with pytest.raises(WarehouseError) as caught:
        _run(executor, "SELECT * FROM planted")

    assert caught.value.code == "query.failed"


def test_when_requests_with_different_keys_run_concurrently_then_each_uses_its_own(executor: DuckDBExecutor) -> None:
    keys = [bytes([i]) * 32 for i in range(8)]
    results: dict[int, list[dict[str, object]]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = _run(
                executor, "SELECT id_no, sandbox_hash(id_no) AS h FROM common.people ORDER BY n", key=keys[i]
            )
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    for i, rows in results.items():
        assert len(rows) == 5000
        assert all(row["h"] == _hmac(keys[i], str(row["id_no"])) for row in rows)


def test_the_key_is_neither_in_the_catalog_nor_in_the_logs(
    executor: DuckDBExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    rows = _run(
        executor, "SELECT function_name, macro_definition FROM duckdb_functions() WHERE macro_definition IS NOT NULL"
    )
    with pytest.raises(WarehouseError):
        _run(executor, "SELECT sandbox_hash(CAST(id_no AS INTEGER)) FROM common.people")

    assert KEY.hex() not in repr(rows)
    assert KEY.hex() not in caplog.text
    assert "failed on duckdb" in caplog.text


def test_a_finished_requests_token_cannot_be_reused_to_hash_with_its_key(executor: DuckDBExecutor) -> None:
    (macro,) = _run(
        executor,
        "SELECT macro_definition AS d FROM duckdb_functions() WHERE function_name = 'sandbox_hash'",
    )
    stolen = str(macro["d"]).split("'")[-2]
    assert len(stolen) == 32

    with pytest.raises(WarehouseError) as caught:
        _run(executor, f"SELECT _sandbox_hmac('id-1', '{stolen}')", key=bytes(32))

    assert caught.value.code == "query.failed"


def test_when_the_result_exceeds_max_rows_then_it_is_cut_and_flagged(executor: DuckDBExecutor) -> None:
    result = executor.run("SELECT n FROM common.people ORDER BY n", hash_key=KEY, timeout_s=10, max_rows=3)
    exact = executor.run("SELECT n FROM common.people WHERE n < 3", hash_key=KEY, timeout_s=10, max_rows=3)
    big = executor.run("SELECT n FROM common.people", hash_key=KEY, timeout_s=10, max_rows=20_000)

    assert result.table.column("n").to_pylist() == [0, 1, 2]
    assert result.truncated is True
    assert (exact.table.num_rows, exact.truncated) == (3, False)
    assert (big.table.num_rows, big.truncated) == (5000, False)
    assert result.duration_ms >= 0


def test_when_one_request_times_out_then_a_concurrent_one_still_completes(executor: DuckDBExecutor) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        try:
            _run(executor, "SELECT count(*) FROM range(100000000000)", timeout_s=0.5)
        except WarehouseError as error:
            outcome["slow"] = error.code

    thread = threading.Thread(target=slow)
    thread.start()
    outcome["fast"] = _run(executor, "SELECT count(*) AS c FROM common.people")
    thread.join()

    assert outcome == {"slow": "query.timeout", "fast": [{"c": 5000}]}


def test_a_missing_warehouse_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError) as caught:
        DuckDBExecutor(tmp_path / "absent.duckdb")

    assert caught.value.code == "warehouse.missing"


def test_executors_and_plain_readers_share_the_file(executor: DuckDBExecutor, warehouse: Path) -> None:
    second = DuckDBExecutor(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as plain:
        count = plain.execute("SELECT count(*) FROM common.people").fetchone()
        external = plain.execute("SELECT current_setting('enable_external_access')").fetchone()
    executor.close()

    assert count == (5000,)
    assert external == (False,)  # the plain reader got the locked-down instance
    assert _run(second, "SELECT sandbox_hash('id-1') AS h") == [{"h": _hmac(KEY, "id-1")}]
    with pytest.raises(RuntimeError):
        _run(executor, "SELECT 1")


def test_when_the_file_was_locked_with_external_access_on_then_the_executor_refuses(tmp_path: Path) -> None:
    path = tmp_path / "open.duckdb"
    duckdb.connect(str(path)).close()
    holder = duckdb.connect(str(path), read_only=True)
    holder.execute("SET GLOBAL lock_configuration = true")
    try:
        with pytest.raises(WarehouseError) as caught:
            DuckDBExecutor(path)
    finally:
        holder.close()

    assert caught.value.code == "warehouse.unsafe_engine"
