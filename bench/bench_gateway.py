"""Benchmark: the gateway's overhead, its end-to-end ratio to direct DuckDB, and concurrent throughput.

    python bench/bench_gateway.py [tiny|small|full] [--seconds 10] [--clients 8] [--repeat 30]

Builds the scale into a temporary home (not timed), issues grants, starts the gateway under uvicorn in a
separate process (real audit log, rate limit raised out of the way), then measures from this process:

1. overhead: gateway time per query minus engine time (Server-Timing ``total`` − ``engine``: parse, rules,
   rewrite, audit and serialisation), p50 and p99 over the query set × repeats (targets 3 ms / 15 ms);
2. ratio: client-measured gateway latency ÷ direct DuckDB time of the same query text, median of the
   per-query ratios of medians (target ≤ 1.3);
3. throughput: ``--clients`` threads sending simple queries for ``--seconds`` (target ≥ 300 queries/s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import httpx

HERE = Path(__file__).resolve()

# (scenario, sql): ordinary analyst queries over open, masked and aggregate tables.
QUERIES: tuple[tuple[str, str], ...] = (
    ("tourism", "SELECT spot_id, name, county_code, capacity FROM tourism.tour_scenic_spot"),
    ("tourism", "SELECT county_code, count(*) AS spots, sum(capacity) AS capacity FROM tourism.tour_scenic_spot "
                "GROUP BY county_code"),
    ("tourism", "SELECT spot_id, sum(entries) AS entries FROM tourism.tour_spot_flow_hourly GROUP BY spot_id"),
    ("tourism", "SELECT e.county_code, count(*) AS checkins FROM tourism.lodging_checkin c "
                "JOIN tourism.lodging_establishment e ON c.hotel_id = e.hotel_id GROUP BY e.county_code"),
    ("tourism", "SELECT county_code, avg(temp_c) AS temp_c, sum(precip_mm) AS precip FROM tourism.weather_hourly "
                "GROUP BY county_code"),
    ("governance", "SELECT county_code, max(risk_level) AS worst FROM governance.forest_fire_risk_daily "
                   "GROUP BY county_code"),
    ("governance", "SELECT alarm_type, count(*) AS alarms FROM governance.fire_iot_alarm GROUP BY alarm_type"),
    ("transit", "SELECT line_id, count(*) AS taps FROM transit.bus_tap GROUP BY line_id"),
    ("transit", "SELECT line_id, line_no, name, fare FROM transit.bus_line"),
    ("housing_fund", "SELECT industry, count(*) AS employers, sum(headcount) AS staff FROM housing_fund.hpf_employer "
                     "GROUP BY industry"),
)  # fmt: skip
SIMPLE = ("tourism", "SELECT county_code, count(*) AS spots FROM tourism.tour_scenic_spot GROUP BY county_code")


def serve(home: str, warehouse: str, port: int, plan_cache: int) -> None:
    """Child process: the gateway over ``home`` with the rate limit out of the way."""
    import uvicorn

    from sandbox.gateway import GatewayConfig, create_app
    from sandbox.queries import QueryConfig
    from sandbox.settings import Settings

    settings = Settings.from_env({"SANDBOX_HOME": home, "SANDBOX_WAREHOUSE": warehouse})
    config = GatewayConfig(query=QueryConfig(rate_per_s=1e6, burst=1_000_000, plan_cache_size=plan_cache))
    uvicorn.run(create_app(settings, config=config), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)  # fmt: skip


def prepare(tmp: Path, scale: str) -> tuple[Path, dict[str, str]]:
    sys.path.insert(0, str(HERE.parents[1] / "tests" / "integration"))
    from gateway_support import SCENARIOS, issue, make_home

    from sandbox.warehouse.demo.build import build_demo_warehouse

    warehouse = tmp / "warehouse.duckdb"
    build_demo_warehouse(warehouse, tmp / "truth.parquet", scale=scale, seed=1, progress=False)
    settings = make_home(tmp / "home", warehouse)
    tokens = {s: issue(settings, f"bench-{s[:4]}", s, epsilon=1.0)[0] for s in SCENARIOS}
    return warehouse, tokens


def timing(header: str) -> dict[str, float]:
    parts = (p.strip().split(";dur=") for p in header.split(","))
    return {name: float(value) for name, value in parts}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_latency(url: str, tokens: dict[str, str], repeat: int) -> tuple[list[float], dict[str, float]]:
    overheads: list[float] = []
    medians: dict[str, float] = {}
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as http:
        for scenario, sql in QUERIES:
            headers = {"Authorization": f"Bearer {tokens[scenario]}"}
            http.post("/v1/query", json={"sql": sql}, headers=headers).raise_for_status()  # warm
            latencies = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = http.post("/v1/query", json={"sql": sql}, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                server = timing(response.headers["server-timing"])
                overheads.append(server["total"] - server["engine"])
            medians[sql] = statistics.median(latencies)
    return overheads, medians


def measure_direct(warehouse: Path, repeat: int) -> dict[str, float]:
    conn = duckdb.connect(str(warehouse), read_only=True)
    medians = {}
    for _, sql in QUERIES:
        conn.sql(sql).to_arrow_table()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            conn.sql(sql).to_arrow_table()
            times.append((time.perf_counter() - started) * 1000)
        medians[sql] = statistics.median(times)
    conn.close()
    return medians


def measure_throughput(url: str, token: str, clients: int, seconds: float) -> tuple[float, int]:
    done = [0] * clients
    failures = [0] * clients
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        with httpx.Client(base_url=url, timeout=60, trust_env=False) as http:
            headers = {"Authorization": f"Bearer {token}"}
            while time.perf_counter() < stop:
                response = http.post("/v1/query", json={"sql": SIMPLE[1]}, headers=headers)
                if response.status_code == 200:
                    done[index] += 1
                else:
                    failures[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started), sum(failures)


def wait_ready(url: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit("the gateway process exited during startup")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1, trust_env=False)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the gateway did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scale", nargs="?", default="small", choices=("tiny", "small", "full"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--serve", nargs=4, metavar=("HOME", "WAREHOUSE", "PORT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]), int(args.serve[3]))
        return

    with tempfile.TemporaryDirectory() as tmp:
        warehouse, tokens = prepare(Path(tmp), args.scale)
        direct_ms = measure_direct(warehouse, args.repeat)
        print(f"gateway scale={args.scale} queries={len(QUERIES)} repeat={args.repeat} cpus={os.cpu_count()}")
        for label, cache in (("plans cached (repeat queries)", 1024), ("no plan cache (every query planned)", 0)):
            with gateway_process(Path(tmp), warehouse, cache) as url:
                overheads, gateway_ms = measure_latency(url, tokens, args.repeat)
                qps, failures = measure_throughput(url, tokens[SIMPLE[0]], args.clients, args.seconds)
            report(label, overheads, gateway_ms, direct_ms, qps, failures, args.clients)


@contextmanager
def gateway_process(tmp: Path, warehouse: Path, plan_cache: int) -> Iterator[str]:
    from gateway_support import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    command = [sys.executable, str(HERE), "--serve", str(tmp / "home"), str(warehouse), str(port), str(plan_cache)]
    child = subprocess.Popen(command, env=env)
    try:
        wait_ready(url, child)
        yield url
    finally:
        child.terminate()
        child.wait(timeout=30)


def report(
    label: str,
    overheads: list[float],
    gateway_ms: dict[str, float],
    direct_ms: dict[str, float],
    qps: float,
    failures: int,
    clients: int,
) -> None:
    ratios = [gateway_ms[sql] / direct_ms[sql] for _, sql in QUERIES]
    print(f"\n[{label}]")
    print(f"  overhead (excl. engine) p50={percentile(overheads, 0.5):.2f} ms p99={percentile(overheads, 0.99):.2f} ms"
          "  (targets 3 / 15 ms)")  # fmt: skip
    print(f"  gateway/direct DuckDB median ratio={statistics.median(ratios):.2f}  (target ≤ 1.3)")
    for (_, sql), ratio in zip(QUERIES, ratios, strict=True):
        print(f"    {ratio:6.2f}  gateway {gateway_ms[sql]:7.2f} ms  direct {direct_ms[sql]:7.2f} ms  {sql[:60]}")
    print(f"  throughput clients={clients} qps={qps:.0f} failures={failures}  (target ≥ 300, audit on)")


if __name__ == "__main__":
    main()
