"""Benchmark: the airlock's automatic checks on a 10 MB export request (target ≤ 10 s).

    python bench/bench_exports.py [--mb 10] [--seed 7]

Times what the gateway does between receiving the upload and storing it: intake (name, type by content,
parsing) and every check in ``sandbox.exports.checks.CHECKS`` (PII scan, identifiers, row caps, cells,
dominance, regression, models, differencing against an earlier release, provenance), in one process.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time

import pandas as pd

from sandbox.exports.checks import CHECKS, CheckContext, EarlierTable
from sandbox.exports.checks.base import as_numbers
from sandbox.exports.intake import intake
from sandbox.exports.model import SourceQuery
from sandbox.pii import scan_file

COUNTIES = [f"5226{i:02d}" for i in range(1, 17)]
WORDS = [
    "客流",
    "住宿",
    "景区",
    "节假日",
    "周末",
    "增长",
    "下降",
    "平稳",
    "县域",
    "汇总",
    "分析",
    "说明",
    "口径",
    "样本",
    "季节",
    "天气",
]


def table_csv(target_bytes: int, rng: random.Random) -> bytes:
    rows, size, out = [], 0, io.StringIO()
    out.write("county_code,day,category,note,visitors,amount\n")
    while size < target_bytes:
        line = (
            f"{rng.choice(COUNTIES)},2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
            f"{rng.choice(WORDS)},{''.join(rng.choices(WORDS, k=4))},{rng.randint(10, 5000)},{rng.random() * 1e5:.2f}\n"
        )
        size += len(line.encode())
        rows.append(line)
    out.writelines(rows)
    return out.getvalue().encode()


def parquet_table(rows: int, rng: random.Random) -> bytes:
    frame = pd.DataFrame(
        {
            "county_code": [rng.choice(COUNTIES) for _ in range(rows)],
            "hour": [rng.randint(0, 23) for _ in range(rows)],
            "n": [rng.randint(10, 900) for _ in range(rows)],
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def notebook(target_bytes: int, rng: random.Random) -> bytes:
    cells, size = [], 0
    while size < target_bytes:
        text = "".join(rng.choices(WORDS, k=200))
        cells.append({"cell_type": "markdown", "metadata": {}, "source": [text]})
        cells.append(
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": ["df.groupby('county_code').size()"],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [text]}],
            }
        )
        size += 2 * len(text.encode()) + 200
    doc = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, ensure_ascii=False).encode()


def model_json(rng: random.Random) -> bytes:
    nodes = 2047
    left = [2 * i + 1 if 2 * i + 1 < nodes else -1 for i in range(nodes)]
    samples = [rng.randint(20, 400) for _ in range(nodes)]
    tree = {"children_left": left, "n_node_samples": samples}
    return json.dumps({"model_type": "DecisionTreeRegressor", "tree_": tree}).encode()


def request_files(total: int, text_share: float, rng: random.Random) -> list[tuple[str, bytes]]:
    text = int(total * text_share)
    files = [
        ("hourly.parquet", parquet_table(150_000, rng)),
        ("analysis.ipynb", notebook(int(text * 0.75), rng)),
        ("tree.json", model_json(rng)),
        ("method.md", ("# 方法说明\n\n" + "".join(rng.choices(WORDS, k=text // 16))).encode()),
    ]
    files.append(("daily_by_county.csv", table_csv(total - sum(len(d) for _, d in files), rng)))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--text-share", type=float, default=0.1, help="share of free text (notebook, Markdown)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    files = request_files(int(args.mb * 1024 * 1024), args.text_share, rng)
    size = sum(len(d) for _, d in files)
    datasets = ("tourism.lodging_checkin",)
    source = SourceQuery("r-" + "0" * 32, 1, "ent-a", "g", "SELECT …", "SELECT …", datasets, (), "aggregate", 4, 20)
    earlier_frame = pd.DataFrame({"county_code": COUNTIES, "visitors": [rng.randint(100, 900) for _ in COUNTIES]})

    t0 = time.perf_counter()
    scan_file("warm-up.md", "引擎预热".encode())  # the gateway loads the NLP engine once per process
    print(f"PII engine start-up (once per gateway process, not counted): {time.perf_counter() - t0:.2f} s")
    started = time.perf_counter()
    submitted = intake(files)
    intake_s = time.perf_counter() - started
    earlier = (EarlierTable("x-earlier", "earlier.csv", as_numbers(earlier_frame)),)
    ctx = CheckContext(files=tuple(submitted), sources=(source,), k=20, earlier=earlier)
    timings, findings = {}, 0
    for name, check in CHECKS:
        t1 = time.perf_counter()
        findings += len(check(ctx))
        timings[name] = time.perf_counter() - t1
    elapsed = time.perf_counter() - started

    print(
        f"request: {len(files)} files, {size / 1024 / 1024:.1f} MiB ({args.text_share:.0%} free text); "
        f"findings: {findings}"
    )
    print(f"intake (names, types by content, parsing): {intake_s:.2f} s")
    for name, seconds in timings.items():
        print(f"  check {name:<13} {seconds:6.2f} s")
    verdict = "meets" if elapsed <= 10 else "MISSES"
    rate = size / 1024 / 1024 / elapsed
    print(f"total automatic checks: {elapsed:.2f} s ({rate:.1f} MiB/s) — {verdict} the ≤ 10 s target")


if __name__ == "__main__":
    main()
