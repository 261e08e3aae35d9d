"""The budget cannot be raced and survives a restart, through the query service, on SQLite and PostgreSQL.

N threads send N different dp queries at once whose total cost exceeds the grant's budget: exactly the
affordable ones are answered, the rest get ``budget.exhausted``, and the spend equals the budget exactly.
Then the service is closed and reopened: the balance and the cached answers are still there.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from dp_support import ask, events, grant, home, service

from sandbox.privacy import BudgetExhausted
from sandbox.queries.results import json_rows
from sandbox.settings import Settings

STATUSES = ("正常", "封存", "销户")
GENDERS = ("男", "女")
QUERIES = [
    f"SELECT count(*) AS n FROM housing_fund.hpf_account WHERE status = '{s}' AND gender = '{g}' AND {i} = {i}"
    for i in range(2)
    for s in STATUSES
    for g in GENDERS
]  # 12 distinct queries


def _race_and_restart(settings: Settings) -> None:
    token = grant(settings, 2.0)  # 0.5 each: exactly 4 of the 12 are affordable
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(QUERIES))
    with service(settings) as svc:

        def run(sql: str) -> None:
            barrier.wait()
            try:
                ask(svc, token, sql, epsilon=0.5)
                outcome = "ok"
            except BudgetExhausted:
                outcome = "exhausted"
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=run, args=(sql,)) for sql in QUERIES]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert sorted(outcomes) == ["exhausted"] * 8 + ["ok"] * 4
        first = ask(svc, token, "SELECT count(*) AS n FROM housing_fund.si_insured", epsilon=1.0)
        balance = svc.budget(token, correlation_id="c")
    spent = {d["dataset"]: d["epsilon_spent"] for d in balance["datasets"] if d["charged"]}
    assert spent["housing_fund.hpf_account"] == 2.0
    charges = [e for e in events(settings, "budget.charge") if "housing_fund.hpf_account" in e.target]
    assert len([c for c in charges if c.detail["remaining"]["housing_fund.hpf_account"]["epsilon"] >= 0]) >= 4

    with service(settings) as reopened:  # a restart: new engine, new service, same state database
        replay = ask(reopened, token, "SELECT count(*) AS n FROM housing_fund.si_insured", epsilon=1.0)
        assert json_rows(replay.table) == json_rows(first.table)
        assert replay.privacy.epsilon_spent == 0.0 and replay.result_id == first.result_id
        with pytest.raises(BudgetExhausted):
            ask(reopened, token, QUERIES[0] + " AND 1 = 1", epsilon=0.5)
        after = reopened.budget(token, correlation_id="c")
    assert {d["dataset"]: d["epsilon_spent"] for d in after["datasets"] if d["charged"]} == spent


def test_race_and_restart_on_sqlite(tmp_path: Path, tiny_warehouse: Path) -> None:
    _race_and_restart(home(tmp_path / "home", tiny_warehouse))


@pytest.mark.postgres
def test_race_and_restart_on_postgres(tmp_path: Path, tiny_warehouse: Path, pg_database: str) -> None:
    url = pg_database.replace("postgresql://", "postgresql+psycopg://", 1)
    _race_and_restart(home(tmp_path / "home", tiny_warehouse, state_url=url))
