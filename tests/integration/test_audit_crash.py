"""Crash safety: SIGKILL a writer process mid-batch, again and again; no acknowledged event may be lost.

The child prints "<seq> <leaf hex>" only after ``append`` has returned, so every printed line is an
acknowledged event. After all the kills the log must verify and contain each of them, unchanged.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import generate_signing_key, open_store, verify

CHILD = r"""
import sys, threading
from audit import AuditEvent, SequencerSettings, load_signing_key, open_log
log = open_log(sys.argv[1], load_signing_key(sys.argv[2]),
               settings=SequencerSettings(checkpoint_every=64, checkpoint_interval_s=0.05))
lock = threading.Lock()
def produce(t):
    i = 0
    while True:
        r = log.append(AuditEvent("query", f"p{t}", "allowed", detail={"sql": f"SELECT {i}", "datasets": ["a.b"]}))
        with lock:
            sys.stdout.write(f"{r.seq} {r.leaf_hash}\n")
            sys.stdout.flush()
        i += 1
print("ready", flush=True)
for t in range(int(sys.argv[3])):
    threading.Thread(target=produce, args=(t,), daemon=True).start()
threading.Event().wait()
"""


def _kill_loop(location: str, key_path: Path, kills: int, seed: int) -> dict[int, str]:
    rng = random.Random(seed)
    acked: dict[int, str] = {}
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for round_ in range(kills):
        threads = (1, 8, 32)[round_ % 3]
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, location, str(key_path), str(threads)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.01, 0.15))
        child.send_signal(signal.SIGKILL)
        out = child.stdout.read()
        child.stdout.close()
        child.wait()
        lines = out.split(b"\n")[:-1]  # the last piece may be cut mid-line: not acknowledged
        for line in lines:
            seq, leaf = line.decode().split()
            assert acked.setdefault(int(seq), leaf) == leaf, f"seq {seq} acknowledged twice with different events"
    return acked


def _check(location: str, public_key: object, acked: dict[int, str]) -> None:
    store = open_store(location)
    try:
        report = verify(store, public_key)  # type: ignore[arg-type]
        assert report.ok, report.lines()
        with store.snapshot() as snap:
            stored = {e.seq: e.leaf.hex() for e in snap.entries()}
    finally:
        store.close()
    assert acked, "the children never acknowledged anything"
    missing = [seq for seq in acked if stored.get(seq) != acked[seq]]
    assert missing == [], f"acknowledged events lost or changed: {missing[:10]}"
    assert sorted(stored) == list(range(1, len(stored) + 1))


def _run(tmp_path: Path, kills: int) -> None:
    key: Ed25519PrivateKey = generate_signing_key(tmp_path / "audit.key")
    location = str(tmp_path / "audit.db")
    acked = _kill_loop(location, tmp_path / "audit.key", kills, seed=kills)
    _check(location, key.public_key(), acked)


def test_sigkill_mid_batch_loses_no_acknowledged_event(tmp_path: Path) -> None:
    _run(tmp_path, kills=12)


@pytest.mark.slow
def test_120_sigkills_lose_no_acknowledged_event(tmp_path: Path) -> None:
    _run(tmp_path, kills=120)
