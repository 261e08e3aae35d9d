"""Several writer processes, all creating the log at once, share one origin and one gap-free sequence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit import generate_signing_key, open_log, verify

WRITER = r"""
import sys
from audit import AuditEvent, SequencerSettings, load_signing_key, open_log
settings = SequencerSettings(checkpoint_every=50, checkpoint_interval_s=0.1)
with open_log(sys.argv[1], load_signing_key(sys.argv[2]), settings=settings) as log:
    for i in range(int(sys.argv[4])):
        print(log.append(AuditEvent("query", sys.argv[3], "allowed", detail={"i": i})).seq, flush=True)
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return str(tmp_path / "audit.db")


def test_writer_processes_share_one_sequence(location: str, tmp_path: Path) -> None:
    key = generate_signing_key(tmp_path / "audit.key")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, location, str(tmp_path / "audit.key"), f"proc{n}", "150"],
            stdout=subprocess.PIPE,
            env=env,
        )
        for n in range(4)
    ]
    acked: dict[str, list[int]] = {}
    try:
        for n, proc in enumerate(procs):
            out, _ = proc.communicate(timeout=120)
            assert proc.returncode == 0
            acked[f"proc{n}"] = [int(line) for line in out.split()]
    finally:  # a failed writer must not leave the others running into the next test
        for proc in procs:
            proc.kill()
            proc.wait()
            if proc.stdout:
                proc.stdout.close()
    assert sorted(s for seqs in acked.values() for s in seqs) == list(range(1, 601))
    with open_log(location, key) as log:
        for producer, seqs in acked.items():
            assert [e.seq for e in log.iter_events() if e.event.actor == producer] == seqs
        log.checkpoint()
        report = verify(log, key.public_key())
    assert report.ok, report.lines()
