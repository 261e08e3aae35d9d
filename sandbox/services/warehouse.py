"""Warehouse use cases for operators: build the demo warehouse, load it into PostgreSQL, describe it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sandbox.services.home import ensure_home
from sandbox.settings import Settings
from sandbox.warehouse import duckdb as duck
from sandbox.warehouse import postgres
from sandbox.warehouse.names import qualified

if TYPE_CHECKING:
    from sandbox.warehouse.demo.build import BuildReport


def build_demo(settings: Settings, *, scale: str, seed: int, progress: bool) -> BuildReport:
    from sandbox.warehouse.demo.build import build_demo_warehouse  # heavy: numpy generators, loaded on use

    ensure_home(settings)
    return build_demo_warehouse(settings.duckdb_path, settings.truth_path, scale=scale, seed=seed, progress=progress)


def load_postgres(
    settings: Settings, dsn: str, progress: Callable[[str, int], None] | None = None
) -> postgres.LoadReport:
    return postgres.load_from_duckdb(settings.duckdb_path, dsn, progress)


def table_sizes(source: Path) -> dict[str, int]:
    """Row counts per table of a DuckDB warehouse (for progress totals and summaries)."""
    conn = duck.connect_read_only(source)
    try:
        return {
            dataset: conn.execute(f"SELECT count(*) FROM {qualified(dataset)}").fetchone()[0]  # type: ignore[index]
            for dataset in duck.describe(conn)
        }
    finally:
        conn.close()


def describe(settings: Settings) -> duck.Columns:
    """Columns and types of the configured warehouse (DuckDB file or PostgreSQL DSN)."""
    if settings.warehouse_is_duckdb:
        conn = duck.connect_read_only(settings.duckdb_path)
        try:
            return duck.describe(conn)
        finally:
            conn.close()
    with postgres.connect(settings.warehouse) as pg:
        return postgres.describe(pg)
