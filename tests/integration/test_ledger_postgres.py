"""The budget ledger and answer cache on PostgreSQL: the race (row locks), all-or-nothing, no refund, restart."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sandbox.privacy.ledger import BudgetExhausted, Cost
from sandbox.state.db import make_engine
from sandbox.state.ledger_store import SqlBudgetLedger
from sandbox.state.migrate import current_revision, head_revision, migrate
from sandbox.state.models import Base

pytestmark = pytest.mark.postgres

ACCOUNT = "housing_fund.hpf_account"
LOAN = "housing_fund.hpf_loan"
ALLOCATION = {ACCOUNT: Cost(1.0, 1e-6), LOAN: Cost(1.0)}
COST = 0.3  # k = 3 charges fit in ε = 1.0
N = 16


@pytest.fixture
def url(pg_database: str) -> str:
    migrate(pg_database)
    return pg_database


def spent(url: str, dataset: str) -> tuple[float, float]:
    ledger = SqlBudgetLedger.from_url(url)
    balance = next(b for b in ledger.balances("g1", ALLOCATION) if b.dataset == dataset)
    ledger.close()
    assert balance.epsilon_remaining >= 0
    return balance.epsilon_spent, balance.epsilon_remaining


def race(url: str, datasets: tuple[str, ...], fingerprints: list[str]) -> Counter[str]:
    ledgers = [SqlBudgetLedger.from_url(url) for _ in range(4)]
    start = threading.Barrier(len(fingerprints))

    def run(n: int) -> str:
        start.wait()
        try:
            costs = dict.fromkeys(datasets, (COST, 0.0))
            return ledgers[n % len(ledgers)].charge("g1", costs, ALLOCATION, fingerprints[n]).status
        except BudgetExhausted:
            return "exhausted"

    with ThreadPoolExecutor(max_workers=len(fingerprints)) as pool:
        outcomes = Counter(pool.map(run, range(len(fingerprints))))
    for ledger in ledgers:
        ledger.close()
    return outcomes


def test_the_ledger_schema_is_migrated_and_matches_the_models(url: str) -> None:
    assert current_revision(url) == head_revision()
    engine = make_engine(url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_when_threads_race_for_a_new_account_then_exactly_the_affordable_charges_succeed(url: str) -> None:
    # The account does not exist yet: every racer also races to open it (INSERT … ON CONFLICT DO NOTHING).
    outcomes = race(url, (ACCOUNT,), [f"q{n}" for n in range(N)])
    assert outcomes == Counter({"charged": 3, "exhausted": N - 3})
    assert spent(url, ACCOUNT) == (0.9, 0.1)


def test_when_threads_race_across_two_datasets_then_each_charge_is_all_or_nothing(url: str) -> None:
    warm = SqlBudgetLedger.from_url(url)
    warm.charge("g1", {LOAN: (0.5, 0.0)}, ALLOCATION, "loan-only")
    warm.close()
    outcomes = race(url, (LOAN, ACCOUNT), [f"join{n}" for n in range(N)])
    assert outcomes == Counter({"charged": 1, "exhausted": N - 1})
    assert spent(url, ACCOUNT) == (0.3, 0.7)
    assert spent(url, LOAN) == (0.8, 0.2)


def test_when_threads_race_with_the_same_query_then_it_is_charged_once(url: str) -> None:
    outcomes = race(url, (ACCOUNT,), ["same"] * N)
    assert outcomes == Counter({"charged": 1, "pending": N - 1})
    assert spent(url, ACCOUNT) == (0.3, 0.7)


def test_exhaustion_failure_without_refund_and_restart(url: str) -> None:
    ledger = SqlBudgetLedger.from_url(url)
    paid = ledger.charge("g1", {ACCOUNT: (0.6, 1e-7)}, ALLOCATION, "fp", mechanism={"name": "geometric"})
    ledger.store_answer(paid, b'{"count": 7}')
    failed = ledger.charge("g1", {ACCOUNT: (0.25, 0.0)}, ALLOCATION, "fails")
    ledger.abandon(failed)  # the query raised: the charge stands
    with pytest.raises(BudgetExhausted) as caught:
        ledger.charge("g1", {ACCOUNT: (0.25, 0.0)}, ALLOCATION, "fails")
    assert caught.value.code == "budget.exhausted" and caught.value.dataset == ACCOUNT
    assert "remaining ε = 0.15" in caught.value.message and "asks ε = 0.25" in caught.value.message
    ledger.close()

    restarted = SqlBudgetLedger.from_url(url)
    balance = restarted.balances("g1", ALLOCATION)[0]
    assert (balance.epsilon_spent, balance.epsilon_remaining, balance.delta_spent) == (0.85, 0.15, 1e-7)
    again = restarted.charge("g1", {ACCOUNT: (0.6, 1e-7)}, ALLOCATION, "fp")
    assert again.status == "cached" and again.answer is not None
    assert again.answer.value() == {"count": 7} and again.answer.mechanism == {"name": "geometric"}
    assert restarted.get_cached("g1", "fails") is None
    restarted.close()
