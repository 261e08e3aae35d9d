"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `tiny` demo warehouse per test session (read it, never write it)."""
    from sandbox.warehouse.demo.build import build_demo_warehouse

    home = tmp_path_factory.mktemp("tiny-home")
    target = home / "warehouse.duckdb"
    build_demo_warehouse(target, home / "truth.parquet", scale="tiny", seed=7, progress=False)
    return target


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database on the machine's server, dropped afterwards."""
    import uuid

    import psycopg

    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
