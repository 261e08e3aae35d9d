"""Build the demo warehouse at a given scale into a temporary directory; print time and peak RSS.

Usage: .venv/bin/python bench/bench_demo_data.py [tiny|small|full] [--seed N] [--progress]
Targets (2 cores): tiny ≤ 15 s, small ≤ 2 min, full ≤ 15 min with peak RSS ≤ 4 GiB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

from sandbox.warehouse.demo.build import DEFAULT_SEED, build_demo_warehouse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", nargs="?", default="tiny", choices=("tiny", "small", "full"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        target = Path(tmp) / "warehouse.duckdb"
        report = build_demo_warehouse(target, Path(tmp) / "truth.parquet", scale=args.scale, seed=args.seed,
                                      progress=args.progress)  # fmt: skip
        size_mb = target.stat().st_size / 2**20
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"scale={report.scale} seed={report.seed} tables={len(report.rows)} rows={report.total_rows:,} "
          f"truth_rows={report.truth_rows}")  # fmt: skip
    print(f"seconds={report.seconds:.1f} peak_rss_mib={peak_mib:.0f} file_mib={size_mb:.0f}")
    for table, rows in report.rows.items():
        print(f"  {table:<36} {rows:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
