"""The privacy budget ledger and answer cache: values, the refusal error and the storage protocol.

Composition is basic sequential: the ε and δ of every release on a dataset add up (docs/privacy.md).
Amounts are kept in fixed point (ε in units of 1e-9, δ in units of 1e-18) so that sums are exact; a cost
is rounded up and an allocation down, so rounding never grants budget. The SQL implementation is
``sandbox.state.ledger_store.SqlBudgetLedger``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Literal, NamedTuple, Protocol

from sandbox.errors import SandboxError

EPSILON_UNITS = 10**9  # stored ε = round-up(ε · 1e9)
DELTA_UNITS = 10**18  # stored δ = round-up(δ · 1e18); δ ≤ 1 fits a signed 64-bit integer
MAX_EPSILON = 1e6


class Cost(NamedTuple):
    """An (ε, δ) pair: the price of one release on one dataset, or an allocation."""

    epsilon: float
    delta: float = 0.0


@dataclass(frozen=True)
class Balance:
    """What one grant has on one dataset, for ``GET /v1/budget``."""

    dataset: str
    epsilon_allocated: float
    epsilon_spent: float
    epsilon_remaining: float
    delta_allocated: float
    delta_spent: float
    delta_remaining: float


@dataclass(frozen=True)
class CachedAnswer:
    """A released noisy answer: replayed verbatim, with no new charge, for the same grant and query."""

    grant_jti: str
    fingerprint: str
    charge_id: str
    mechanism: Mapping[str, Any]
    costs: Mapping[str, Cost]
    answer: bytes  # JSON, exactly as first released
    created_at: datetime
    answered_at: datetime

    def value(self) -> Any:
        return json.loads(self.answer)


ChargeStatus = Literal["charged", "cached", "pending"]


@dataclass(frozen=True)
class ChargeReceipt:
    """The outcome of ``BudgetLedger.charge``.

    ``charged``: this call paid (``costs``, leaving ``remaining``); compute the answer, then ``store_answer``
    (or ``abandon`` on failure, which refunds nothing). ``cached``: the query was already answered; serve
    ``answer``. ``pending``: an identical query under the same grant is paid for and still running; nothing
    was charged, poll ``get_cached``. ``charge_id`` is the charge that paid for the answer in every case.
    """

    status: ChargeStatus
    charge_id: str
    grant_jti: str
    fingerprint: str
    mechanism: Mapping[str, Any]
    costs: Mapping[str, Cost] = field(default_factory=dict)
    remaining: Mapping[str, Cost] = field(default_factory=dict)
    answer: CachedAnswer | None = None

    @property
    def charged(self) -> bool:
        return self.status == "charged"


class BudgetExhausted(SandboxError):
    """A charge would take a balance below zero; nothing was charged."""

    code = "budget.exhausted"

    def __init__(self, dataset: str, remaining: Cost, asked: Cost) -> None:
        self.dataset = dataset
        self.remaining = remaining
        self.asked = asked
        en = (
            f"Privacy budget exhausted on {dataset}: remaining ε = {_shown(remaining.epsilon)}, "
            f"this query asks ε = {_shown(asked.epsilon)}"
        )
        zh = (
            f"数据集 {dataset} 的隐私预算不足：剩余 ε = {_shown(remaining.epsilon)}，"
            f"本次查询需要 ε = {_shown(asked.epsilon)}"
        )
        if asked.delta > remaining.delta:
            en += f" (remaining δ = {_shown(remaining.delta)}, asked δ = {_shown(asked.delta)})"
            zh += f"（剩余 δ = {_shown(remaining.delta)}，需要 δ = {_shown(asked.delta)}）"
        super().__init__(en + ". Nothing was charged.", zh + "。本次未扣除预算。")


class BudgetLedger(Protocol):
    """Persistent ε/δ accounts per grant × dataset, charged before execution, never refunded."""

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
        """Atomically charge every dataset in ``costs`` or none (``BudgetExhausted``), unless ``fingerprint``
        is already paid for under this grant. ``allocation`` must cover every charged dataset; an account is
        opened with it on first use and keeps that allocation (grants are immutable)."""
        ...

    def balances(self, grant_jti: str, allocation: Mapping[str, Cost | tuple[float, float]]) -> list[Balance]: ...

    def get_cached(self, grant_jti: str, fingerprint: str) -> CachedAnswer | None: ...

    def store_answer(self, receipt: ChargeReceipt, answer: bytes) -> CachedAnswer:
        """Cache the answer paid for by ``receipt``; if one is already cached, that one is returned."""
        ...

    def abandon(self, receipt: ChargeReceipt) -> None:
        """The paid query failed: drop its pending cache claim so a retry is charged anew. No refund."""
        ...

    def record_outcome(self, charge_id: str, outcome: str) -> bool:
        """Write the outcome note of a charge once; ``False`` if it was already written (or no such charge)."""
        ...


def cost_units(value: Cost | tuple[float, float], *, what: str) -> tuple[int, int]:
    """A cost in ledger units, rounded up; ε must be positive, δ in [0, 1]."""
    cost = Cost(*value)
    _check(cost, what=what, positive_epsilon=True)
    return _units(cost.epsilon, EPSILON_UNITS, ROUND_CEILING), _units(cost.delta, DELTA_UNITS, ROUND_CEILING)


def allocation_units(value: Cost | tuple[float, float], *, what: str) -> tuple[int, int]:
    """An allocation in ledger units, rounded down; ε ≥ 0, δ in [0, 1]."""
    cost = Cost(*value)
    _check(cost, what=what, positive_epsilon=False)
    return _units(cost.epsilon, EPSILON_UNITS, ROUND_FLOOR), _units(cost.delta, DELTA_UNITS, ROUND_FLOOR)


def epsilon_from_units(units: int) -> float:
    return float(Decimal(units) / EPSILON_UNITS)


def delta_from_units(units: int) -> float:
    return float(Decimal(units) / DELTA_UNITS)


def _units(value: float, scale: int, rounding: str) -> int:
    # repr() is the shortest decimal that round-trips: 0.1 becomes exactly 100_000_000 units, not 100_000_001.
    return int((Decimal(repr(value)) * scale).to_integral_value(rounding=rounding))


def _check(cost: Cost, *, what: str, positive_epsilon: bool) -> None:
    eps, delta = cost.epsilon, cost.delta
    if not (math.isfinite(eps) and math.isfinite(delta)):
        raise ValueError(f"{what}: ε and δ must be finite")
    if eps < 0 or (positive_epsilon and eps == 0) or eps > MAX_EPSILON:
        raise ValueError(f"{what}: ε out of range")
    if not 0 <= delta <= 1:
        raise ValueError(f"{what}: δ must lie in [0, 1]")


def _shown(value: float) -> str:
    return f"{value:.9g}"
