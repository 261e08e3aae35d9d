"""Benchmark: load a demo warehouse into PostgreSQL with COPY (`sandbox warehouse load`).

    python bench/bench_pg_load.py [tiny|small|full] [--dsn postgresql://postgres@127.0.0.1:5432/test]

Builds the scale into a temporary folder (not timed), loads it into a fresh database (timed), drops it.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from sandbox.warehouse.demo.build import build_demo_warehouse
from sandbox.warehouse.postgres import load_from_duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scale", nargs="?", default="small", choices=("tiny", "small", "full"))
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/test", help="admin DSN")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "warehouse.duckdb"
        build_demo_warehouse(source, Path(tmp) / "truth.parquet", scale=args.scale, seed=1, progress=False)
        name = f"sandbox_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.dsn, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            target = psycopg.conninfo.make_conninfo(args.dsn, dbname=name)
            started = time.perf_counter()
            report = load_from_duckdb(source, target)
            seconds = time.perf_counter() - started
        finally:
            with psycopg.connect(args.dsn, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    rows = sum(report.rows.values())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pg-load scale={args.scale} tables={len(report.rows)} rows={rows} seconds={seconds:.1f} "
          f"rows_per_s={rows / seconds:,.0f} peak_rss_mib={peak_mib:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
