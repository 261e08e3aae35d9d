"""Benchmark: durable audit appends per second and acknowledgement latency, and full verification speed.

    python bench/bench_audit.py [--events 20000] [--threads 1,8,32] [--postgres DSN] [--verify 100000]

Each producer thread blocks on every append until its event is committed (fsynced), as the gateway does.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import AuditEvent, SequencerSettings, open_log, verify

KEY = Ed25519PrivateKey.generate()


def _event(i: int) -> AuditEvent:
    return AuditEvent(
        "query",
        f"analyst-{i % 50}",
        "allowed",
        target="tourism.lodging_checkin",
        enterprise=f"E{i % 7:03d}",
        grant="jti-bench",
        correlation_id=f"req-{i}",
        detail={
            "sql": "SELECT region, count(*) FROM tourism.lodging_checkin GROUP BY region",
            "rewritten_sql": "SELECT region, count(*) AS n FROM tourism.lodging_checkin GROUP BY region LIMIT 10000",
            "datasets": ["tourism.lodging_checkin"],
            "rows": 16,
            "duration_ms": 12.5,
        },
    )


def run(location: str, threads: int, events: int) -> tuple[float, float, float]:
    """Return (events/s, p50 ms, p99 ms) for ``threads`` blocking producers."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = events // threads
    with open_log(location, KEY, settings=SequencerSettings()) as log:

        def produce(t: int) -> None:
            mine = []
            for i in range(per_thread):
                started = time.perf_counter()
                log.append(_event(t * per_thread + i))
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)

        workers = [threading.Thread(target=produce, args=(t,)) for t in range(threads)]
        started = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        seconds = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return per_thread * threads / seconds, q[49] * 1000, q[98] * 1000


def bench_verify(location: str, n: int) -> float:
    with open_log(location, KEY, settings=SequencerSettings()) as log:
        batch = 512
        done = 0
        workers_per_round = 64

        def produce(count: int) -> None:
            for i in range(count):
                log.append(_event(i))

        while done < n:
            chunk = min(batch * workers_per_round, n - done)
            ws = [
                threading.Thread(target=produce, args=(chunk // workers_per_round,)) for _ in range(workers_per_round)
            ]
            for w in ws:
                w.start()
            for w in ws:
                w.join()
            done += (chunk // workers_per_round) * workers_per_round
        log.checkpoint()
        started = time.perf_counter()
        report = verify(log, KEY.public_key())
        seconds = time.perf_counter() - started
    assert report.ok, report.lines()
    return seconds / report.size * 1_000_000  # seconds per million


def _figures(rate: float, p50: float, p99: float) -> str:
    return f"appends_per_s={rate:,.0f} p50_ms={p50:.2f} p99_ms={p99:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--threads", default="1,8,32")
    parser.add_argument("--postgres", help="admin DSN, e.g. postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--verify", type=int, default=0, help="also time verify over this many events (SQLite)")
    args = parser.parse_args()
    counts = [int(t) for t in args.threads.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        for threads in counts:
            events = args.events if threads > 1 else min(args.events, 5_000)
            rate, p50, p99 = run(str(Path(tmp) / f"bench-{threads}.db"), threads, events)
            print(f"sqlite   threads={threads:>2} events={events} {_figures(rate, p50, p99)}")
        if args.verify:
            per_million = bench_verify(str(Path(tmp) / "verify.db"), args.verify)
            print(f"verify   events={args.verify} seconds_per_million={per_million:.1f}")
    if args.postgres:
        import psycopg

        for threads in counts:
            name = f"audit_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.postgres, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                dsn = psycopg.conninfo.make_conninfo(args.postgres, dbname=name)  # key=value form
                events = args.events if threads > 1 else min(args.events, 2_000)
                rate, p50, p99 = run(dsn, threads, events)
                print(f"postgres threads={threads:>2} events={events} {_figures(rate, p50, p99)}")
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
