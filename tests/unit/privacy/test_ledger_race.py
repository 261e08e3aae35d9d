"""The budget race on SQLite: N concurrent charges (threads, then processes) of which only k are affordable."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from sandbox.privacy.ledger import BudgetExhausted, Cost
from sandbox.state.ledger_store import SqlBudgetLedger
from sandbox.state.migrate import migrate

ACCOUNT = "housing_fund.hpf_account"
LOAN = "housing_fund.hpf_loan"
ALLOCATION = {ACCOUNT: Cost(1.0), LOAN: Cost(1.0)}
COST = 0.3  # k = 3 charges fit in ε = 1.0; 0.1 stays
N = 12


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    migrate(url)
    return url


def attempt(ledger: SqlBudgetLedger, grant: str, datasets: tuple[str, ...], fingerprint: str) -> str:
    try:
        return ledger.charge(grant, dict.fromkeys(datasets, (COST, 0.0)), ALLOCATION, fingerprint).status
    except BudgetExhausted:
        return "exhausted"


def race_threads(url: str, datasets: tuple[str, ...], fingerprints: list[str]) -> Counter[str]:
    ledgers = [SqlBudgetLedger.from_url(url) for _ in range(4)]  # several engines and pools, as several workers
    start = threading.Barrier(len(fingerprints))

    def run(n: int) -> str:
        start.wait()
        return attempt(ledgers[n % len(ledgers)], "g1", datasets, fingerprints[n])

    with ThreadPoolExecutor(max_workers=len(fingerprints)) as pool:
        outcomes = Counter(pool.map(run, range(len(fingerprints))))
    for ledger in ledgers:
        ledger.close()
    return outcomes


def spent(url: str, dataset: str) -> tuple[float, float]:
    ledger = SqlBudgetLedger.from_url(url)
    balance = next(b for b in ledger.balances("g1", ALLOCATION) if b.dataset == dataset)
    ledger.close()
    assert balance.epsilon_remaining >= 0
    return balance.epsilon_spent, balance.epsilon_remaining


def test_when_threads_race_for_the_budget_then_exactly_the_affordable_charges_succeed(url: str) -> None:
    outcomes = race_threads(url, (ACCOUNT,), [f"q{n}" for n in range(N)])
    assert outcomes == Counter({"charged": 3, "exhausted": N - 3})
    assert spent(url, ACCOUNT) == (0.9, 0.1)  # exactly allocation − k·cost, never below zero


def test_when_threads_race_across_two_datasets_then_each_charge_is_all_or_nothing(url: str) -> None:
    warm = SqlBudgetLedger.from_url(url)
    warm.charge("g1", {LOAN: (0.5, 0.0)}, ALLOCATION, "loan-only")  # the loan account can now pay just once
    warm.close()
    outcomes = race_threads(url, (ACCOUNT, LOAN), [f"join{n}" for n in range(N)])
    assert outcomes == Counter({"charged": 1, "exhausted": N - 1})
    assert spent(url, ACCOUNT) == (0.3, 0.7)
    assert spent(url, LOAN) == (0.8, 0.2)


def test_when_threads_race_with_the_same_query_then_it_is_charged_once(url: str) -> None:
    outcomes = race_threads(url, (ACCOUNT,), ["same"] * N)
    assert outcomes == Counter({"charged": 1, "pending": N - 1})
    assert spent(url, ACCOUNT) == (0.3, 0.7)


def charge_in_process(url: str, fingerprint: str, start: Any, results: Any) -> None:
    """Runs in a spawned process: its own interpreter, engine and SQLite connections."""
    ledger = SqlBudgetLedger.from_url(url)
    start.wait()
    results.put(attempt(ledger, "g1", (ACCOUNT,), fingerprint))
    ledger.close()


def test_when_processes_race_for_the_budget_then_exactly_the_affordable_charges_succeed(url: str) -> None:
    context = multiprocessing.get_context("spawn")
    count = 8
    start = context.Barrier(count)
    results = context.Queue()
    workers = [context.Process(target=charge_in_process, args=(url, f"p{n}", start, results)) for n in range(count)]
    for worker in workers:
        worker.start()
    outcomes = Counter(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert outcomes == Counter({"charged": 3, "exhausted": count - 3})
    assert spent(url, ACCOUNT) == (0.9, 0.1)
