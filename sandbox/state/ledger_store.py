"""SQL implementation of the privacy budget ledger and answer cache (``sandbox.privacy.ledger.BudgetLedger``).

One transaction per charge, taken before the query runs:

1. claim the (grant, fingerprint) row of the answer cache (INSERT … ON CONFLICT DO NOTHING). If it exists
   and holds an answer, the charge stops there ("cached"); if another charge holds it and is still within
   ``pending_ttl``, it stops too ("pending"), so a concurrent duplicate is never charged twice;
2. open the accounts on first use (INSERT … ON CONFLICT DO NOTHING) and lock them in dataset order
   (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the whole transaction runs under ``BEGIN IMMEDIATE``);
3. if any account cannot pay, raise ``BudgetExhausted``: the rollback also drops the claim, so nothing is
   charged; otherwise add to ``spent`` and append one charge row per dataset.

Charges are never refunded: ``abandon`` only releases the cache claim.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Row, Select, Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sandbox.privacy.ledger import (
    Balance,
    BudgetExhausted,
    CachedAnswer,
    ChargeReceipt,
    Cost,
    allocation_units,
    cost_units,
    delta_from_units,
    epsilon_from_units,
)
from sandbox.state.db import make_engine
from sandbox.state.models import PrivacyAnswerRow, PrivacyBudgetRow, PrivacyChargeRow

BUDGETS = cast(Table, PrivacyBudgetRow.__table__)
CHARGES = cast(Table, PrivacyChargeRow.__table__)
ANSWERS = cast(Table, PrivacyAnswerRow.__table__)

Units = tuple[int, int]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SqlBudgetLedger:
    """Budget ledger over an engine made with ``make_engine(url, sqlite_immediate=True)``."""

    def __init__(
        self,
        engine: Engine,
        *,
        owns_engine: bool = False,
        pending_ttl: timedelta = timedelta(minutes=5),
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._engine = engine
        self._owns_engine = owns_engine
        self._pending_ttl = pending_ttl  # a claim older than this is from a crashed worker and may be re-taken
        self._clock = clock
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @classmethod
    def from_url(cls, url: str, **options: Any) -> SqlBudgetLedger:
        return cls(make_engine(url, sqlite_immediate=True), owns_engine=True, **options)

    def close(self) -> None:
        if self._owns_engine:
            self._engine.dispose()

    def charge(
        self,
        grant_jti: str,
        costs: Mapping[str, Cost | tuple[float, float]],
        allocation: Mapping[str, Cost | tuple[float, float]],
        fingerprint: str,
        *,
        mechanism: Mapping[str, Any] | None = None,
        note: str | None = None,
    ) -> ChargeReceipt:
        if not costs:
            raise ValueError("a charge needs at least one dataset")
        asked = {ds: cost_units(costs[ds], what=f"cost of {ds}") for ds in sorted(costs)}
        missing = [ds for ds in asked if ds not in allocation]
        if missing:
            raise ValueError(f"no allocation given for {', '.join(missing)}")
        limits = {ds: allocation_units(allocation[ds], what=f"allocation of {ds}") for ds in asked}
        charged = {ds: Cost(*map(float, costs[ds])) for ds in asked}
        params = dict(mechanism or {})
        now = self._clock()
        charge_id = str(uuid.uuid4())
        with self._engine.begin() as conn:
            held = self._claim(conn, grant_jti, fingerprint, charge_id, params, charged, now)
            if held is not None:
                return held
            accounts = self._lock_accounts(conn, grant_jti, limits, now)
            for ds, (eps, delta) in asked.items():
                account = accounts[ds]
                left = (
                    account.epsilon_allocated - account.epsilon_spent,
                    account.delta_allocated - account.delta_spent,
                )
                if eps > left[0] or delta > left[1]:
                    raise BudgetExhausted(ds, _cost(left), charged[ds])  # rolls back the claim too
            remaining: dict[str, Cost] = {}
            for ds, (eps, delta) in asked.items():
                account = accounts[ds]
                spent = (account.epsilon_spent + eps, account.delta_spent + delta)
                conn.execute(
                    update(BUDGETS)
                    .where(BUDGETS.c.grant_jti == grant_jti, BUDGETS.c.dataset == ds)
                    .values(epsilon_spent=spent[0], delta_spent=spent[1], updated_at=now)
                )
                remaining[ds] = _cost((account.epsilon_allocated - spent[0], account.delta_allocated - spent[1]))
            conn.execute(
                CHARGES.insert(),
                [
                    {
                        "charge_id": charge_id,
                        "dataset": ds,
                        "grant_jti": grant_jti,
                        "epsilon": eps,
                        "delta": delta,
                        "fingerprint": fingerprint,
                        "charged_at": now,
                        "note": note,
                    }
                    for ds, (eps, delta) in asked.items()
                ],
            )
        return ChargeReceipt("charged", charge_id, grant_jti, fingerprint, params, charged, remaining)

    def balances(self, grant_jti: str, allocation: Mapping[str, Cost | tuple[float, float]]) -> list[Balance]:
        with self._engine.connect() as conn:
            stored = {row.dataset: row for row in conn.execute(select(BUDGETS).where(BUDGETS.c.grant_jti == grant_jti))}
        out: list[Balance] = []
        for ds in sorted(set(allocation) | set(stored)):
            row = stored.get(ds)
            if row is not None:
                alloc, spent = (row.epsilon_allocated, row.delta_allocated), (row.epsilon_spent, row.delta_spent)
            else:
                alloc, spent = allocation_units(allocation[ds], what=f"allocation of {ds}"), (0, 0)
            out.append(
                Balance(
                    dataset=ds,
                    epsilon_allocated=epsilon_from_units(alloc[0]),
                    epsilon_spent=epsilon_from_units(spent[0]),
                    epsilon_remaining=epsilon_from_units(alloc[0] - spent[0]),
                    delta_allocated=delta_from_units(alloc[1]),
                    delta_spent=delta_from_units(spent[1]),
                    delta_remaining=delta_from_units(alloc[1] - spent[1]),
                )
            )
        return out

    def get_cached(self, grant_jti: str, fingerprint: str) -> CachedAnswer | None:
        with self._engine.connect() as conn:
            row = conn.execute(_answer_query(grant_jti, fingerprint)).first()
        return None if row is None else _cached(row)

    def store_answer(self, receipt: ChargeReceipt, answer: bytes) -> CachedAnswer:
        if not receipt.charged:
            raise ValueError("only the charge that paid for a query stores its answer")
        now = self._clock()
        key = (ANSWERS.c.grant_jti == receipt.grant_jti, ANSWERS.c.fingerprint == receipt.fingerprint)
        with self._engine.begin() as conn:
            # The claim may have been abandoned or re-taken after a timeout: the first answer stored wins.
            conn.execute(
                self._insert(ANSWERS)
                .values(_claim_values(receipt.grant_jti, receipt.fingerprint, receipt.charge_id, receipt, now))
                .on_conflict_do_nothing(index_elements=["grant_jti", "fingerprint"])
            )
            conn.execute(update(ANSWERS).where(*key, ANSWERS.c.answer.is_(None)).values(answer=answer, answered_at=now))
            row = conn.execute(_answer_query(receipt.grant_jti, receipt.fingerprint)).one()
        return _cached(row)

    def abandon(self, receipt: ChargeReceipt) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                delete(ANSWERS).where(
                    ANSWERS.c.grant_jti == receipt.grant_jti,
                    ANSWERS.c.fingerprint == receipt.fingerprint,
                    ANSWERS.c.charge_id == receipt.charge_id,
                    ANSWERS.c.answer.is_(None),
                )
            )

    def record_outcome(self, charge_id: str, outcome: str) -> bool:
        statement = (
            update(CHARGES).where(CHARGES.c.charge_id == charge_id, CHARGES.c.outcome.is_(None)).values(outcome=outcome)
        )
        with self._engine.begin() as conn:
            return cast(CursorResult[Any], conn.execute(statement)).rowcount > 0

    def _claim(
        self,
        conn: Connection,
        grant_jti: str,
        fingerprint: str,
        charge_id: str,
        mechanism: dict[str, Any],
        costs: Mapping[str, Cost],
        now: datetime,
    ) -> ChargeReceipt | None:
        """Take the cache row for this query, or the receipt that says why no charge is needed."""
        receipt = ChargeReceipt("charged", charge_id, grant_jti, fingerprint, mechanism, costs)
        inserted = conn.execute(
            self._insert(ANSWERS)
            .values(_claim_values(grant_jti, fingerprint, charge_id, receipt, now))
            .on_conflict_do_nothing(index_elements=["grant_jti", "fingerprint"])
            .returning(ANSWERS.c.charge_id)
        ).first()
        if inserted is not None:
            return None
        row = conn.execute(
            select(ANSWERS)
            .where(ANSWERS.c.grant_jti == grant_jti, ANSWERS.c.fingerprint == fingerprint)
            .with_for_update()
        ).one()
        if row.answer is not None:
            cached = _cached(row)
            return ChargeReceipt("cached", cached.charge_id, grant_jti, fingerprint, cached.mechanism, answer=cached)
        if now - _utc(row.created_at) < self._pending_ttl:
            return ChargeReceipt("pending", row.charge_id, grant_jti, fingerprint, dict(row.mechanism))
        conn.execute(
            update(ANSWERS)
            .where(ANSWERS.c.grant_jti == grant_jti, ANSWERS.c.fingerprint == fingerprint)
            .values(_claim_values(grant_jti, fingerprint, charge_id, receipt, now))
        )
        return None

    def _lock_accounts(
        self, conn: Connection, grant_jti: str, limits: Mapping[str, Units], now: datetime
    ) -> dict[str, Row[Any]]:
        conn.execute(
            self._insert(BUDGETS)
            .values(
                [
                    {
                        "grant_jti": grant_jti,
                        "dataset": ds,
                        "epsilon_allocated": eps,
                        "epsilon_spent": 0,
                        "delta_allocated": delta,
                        "delta_spent": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for ds, (eps, delta) in sorted(limits.items())
                ]
            )
            .on_conflict_do_nothing(index_elements=["grant_jti", "dataset"])
        )
        rows = conn.execute(
            select(BUDGETS)
            .where(BUDGETS.c.grant_jti == grant_jti, BUDGETS.c.dataset.in_(sorted(limits)))
            .order_by(BUDGETS.c.dataset)
            .with_for_update()  # one lock order for every charge: no deadlock between overlapping charges
        ).all()
        return {row.dataset: row for row in rows}


def _claim_values(
    grant_jti: str, fingerprint: str, charge_id: str, receipt: ChargeReceipt, now: datetime
) -> dict[str, Any]:
    return {
        "grant_jti": grant_jti,
        "fingerprint": fingerprint,
        "charge_id": charge_id,
        "mechanism": dict(receipt.mechanism),
        "costs": {ds: [c.epsilon, c.delta] for ds, c in receipt.costs.items()},
        "answer": None,
        "created_at": now,
        "answered_at": None,
    }


def _answer_query(grant_jti: str, fingerprint: str) -> Select[Any]:
    return select(ANSWERS).where(
        ANSWERS.c.grant_jti == grant_jti, ANSWERS.c.fingerprint == fingerprint, ANSWERS.c.answer.is_not(None)
    )


def _cached(row: Row[Any]) -> CachedAnswer:
    return CachedAnswer(
        grant_jti=row.grant_jti,
        fingerprint=row.fingerprint,
        charge_id=row.charge_id,
        mechanism=dict(row.mechanism),
        costs={ds: Cost(float(pair[0]), float(pair[1])) for ds, pair in row.costs.items()},
        answer=bytes(row.answer),
        created_at=_utc(row.created_at),
        answered_at=_utc(row.answered_at),
    )


def _cost(units: Units) -> Cost:
    return Cost(epsilon_from_units(units[0]), delta_from_units(units[1]))


def _utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything we store is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
