"""The PII benchmark's quality targets (issue 6) on the generated labelled table; its speed is measured by
`bench/bench_pii.py` (figures in the README), not asserted here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_pii.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_pii", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_structured_csv_precision_and_recall_at_least_099() -> None:
    result = _bench().structured(rows=3_000, seed=11)
    assert result["precision"] >= 0.99
    assert result["recall"] >= 0.99
    assert result["findings"] > 0


def test_person_names_in_free_text_meet_targets_on_both_sentence_sets() -> None:
    bench = _bench()
    for path in (bench.NAMES_FILE, bench.HELDOUT_FILE):
        result = bench.names(bench.load_sentences(path))
        assert result["precision"] >= 0.8 and result["recall"] >= 0.8, path.name
