"""The budget ledger and answer cache on SQLite: exact charging, refusal, all-or-nothing, no refund, caching,
persistence across a restart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from sandbox.errors import SandboxError
from sandbox.privacy.ledger import Balance, BudgetExhausted, Cost
from sandbox.state.db import make_engine
from sandbox.state.ledger_store import SqlBudgetLedger
from sandbox.state.migrate import migrate
from sandbox.state.models import PrivacyChargeRow

ACCOUNT = "housing_fund.hpf_account"
CHECKIN = "tourism.lodging_checkin"
ALLOCATION = {ACCOUNT: Cost(1.0, 1e-6), CHECKIN: Cost(0.5)}


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    migrate(url)
    return url


@pytest.fixture
def ledger(url: str) -> Iterator[SqlBudgetLedger]:
    ledger = SqlBudgetLedger.from_url(url)
    yield ledger
    ledger.close()


def balance(ledger: SqlBudgetLedger, dataset: str, grant: str = "g1") -> Balance:
    return next(b for b in ledger.balances(grant, ALLOCATION) if b.dataset == dataset)


def charge_rows(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(PrivacyChargeRow)).scalar_one()
    engine.dispose()
    return count


def test_when_charged_then_spent_and_remaining_are_exact(ledger: SqlBudgetLedger) -> None:
    for n in range(10):
        receipt = ledger.charge("g1", {ACCOUNT: (0.1, 0.0)}, ALLOCATION, f"q{n}")
        assert receipt.charged
        assert receipt.costs == {ACCOUNT: Cost(0.1, 0.0)}
    assert receipt.remaining == {ACCOUNT: Cost(0.0, 1e-6)}
    assert balance(ledger, ACCOUNT) == Balance(ACCOUNT, 1.0, 1.0, 0.0, 1e-6, 0.0, 1e-6)


def test_balances_list_unused_datasets_at_their_allocation(ledger: SqlBudgetLedger) -> None:
    ledger.charge("g1", {CHECKIN: (0.2, 0.0)}, ALLOCATION, "q")
    assert ledger.balances("g1", ALLOCATION) == [
        Balance(ACCOUNT, 1.0, 0.0, 1.0, 1e-6, 0.0, 1e-6),
        Balance(CHECKIN, 0.5, 0.2, 0.3, 0.0, 0.0, 0.0),
    ]
    assert ledger.balances("other-grant", ALLOCATION)[1].epsilon_remaining == 0.5


def test_when_budget_is_exhausted_then_refused_with_dataset_and_remaining(url: str, ledger: SqlBudgetLedger) -> None:
    ledger.charge("g1", {CHECKIN: (0.375, 0.0)}, ALLOCATION, "q1")
    with pytest.raises(BudgetExhausted) as caught:
        ledger.charge("g1", {CHECKIN: (0.25, 0.0)}, ALLOCATION, "q2")
    error = caught.value
    assert isinstance(error, SandboxError)
    assert error.code == "budget.exhausted"
    assert (error.dataset, error.remaining, error.asked) == (CHECKIN, Cost(0.125), Cost(0.25))
    assert "exhausted" in error.message and CHECKIN in error.message
    assert "remaining ε = 0.125" in error.message and "asks ε = 0.25" in error.message
    assert CHECKIN in error.message_zh and "剩余 ε = 0.125" in error.message_zh
    assert balance(ledger, CHECKIN).epsilon_spent == 0.375  # nothing charged
    assert charge_rows(url) == 1
    assert ledger.get_cached("g1", "q2") is None
    # the refused query holds no cache claim: once affordable it is charged normally
    assert ledger.charge("g1", {CHECKIN: (0.125, 0.0)}, ALLOCATION, "q2").charged


def test_when_delta_is_short_then_the_message_names_delta(ledger: SqlBudgetLedger) -> None:
    with pytest.raises(BudgetExhausted) as caught:
        ledger.charge("g1", {ACCOUNT: (0.1, 1e-5)}, ALLOCATION, "q")
    assert "remaining δ = 1e-06" in caught.value.message and "asked δ = 1e-05" in caught.value.message
    assert balance(ledger, ACCOUNT).epsilon_spent == 0.0


def test_when_one_dataset_cannot_pay_then_no_dataset_is_charged(url: str, ledger: SqlBudgetLedger) -> None:
    costs = {ACCOUNT: (0.4, 0.0), CHECKIN: (0.4, 0.0)}
    assert ledger.charge("g1", costs, ALLOCATION, "join-1").charged
    with pytest.raises(BudgetExhausted) as caught:
        ledger.charge("g1", costs, ALLOCATION, "join-2")
    assert caught.value.dataset == CHECKIN
    assert balance(ledger, ACCOUNT).epsilon_spent == 0.4  # the account could pay, yet was not charged
    assert balance(ledger, CHECKIN).epsilon_spent == 0.4
    assert charge_rows(url) == 2  # one row per dataset of the first charge only


def test_when_the_query_fails_after_the_charge_then_nothing_is_refunded(ledger: SqlBudgetLedger) -> None:
    receipt = ledger.charge("g1", {ACCOUNT: (0.3, 0.0)}, ALLOCATION, "q")
    ledger.abandon(receipt)  # the query raised
    assert balance(ledger, ACCOUNT).epsilon_spent == 0.3
    assert ledger.get_cached("g1", "q") is None
    retry = ledger.charge("g1", {ACCOUNT: (0.3, 0.0)}, ALLOCATION, "q")
    assert retry.charged and retry.charge_id != receipt.charge_id  # a retry is a new, paid attempt
    assert balance(ledger, ACCOUNT).epsilon_spent == 0.6


def test_when_the_same_query_is_asked_again_then_the_cached_answer_is_replayed_free(ledger: SqlBudgetLedger) -> None:
    first = ledger.charge("g1", {ACCOUNT: (0.5, 0.0)}, ALLOCATION, "fp", mechanism={"name": "laplace", "epsilon": 0.5})
    stored = ledger.store_answer(first, b'{"rows": [[1, 41.7]]}')
    for _ in range(5):
        again = ledger.charge("g1", {ACCOUNT: (0.5, 0.0)}, ALLOCATION, "fp")
        assert again.status == "cached" and not again.charged
        assert again.answer == stored and again.charge_id == first.charge_id
    assert stored.value() == {"rows": [[1, 41.7]]}
    assert stored.mechanism == {"name": "laplace", "epsilon": 0.5}
    assert stored.costs == {ACCOUNT: Cost(0.5, 0.0)}
    assert balance(ledger, ACCOUNT).epsilon_spent == 0.5
    # the cache is per grant: another grant pays for its own answer
    assert ledger.get_cached("g2", "fp") is None
    assert ledger.charge("g2", {ACCOUNT: (0.5, 0.0)}, ALLOCATION, "fp").charged


def test_when_a_duplicate_arrives_while_the_first_runs_then_it_is_pending_and_free(ledger: SqlBudgetLedger) -> None:
    first = ledger.charge("g1", {ACCOUNT: (0.5, 0.0)}, ALLOCATION, "fp")
    duplicate = ledger.charge("g1", {ACCOUNT: (0.5, 0.0)}, ALLOCATION, "fp")
    assert duplicate.status == "pending" and duplicate.charge_id == first.charge_id and not duplicate.costs
    assert balance(ledger, ACCOUNT).epsilon_spent == 0.5
    with pytest.raises(ValueError, match="paid"):
        ledger.store_answer(duplicate, b"{}")
    ledger.store_answer(first, b'{"n": 3}')
    cached = ledger.get_cached("g1", "fp")
    assert cached is not None and cached.answer == b'{"n": 3}'


def test_when_a_claim_outlives_the_pending_ttl_then_a_new_charge_takes_it(url: str) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    ledger = SqlBudgetLedger.from_url(url, clock=lambda: now[0], pending_ttl=timedelta(seconds=60))
    crashed = ledger.charge("g1", {ACCOUNT: (0.25, 0.0)}, ALLOCATION, "fp")
    now[0] += timedelta(seconds=61)
    retry = ledger.charge("g1", {ACCOUNT: (0.25, 0.0)}, ALLOCATION, "fp")
    assert retry.charged and retry.charge_id != crashed.charge_id
    assert balance(ledger, ACCOUNT).epsilon_spent == 0.5
    late = ledger.store_answer(crashed, b"1")  # the first answer stored wins, whoever stores it
    assert ledger.store_answer(retry, b"2") == late
    ledger.abandon(crashed)  # a no-op once answered
    cached = ledger.get_cached("g1", "fp")
    assert cached is not None and cached.answer == b"1"
    ledger.close()


def test_when_restarted_then_balances_and_answers_survive(url: str) -> None:
    before = SqlBudgetLedger.from_url(url)
    receipt = before.charge("g1", {ACCOUNT: (0.25, 1e-7), CHECKIN: (0.25, 0.0)}, ALLOCATION, "fp")
    before.store_answer(receipt, b'{"count": 12}')
    expected = before.balances("g1", ALLOCATION)
    before.close()

    after = SqlBudgetLedger.from_url(url)
    assert after.balances("g1", ALLOCATION) == expected
    assert expected[0] == Balance(ACCOUNT, 1.0, 0.25, 0.75, 1e-6, 1e-7, 9e-7)
    cached = after.get_cached("g1", "fp")
    assert cached is not None and cached.value() == {"count": 12} and cached.charge_id == receipt.charge_id
    assert after.charge("g1", {ACCOUNT: (0.25, 1e-7)}, ALLOCATION, "fp").status == "cached"
    after.close()


def test_an_account_keeps_the_allocation_it_was_opened_with(ledger: SqlBudgetLedger) -> None:
    ledger.charge("g1", {CHECKIN: (0.5, 0.0)}, ALLOCATION, "q1")
    with pytest.raises(BudgetExhausted):
        ledger.charge("g1", {CHECKIN: (0.5, 0.0)}, {CHECKIN: Cost(10.0)}, "q2")
    assert balance(ledger, CHECKIN).epsilon_allocated == 0.5


def test_the_outcome_of_a_charge_is_written_once(ledger: SqlBudgetLedger) -> None:
    receipt = ledger.charge("g1", {ACCOUNT: (0.1, 0.0)}, ALLOCATION, "q", note="query")
    assert ledger.record_outcome(receipt.charge_id, "failed: timeout")
    assert not ledger.record_outcome(receipt.charge_id, "ok")
    assert not ledger.record_outcome("no-such-charge", "ok")


def test_rounding_never_grants_budget(ledger: SqlBudgetLedger) -> None:
    tiny = {ACCOUNT: Cost(1e-10)}  # below the ledger's resolution: rounded up to one unit, not down to zero
    ledger.charge("g1", tiny, ALLOCATION, "q")
    assert balance(ledger, ACCOUNT).epsilon_spent == 1e-9


@pytest.mark.parametrize(
    ("costs", "allocation", "message"),
    [
        ({}, ALLOCATION, "at least one"),
        ({"schema.unknown": (0.1, 0.0)}, ALLOCATION, "no allocation"),
        ({ACCOUNT: (0.0, 0.0)}, ALLOCATION, "ε out of range"),
        ({ACCOUNT: (-0.1, 0.0)}, ALLOCATION, "ε out of range"),
        ({ACCOUNT: (float("nan"), 0.0)}, ALLOCATION, "finite"),
        ({ACCOUNT: (0.1, 2.0)}, ALLOCATION, "δ"),
        ({ACCOUNT: (0.1, 0.0)}, {ACCOUNT: (float("inf"), 0.0)}, "finite"),
    ],
)
def test_malformed_charges_are_programming_errors(
    ledger: SqlBudgetLedger, costs: dict[str, tuple[float, float]], allocation: dict[str, Cost], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ledger.charge("g1", costs, allocation, "q")


def test_ledger_transactions_take_the_sqlite_write_lock_at_begin(url: str, ledger: SqlBudgetLedger) -> None:
    engine = make_engine(url, sqlite_immediate=True)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))  # no write yet, but BEGIN IMMEDIATE already holds the lock
        other = make_engine(url)
        with other.connect() as blocked:
            blocked.exec_driver_sql("PRAGMA busy_timeout=0")
            with pytest.raises(OperationalError, match="locked"):
                blocked.exec_driver_sql("BEGIN IMMEDIATE")
        other.dispose()
    engine.dispose()
