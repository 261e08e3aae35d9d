"""Benchmark: DP accuracy at ε = 1 and DP overhead side by side with SmartNoise SQL, on the same table.

    python bench/bench_dp.py [tiny|small|full] [--runs 2000] [--repeat 30] [--no-smartnoise]

Builds the scale into a temporary folder (not timed), then:

1. accuracy: the COUNT cell of ``SELECT count(*) FROM housing_fund.hpf_account`` released ``--runs`` times at
   ε = 1 (CSPRNG noise, as in production): median |error|, mean error, p95 (targets: median ≤ 1.5, mean within
   ±0.1); also the grouped COUNT cell, whose ε is shared with partition selection;
2. overhead: for the same COUNT / SUM / AVG GROUP BY queries, our DP path (plan from scratch, bounding SQL on
   DuckDB, noise and partition selection in Python) minus the raw query on DuckDB, medians over ``--repeat``;
3. SmartNoise SQL 1.0 (``pip install smartnoise-sql 'opendp<0.15' 'pandas<3'`` into its own virtual
   environment under ~/.cache/sandbox-bench/smartnoise-venv, created on first run) on the same DuckDB file and queries,
   minus the same raw query; target: our overhead ≤ 1/10 of SmartNoise's.

``sandbox_hash`` is an HMAC Python UDF here, as the real executor registers one.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import hmac
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
SN_VENV = Path.home() / ".cache" / "sandbox-bench" / "smartnoise-venv"
SN_PACKAGES = ("smartnoise-sql", "opendp<0.15", "pandas<3")

QUERIES = (
    ("COUNT", "SELECT status, count(*) AS n FROM housing_fund.hpf_account GROUP BY status"),
    ("SUM", "SELECT status, sum(balance) AS s FROM housing_fund.hpf_account GROUP BY status"),
    ("AVG", "SELECT status, avg(balance) AS a FROM housing_fund.hpf_account GROUP BY status"),
)
SN_META = {
    "housing_fund": {
        "housing_fund": {
            "hpf_account": {
                "max_ids": 1,
                "row_privacy": False,
                "sample_max_ids": False,  # sampling off, as in the reference figures
                "person_id_no": {"type": "string", "private_id": True},
                "status": {"type": "string"},
                "balance": {"type": "float", "lower": 0.0, "upper": 300000.0, "nullable": False},
            }
        }
    }
}

SN_CHILD = r"""
import json, statistics, sys, time
import duckdb, snsql
from snsql import Privacy

class Cursor:
    def __init__(self, cursor):
        self.cursor, self.description, self.rows = cursor, None, []
    def execute(self, sql):
        result = self.cursor.execute(sql)
        self.description, self.rows = result.description, result.fetchall()
    def __iter__(self):
        return iter(self.rows)

class Connection:  # SmartNoise's postgres reader commits and rolls back around each statement
    def __init__(self, conn):
        self.conn = conn
    def cursor(self):
        return Cursor(self.conn.cursor())
    def commit(self):
        pass
    def rollback(self):
        pass

args = json.loads(sys.argv[1])
conn = duckdb.connect(args["warehouse"], read_only=True)
reader = snsql.from_connection(
    Connection(conn), engine="postgres", privacy=Privacy(epsilon=1.0, delta=1e-6), metadata=args["meta"]
)
out = {}
for name, sql in args["queries"]:
    reader.execute(sql)  # warm-up
    times, raw = [], []
    for _ in range(args["repeat"]):
        t = time.perf_counter(); conn.execute(sql).fetchall(); raw.append(time.perf_counter() - t)
        t = time.perf_counter(); reader.execute(sql); times.append(time.perf_counter() - t)
    eps, delta = reader.get_privacy_cost(sql)
    out[name] = {"dp_ms": 1000 * statistics.median(times), "raw_ms": 1000 * statistics.median(raw),
                 "epsilon_charged": float(eps)}
print(json.dumps(out))
"""


def _hmac(value: str) -> str:
    return hmac.new(b"bench-key", value.encode(), hashlib.sha256).hexdigest()


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(warehouse), read_only=True)
    conn.create_function("sandbox_hash", _hmac, ["VARCHAR"], "VARCHAR")
    return conn


def unique_units(conn: duckdb.DuckDBPyConnection, ctx: Any) -> frozenset[str]:
    """As the query service finds them: dp datasets with one row per privacy unit."""
    found = set()
    for d in ctx.catalog.datasets:
        if d.access_mode.value == "dp" and d.privacy_unit:
            row = conn.execute(f'SELECT count(*) = count(DISTINCT "{d.privacy_unit}") FROM {d.name}').fetchone()
            if row and row[0]:
                found.add(d.name)
    return frozenset(found)


def context(dialect: str = "duckdb") -> Any:
    from sandbox.catalog import load_catalog
    from sandbox.grants.claims import GrantClaims
    from sandbox.policy import PolicyContext

    catalog = load_catalog(ROOT / "policies")
    datasets = tuple(d.name for d in catalog.datasets if d.schema in ("housing_fund", "common"))
    grant = GrantClaims("bench", "bench", "bench", 0, 0, 2**40, "bench-jti", "bench", "housing_fund", datasets, 10.0)
    return PolicyContext(catalog, grant, dialect)  # type: ignore[arg-type]


def dp_answer(conn: duckdb.DuckDBPyConnection, sql: str, ctx: Any, epsilon: float = 1.0) -> Any:
    """One DP answer as the service computes it: plan from scratch, run the bounding SQL, release."""
    from sandbox.policy import pipeline, plan_query
    from sandbox.privacy.release import release

    pipeline._PLANS.clear()  # no plan cache: the planner's cost counts in full
    plan = plan_query(sql, ctx)
    table = conn.execute(plan.sql).to_arrow_table()
    columns = {n: table.column(n).to_pylist() for n in table.column_names}
    return plan, release(plan.dp, columns, epsilon, 1e-6)


def accuracy(conn: duckdb.DuckDBPyConnection, runs: int) -> dict[str, dict[str, float]]:
    from sandbox.privacy.release import release

    out = {}
    for label, sql in (
        ("ungrouped COUNT, ε = 1", "SELECT count(*) AS n FROM housing_fund.hpf_account"),
        (
            "grouped COUNT (status), ε = 1 incl. selection",
            "SELECT status, count(*) AS n FROM housing_fund.hpf_account GROUP BY status",
        ),
    ):
        plan, _ = dp_answer(conn, sql, context())
        table = conn.execute(plan.sql).to_arrow_table()
        columns = {n: table.column(n).to_pylist() for n in table.column_names}
        biggest = int(np.argmax(columns["__dp_n"]))
        truth = columns["__dp_n"][biggest]
        errors = []
        for _ in range(runs):
            released = release(plan.dp, columns, 1.0, 1e-6)
            if biggest in released.kept:
                errors.append(released.cells[0][released.kept.index(biggest)].value - truth)
        e = np.asarray(errors, dtype=float)
        out[label] = {
            "runs": len(e),
            "median_abs": float(np.median(np.abs(e))),
            "mean": float(e.mean()),
            "p95_abs": float(np.percentile(np.abs(e), 95)),
            "true_count": truth,
        }
    return out


def overhead(conn: duckdb.DuckDBPyConnection, repeat: int, *, windows: bool) -> dict[str, dict[str, float]]:
    """``windows``: force the general bounding SQL (ROW_NUMBER / DENSE_RANK) even where units are unique."""
    ctx = context()
    if not windows:
        ctx = dataclasses.replace(ctx, dp_unique_units=unique_units(conn, ctx))
    out = {}
    for name, sql in QUERIES:
        dp_answer(conn, sql, ctx)
        conn.execute(sql).fetchall()
        raw, dp, plan_ms = [], [], []
        for _ in range(repeat):
            t = time.perf_counter()
            conn.execute(sql).fetchall()
            raw.append(time.perf_counter() - t)
            t = time.perf_counter()
            dp_answer(conn, sql, ctx)
            dp.append(time.perf_counter() - t)
            from sandbox.policy import pipeline, plan_query

            pipeline._PLANS.clear()
            t = time.perf_counter()
            plan_query(sql, ctx)
            plan_ms.append(time.perf_counter() - t)
        out[name] = {
            "raw_ms": 1000 * statistics.median(raw),
            "dp_ms": 1000 * statistics.median(dp),
            "plan_ms": 1000 * statistics.median(plan_ms),
        }
    return out


def smartnoise(warehouse: Path, repeat: int) -> dict[str, dict[str, float]]:
    python = SN_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {SN_VENV} with {', '.join(SN_PACKAGES)} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(SN_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *SN_PACKAGES, "duckdb"], check=True)
    args = {"warehouse": str(warehouse), "meta": SN_META, "queries": QUERIES, "repeat": repeat}
    done = subprocess.run([str(python), "-c", SN_CHILD, json.dumps(args)], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scale", nargs="?", default="small", choices=("tiny", "small", "full"))
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warehouse", type=Path, help="an existing demo warehouse (skips the build)")
    parser.add_argument("--no-smartnoise", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = args.warehouse
        if warehouse is None:
            from sandbox.warehouse.demo.build import build_demo_warehouse

            warehouse = Path(tmp) / "warehouse.duckdb"
            build_demo_warehouse(warehouse, Path(tmp) / "truth.parquet", scale=args.scale, seed=7, progress=False)
        conn = connect(warehouse)
        rows = conn.execute("SELECT count(*) FROM housing_fund.hpf_account").fetchone()
        print(f"scale {args.scale}: housing_fund.hpf_account has {rows[0] if rows else 0} rows\n")
        print("accuracy of a COUNT cell (CSPRNG noise, geometric mechanism)")
        for label, a in accuracy(conn, args.runs).items():
            print(
                f"  {label}: median |err| {a['median_abs']:.2f}, mean err {a['mean']:+.3f}, "
                f"p95 |err| {a['p95_abs']:.1f} over {a['runs']} runs (true {a['true_count']})"
            )
        print(f"\nunique privacy units (bounding windows skipped): {sorted(unique_units(conn, context()))}")
        theirs = smartnoise(warehouse, args.repeat) if not args.no_smartnoise else {}
        for windows in (False, True):
            ours = overhead(conn, args.repeat, windows=windows)
            report(ours, theirs, "general bounding SQL (windows)" if windows else "as served (unique units)")


def report(ours: dict[str, dict[str, float]], theirs: dict[str, dict[str, float]], label: str) -> None:
    print(f"\noverhead per query, {label}, medians in ms (DP end-to-end − raw DuckDB)")
    print("  query | raw | ours DP | ours overhead (plan) | SmartNoise DP | SN overhead | ratio | SN ε charged")
    ratios = []
    for name, _ in QUERIES:
        o = ours[name]
        ours_over = o["dp_ms"] - o["raw_ms"]
        line = f"  {name} | {o['raw_ms']:.2f} | {o['dp_ms']:.2f} | {ours_over:.2f} ({o['plan_ms']:.2f})"
        t = theirs.get(name)
        if t:
            sn_over = t["dp_ms"] - t["raw_ms"]
            ratios.append(ours_over / sn_over)
            line += f" | {t['dp_ms']:.1f} | {sn_over:.1f} | {ours_over / sn_over:.3f} | {t['epsilon_charged']:g}"
        print(line)
    if ratios:
        worst = max(ratios)
        verdict = "met" if worst <= 0.1 else "MISSED"
        print(f"worst ratio of overheads ours / SmartNoise: {worst:.3f} (target ≤ 0.1: {verdict})")


if __name__ == "__main__":
    main()
