"""DP queries through the real query service: charge before execution, cache, dry run, exhaustion, audit.

Also the DP attack classes that need the whole path: averaging (the cache), differencing (noise on both
releases and both charged), many partitions (partition selection), error oracles (total expressions and
no refund), amplifying expressions (refused or clamped, see test_dp_bounding and the golden refusals).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dp_support import ask, events, grant, home, service

from sandbox.errors import WarehouseError
from sandbox.privacy import BudgetExhausted
from sandbox.queries import QueryService
from sandbox.queries.results import json_rows
from sandbox.settings import Settings
from sandbox.warehouse.executor import Executor, query_failed

GROUPED = "SELECT gender, count(*) AS n, avg(deposit_base) AS base FROM housing_fund.hpf_account GROUP BY gender"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Settings:
    return home(tmp_path_factory.mktemp("dp-service"), tiny_warehouse)


@pytest.fixture(scope="module")
def svc(settings: Settings) -> Iterator[QueryService]:
    with service(settings) as opened:
        yield opened


def test_a_dp_answer_is_noisy_charged_once_audited_and_carries_error_bounds(
    settings: Settings, svc: QueryService
) -> None:
    token = grant(settings, 2.0)
    result = ask(svc, token, GROUPED)
    assert result.table.column_names == ["gender", "n", "base", "n_ci95", "base_ci95"]
    assert sorted(result.table.column("gender").to_pylist()) == ["女", "男"]
    assert all(h > 0 for h in result.table.column("n_ci95").to_pylist())
    privacy = result.privacy.to_json()
    assert (privacy["mode"], privacy["epsilon_spent"], privacy["budget_remaining"]) == ("dp", 0.5, 1.5)
    assert privacy["delta_spent"] == 1e-6
    charges = [e for e in events(settings, "budget.charge") if e.detail["charge_id"] == privacy["charge_id"]]
    assert len(charges) == 1 and charges[0].target == "housing_fund.hpf_account"
    assert charges[0].detail["costs"]["housing_fund.hpf_account"]["epsilon"] == 0.5
    queries = [e for e in events(settings, "query") if e.detail.get("result_id") == result.result_id]
    assert queries[0].detail["epsilon"] == 0.5 and queries[0].detail["epsilon_spent"] == 0.5
    budget = svc.budget(token, correlation_id="c-budget")
    row = next(d for d in budget["datasets"] if d["dataset"] == "housing_fund.hpf_account")
    assert (row["epsilon_spent"], row["epsilon_remaining"]) == (0.5, 1.5)


def test_averaging_gains_nothing_the_same_query_replays_the_same_answer_free(
    settings: Settings, svc: QueryService
) -> None:
    token = grant(settings, 1.0)
    first = ask(svc, token, GROUPED, epsilon=0.25)
    spelled_differently = GROUPED.replace("SELECT", "select").replace(" count(*)", "  COUNT(*)")
    again = [ask(svc, token, q, epsilon=0.25) for q in (GROUPED, spelled_differently, GROUPED)]
    assert all(json_rows(r.table) == json_rows(first.table) for r in again)
    assert all(r.privacy.epsilon_spent == 0.0 and r.privacy.extra["cached"] for r in again)
    assert [r.result_id for r in again] == [first.result_id] * 3
    assert again[-1].privacy.budget_remaining == 0.75
    other_epsilon = ask(svc, token, GROUPED, epsilon=0.5)  # another release: paid for
    assert other_epsilon.privacy.epsilon_spent == 0.5 and other_epsilon.privacy.budget_remaining == 0.25


def test_a_dry_run_reports_the_cost_and_charges_nothing(settings: Settings, svc: QueryService) -> None:
    token = grant(settings, 1.0)
    dry = ask(svc, token, GROUPED, epsilon=0.3, dry_run=True)
    extra = dry.privacy.extra
    assert (extra["dry_run"], extra["epsilon_cost"], extra["affordable"], dry.table.num_rows) == (True, 0.3, True, 0)
    assert dry.privacy.budget_remaining == 1.0
    too_dear = ask(svc, token, "SELECT count(*) FROM housing_fund.si_insured", epsilon=2.0, dry_run=True)
    assert too_dear.privacy.extra["affordable"] is False
    rows = svc.budget(token, correlation_id="c")["datasets"]
    assert next(d for d in rows if d["dataset"] == "housing_fund.si_insured")["epsilon_spent"] == 0.0


def test_when_the_budget_would_go_below_zero_the_query_is_refused_and_says_so(
    settings: Settings, svc: QueryService
) -> None:
    token = grant(settings, 1.0)
    for status in ("正常", "封存"):
        ask(svc, token, f"SELECT count(*) FROM housing_fund.hpf_account WHERE status = '{status}'", epsilon=0.4)
    with pytest.raises(BudgetExhausted) as caught:
        ask(svc, token, "SELECT count(*) FROM housing_fund.hpf_account WHERE status = '销户'", epsilon=0.4)
    error = caught.value
    assert error.code == "budget.exhausted" and error.dataset == "housing_fund.hpf_account"
    assert "remaining ε = 0.2" in error.message and "剩余 ε = 0.2" in error.message_zh
    assert "销户" not in error.message + error.message_zh
    refused = [e for e in events(settings, "query") if e.detail.get("code") == "budget.exhausted"]
    assert refused and refused[-1].outcome == "refused"


def test_out_of_range_epsilon_and_bounds_are_refused_before_any_charge(settings: Settings, svc: QueryService) -> None:
    token = grant(settings, 1.0)
    for options in ({"epsilon": 0.0}, {"epsilon": 50.0}, {"epsilon": -1.0}, {"max_rows_per_unit": 0}):
        with pytest.raises(Exception) as caught:
            ask(svc, token, "SELECT count(*) FROM housing_fund.hpf_loan", **options)
        assert getattr(caught.value, "code", "") == "request.invalid_dp_option"
    row = next(d for d in svc.budget(token, correlation_id="c")["datasets"] if d["dataset"] == "housing_fund.hpf_loan")
    assert row["epsilon_spent"] == 0.0


def test_many_partitions_one_unit_each_are_all_suppressed(settings: Settings, svc: QueryService) -> None:
    token = grant(settings, 1.0)
    result = ask(svc, token, "SELECT wd_id, count(*) AS n FROM housing_fund.hpf_withdrawal GROUP BY wd_id", epsilon=1.0)
    assert result.table.num_rows == 0  # ~2,000 true groups of one unit each: none passes selection
    assert result.privacy.epsilon_spent == 1.0


def test_differencing_pairs_are_each_noised_and_each_charged(settings: Settings, svc: QueryService) -> None:
    token = grant(settings, 2.0)
    base = "SELECT sum(balance) AS s FROM housing_fund.hpf_account WHERE status = '正常'"
    victim = base + " AND person_id_no <> 'someone'"
    answers = [ask(svc, token, sql, epsilon=1.0) for sql in (base, victim)]
    assert [a.privacy.epsilon_spent for a in answers] == [1.0, 1.0]
    # The difference carries noise of both releases, each calibrated to one person's full range.
    half_widths = [a.table.column("s_ci95").to_pylist()[0] for a in answers]
    assert all(h >= 300_000 for h in half_widths)
    with pytest.raises(BudgetExhausted):
        ask(svc, token, base + " AND gender = '男'", epsilon=0.5)


def test_an_error_oracle_gets_no_error_and_pays_for_every_probe(settings: Settings, svc: QueryService) -> None:
    token = grant(settings, 1.0)
    probe = (
        "SELECT count(*) FROM housing_fund.hpf_account "
        "WHERE CAST(CASE WHEN gender = '男' AND balance > 50000 THEN 'x' ELSE '1' END AS INT) = 1"
    )
    result = ask(svc, token, probe, epsilon=0.5)  # the cast is made total: no data-dependent error
    assert result.privacy.epsilon_spent == 0.5 and "try_cast" in result.rewritten_sql.lower()


class _FailingExecutor:
    """The warehouse failing after the charge (a data-dependent error, a crash): injected, not simulated data."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.dialect = inner.dialect

    def run(self, sql: str, **_: object) -> object:
        raise query_failed()

    def close(self) -> None:
        return None


def test_when_execution_fails_after_the_charge_nothing_is_refunded(settings: Settings, svc: QueryService) -> None:
    token = grant(settings, 1.0)
    sql = "SELECT count(*) FROM housing_fund.re_transaction"
    real = svc.executor
    svc.executor = _FailingExecutor(real)  # type: ignore[assignment]
    try:
        with pytest.raises(WarehouseError):
            ask(svc, token, sql, epsilon=0.6)
    finally:
        svc.executor = real
    again = ask(svc, token, sql, epsilon=0.3)  # a retry is a new, paid attempt
    assert again.privacy.epsilon_spent == 0.3 and again.privacy.budget_remaining == pytest.approx(0.1)
    with pytest.raises(BudgetExhausted):
        ask(svc, token, sql, epsilon=0.6)


def test_public_keys_from_an_open_table_are_all_released_without_selection(
    settings: Settings, svc: QueryService
) -> None:
    token = grant(settings, 1.0)
    sql = (
        "SELECT e.region_code, count(*) AS n FROM housing_fund.hpf_account AS a "
        "JOIN housing_fund.hpf_employer AS e ON a.employer_id = e.employer_id "
        "WHERE a.status = '销户' GROUP BY e.region_code"
    )
    result = ask(svc, token, sql, epsilon=0.5)
    codes = result.table.column("region_code").to_pylist()
    domain = svc.executor.run(
        "SELECT DISTINCT region_code FROM housing_fund.hpf_employer", hash_key=bytes(32), timeout_s=10, max_rows=100
    )
    assert codes == sorted(domain.table.column(0).to_pylist())  # every key, present in the data or not
    assert result.privacy.extra["delta_spent"] == 0.0  # no partition selection: no δ
    assert any("open table" in n for n in result.notices)


def test_gaussian_noise_on_request_spends_delta_too(settings: Settings, svc: QueryService) -> None:
    token = grant(settings, 1.0)
    sql = "SELECT type, count(*) AS n, sum(amount) AS s FROM housing_fund.hpf_withdrawal GROUP BY type"
    result = ask(svc, token, sql, epsilon=0.6, mechanism="gaussian")
    assert result.privacy.extra["delta_spent"] == pytest.approx(2e-6)  # selection 1e-6 + aggregates 1e-6
    assert result.privacy.epsilon_spent == 0.6
    pure = ask(svc, token, sql, epsilon=0.3)  # another mechanism: another release, not the cached one
    assert pure.privacy.extra["delta_spent"] == pytest.approx(1e-6) and pure.privacy.epsilon_spent == 0.3
    with pytest.raises(Exception) as caught:
        ask(svc, token, sql, epsilon=0.1, mechanism="uniform")
    assert getattr(caught.value, "code", "") == "request.invalid_dp_option"
