"""`sandbox demo-data` and `sandbox warehouse load`."""

from __future__ import annotations

import click

from sandbox.cli.app import SCALES, cli, out, progress_bar, settings
from sandbox.errors import UsageError
from sandbox.services import warehouse as service


@cli.command("demo-data")
@click.option("--scale", default="tiny", show_default=True, help="tiny | small | full (≈16 M rows).")
@click.option("--seed", default=20251, show_default=True, type=int, help="Random seed; same seed, same data.")
@click.option("--no-progress", is_flag=True, help="Do not draw a progress bar.")
def demo_data(scale: str, seed: int, no_progress: bool) -> None:
    """Build the synthetic 黔东南 warehouse (DuckDB) · 生成合成演示数据仓库."""
    if scale not in SCALES:
        raise UsageError(
            f"Unknown scale {scale!r}: use one of {', '.join(SCALES)}.",
            f"未知规模 {scale!r}：请使用 {'、'.join(SCALES)} 之一。",
            code="usage.scale",
        )
    cfg = settings()
    report = service.build_demo(cfg, scale=scale, seed=seed, progress=not no_progress)
    total = sum(report.rows.values())
    out.print(f"数据仓库 warehouse: {cfg.duckdb_path}")
    out.print(f"{len(report.rows)} tables, {total:,} rows, {report.seconds:.1f} s (scale {scale}, seed {seed})")


@cli.group("warehouse")
def warehouse() -> None:
    """Warehouse operations · 数据仓库运维."""


@warehouse.command("load")
@click.option("--dsn", required=True, help="postgresql://user@host:port/database")
@click.option("--no-progress", is_flag=True, help="Do not draw a progress bar.")
def load(dsn: str, no_progress: bool) -> None:
    """Bulk-load the DuckDB demo warehouse into PostgreSQL with COPY · 装载至 PostgreSQL."""
    if not dsn.startswith(("postgresql://", "postgres://")):
        raise UsageError(
            "The --dsn must be a postgresql:// connection string.",
            "--dsn 须为 postgresql:// 连接串。",
            code="usage.dsn",
        )
    cfg = settings()
    sizes = service.table_sizes(cfg.duckdb_path)
    done = dict.fromkeys(sizes, 0)
    with progress_bar(enabled=not no_progress) as advance:

        def on_rows(dataset: str, rows: int) -> None:
            done[dataset] += rows
            advance(dataset, done[dataset], sizes[dataset])

        report = service.load_postgres(cfg, dsn, on_rows)
    out.print(f"已装载 loaded {len(report.rows)} tables, {sum(report.rows.values()):,} rows into {report.target}")
