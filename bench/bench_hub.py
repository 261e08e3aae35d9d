"""Benchmark: JupyterHub start → ready, and login → first query result in a fresh local server.

    python bench/bench_hub.py [--runs 3]

Each run builds a `tiny` home (not timed), starts the gateway in this process (not timed), then times
the hub from launch to ``/hub/health`` = 200 through the proxy (target ≤ 5 s), and from the login form
POST to the first query answer in a fresh notebook server (spawn, OAuth into the server, kernel,
`sandbox.client` query over the kernel websocket; target ≤ 8 s with the local spawner).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.warehouse.demo.build import build_demo_warehouse
from tests.e2e.hub_support import issue_grant, make_home, running_gateway, running_hub

CELL = """
import json
from sandbox.client import connect
frame = connect().sql("SELECT county_code, count(*) AS spots FROM tourism.tour_scenic_spot GROUP BY 1")
print(json.dumps({"rows": len(frame)}))
"""


def one_run(warehouse: Path, home: Path) -> tuple[float, float]:
    settings = make_home(home, warehouse)
    token, _ = issue_grant(settings, "bench-dev")
    with running_gateway(settings) as gateway_url, running_hub(settings, gateway_url) as hub:
        with hub.session() as browser:
            started = time.perf_counter()
            if browser.login_form("bench-dev", token).status_code != 302:
                raise RuntimeError("login refused")
            browser.spawn_and_wait("bench-dev")
            browser.open_server("bench-dev")
            answer = json.loads(browser.run_cell("bench-dev", CELL).strip().splitlines()[-1])
            first_result = time.perf_counter() - started
        if answer["rows"] < 1:
            raise RuntimeError("empty answer")
        return hub.started_s, first_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "warehouse.duckdb"
        build_demo_warehouse(warehouse, Path(tmp) / "truth.parquet", scale="tiny", seed=1, progress=False)
        runs = [one_run(warehouse, Path(tmp) / f"home-{i}") for i in range(args.runs)]
    starts, firsts = [r[0] for r in runs], [r[1] for r in runs]
    print(
        f"hub runs={len(runs)} start_to_ready_s median={statistics.median(starts):.2f} max={max(starts):.2f} "
        f"(target 5) login_to_first_result_s median={statistics.median(firsts):.2f} max={max(firsts):.2f} (target 8)"
    )


if __name__ == "__main__":
    main()
