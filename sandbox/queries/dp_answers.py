"""Answering a planned dp-mode query: cost → charge (before execution, never refunded) → run → noise → cache.

The same canonical query under the same grant with the same parameters has one fingerprint: the ledger
replays its first noisy answer byte for byte and charges nothing (averaging gains nothing). A duplicate
arriving while its twin runs waits for the twin's answer. A failure after the charge keeps the charge.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from sandbox.errors import SandboxError
from sandbox.grants import GrantClaims
from sandbox.policy import QueryPlan
from sandbox.privacy.defaults import DpConfig
from sandbox.privacy.ledger import BudgetLedger, ChargeReceipt, Cost
from sandbox.privacy.release import Released, query_cost, release, threshold
from sandbox.privacy.spec import DpSpec
from sandbox.queries.errors import RequestRejected
from sandbox.queries.results import Privacy, QueryResult, ipc_bytes, result_hash
from sandbox.warehouse.executor import ExecResult

FINGERPRINT_VERSION = 1  # bump when the release procedure changes, so old cached answers are not replayed


@dataclass(frozen=True)
class DpOptions:
    """What the client may choose for one query (all optional)."""

    epsilon: float | None = None
    dry_run: bool = False
    max_groups_per_unit: int | None = None
    max_rows_per_unit: int | None = None
    mechanism: str | None = None  # None: geometric counts and Laplace sums; "gaussian": Gaussian everywhere


def bad_option(name: str, expected: str, expected_zh: str) -> RequestRejected:
    return RequestRejected(
        f"Request field '{name}' must be {expected}.",
        f"请求字段“{name}”须为{expected_zh}。",
        code="request.invalid_dp_option",
    )


def contribution(options: DpOptions, config: DpConfig) -> tuple[int, int]:
    """(L0, L∞) asked for, checked against the configured maximum."""
    out = []
    for name, value in (
        ("max_groups_per_unit", options.max_groups_per_unit),
        ("max_rows_per_unit", options.max_rows_per_unit),
    ):
        if value is None:
            out.append(1)
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= config.max_contribution:
            raise bad_option(
                name, f"an integer from 1 to {config.max_contribution}", f"1 到 {config.max_contribution} 的整数"
            )
        else:
            out.append(value)
    return out[0], out[1]


def epsilon_of(options: DpOptions, config: DpConfig) -> float:
    eps = config.default_epsilon if options.epsilon is None else options.epsilon
    if isinstance(eps, bool) or not isinstance(eps, int | float) or not 0 < float(eps) <= config.max_epsilon:
        raise bad_option("epsilon", f"a number in (0, {config.max_epsilon}]", f"(0, {config.max_epsilon}] 之内的数")
    return float(eps)


def gaussian_delta(options: DpOptions, config: DpConfig) -> float:
    """The δ the aggregates' Gaussian noise spends (0 for the default pure mechanisms)."""
    if options.mechanism is None:
        return 0.0
    if options.mechanism != "gaussian":
        raise bad_option("mechanism", '"gaussian" or absent', '"gaussian" 或省略')
    return config.gaussian_delta


def ledger_unavailable() -> SandboxError:
    return SandboxError(
        "The privacy budget ledger is not configured, so dp tables cannot be queried.",
        "未配置隐私预算账本，无法查询差分隐私表。",
        code="privacy.ledger_unavailable",
    )


def answer_pending() -> SandboxError:
    return SandboxError(
        "The same query is still being answered under this grant; retry shortly (it will not be charged again).",
        "此授权下相同的查询仍在处理中；请稍后重试（不会重复扣减预算）。",
        code="query.pending",
    )


class DpAnswerer:
    def __init__(
        self,
        ledger: BudgetLedger | None,
        config: DpConfig,
        record_charge: Callable[[GrantClaims, ChargeReceipt, str], None],
    ) -> None:
        self.ledger = ledger
        self.config = config
        self._record_charge = record_charge

    def answer(
        self,
        grant: GrantClaims,
        plan: QueryPlan,
        options: DpOptions,
        detail: dict[str, Any],
        execute: Callable[[str], ExecResult],
        correlation_id: str,
    ) -> QueryResult:
        spec = plan.dp
        assert spec is not None
        if self.ledger is None:
            raise ledger_unavailable()
        eps = epsilon_of(options, self.config)
        gaussian = gaussian_delta(options, self.config)
        cost = query_cost(spec, eps, self.config.delta, gaussian_delta=gaussian)
        costs = {ds: cost for ds in spec.datasets}
        allocation = {ds: Cost(grant.epsilon, self.config.delta_allocation) for ds in spec.datasets}
        fingerprint = self._fingerprint(plan, spec, eps, gaussian)
        detail |= {"epsilon": cost.epsilon, "delta": cost.delta, "fingerprint": fingerprint}
        notices = plan.notices + _threshold_notice(spec, eps, self.config.delta)
        if spec.public_keys:
            notices += (
                "group keys come from an open table: every key value is listed, with noise on zero where absent "
                "· 分组键来自开放表：列出全部键值，缺失的键以零加噪发布",
            )
        if options.dry_run:
            return self._dry_run(grant, plan, spec, cost, allocation, fingerprint, notices, detail)
        mechanism = {
            "epsilon": eps,
            "delta": cost.delta,
            "l0": spec.max_groups_per_unit,
            "linf": spec.max_rows_per_unit,
            "noise": "gaussian" if gaussian else "geometric/laplace",
        }
        domain = self._domain(spec, execute)  # open data: read before the charge, costs no budget
        receipt = self.ledger.charge(
            grant.jti, costs, allocation, fingerprint, mechanism=mechanism, note=correlation_id
        )
        if receipt.status == "charged":
            self._record_charge(grant, receipt, correlation_id)
            detail["epsilon_spent"] = cost.epsilon
            run = lambda sql: _merge(spec, execute(sql), domain)  # noqa: E731
            return self._fresh(grant, plan, spec, receipt, eps, gaussian, notices, run, detail)
        detail |= {"epsilon_spent": 0.0, "cached": True}
        stored = receipt.answer or self._wait(grant.jti, fingerprint)
        return self._replay(stored.answer, self._remaining(grant, allocation))

    def _domain(self, spec: DpSpec, execute: Callable[[str], ExecResult]) -> pa.Table | None:
        if spec.domain_sql is None:
            return None
        domain = execute(spec.domain_sql).table
        if domain.num_rows > self.config.max_public_keys:
            raise bad_option(
                "sql",
                f"grouped by at most {self.config.max_public_keys} public key values (group by fewer keys)",
                f"按不超过 {self.config.max_public_keys} 个公开键值分组（请减少分组键）",
            )
        return domain

    def _fingerprint(self, plan: QueryPlan, spec: DpSpec, eps: float, gaussian: float) -> str:
        material = {
            "gaussian_delta": repr(gaussian),
            "v": FINGERPRINT_VERSION,
            "sql": plan.sql,
            "epsilon": repr(eps),
            "delta": repr(self.config.delta),
            "l0": spec.max_groups_per_unit,
            "linf": spec.max_rows_per_unit,
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    def _fresh(
        self,
        grant: GrantClaims,
        plan: QueryPlan,
        spec: DpSpec,
        receipt: ChargeReceipt,
        eps: float,
        gaussian: float,
        notices: tuple[str, ...],
        execute: Callable[[str], ExecResult],
        detail: dict[str, Any],
    ) -> QueryResult:
        assert self.ledger is not None
        try:
            executed = execute(plan.sql)
            table = released_table(
                spec,
                executed.table,
                release(spec, _columns(executed.table), eps, self.config.delta, gaussian_delta=gaussian),
            )
        except BaseException:
            self.ledger.abandon(receipt)  # no refund: a retry is a new, paid attempt
            self.ledger.record_outcome(receipt.charge_id, "failed")
            raise
        remaining = min((c.epsilon for c in receipt.remaining.values()), default=grant.epsilon)
        privacy = Privacy("dp", eps, remaining, _extra(spec, receipt))
        result = QueryResult(
            result_id=f"r-{uuid.uuid4().hex}",
            table=table,
            rewritten_sql=plan.sql,
            notices=notices,
            privacy=privacy,
            result_hash=result_hash(table),
            engine_ms=executed.duration_ms,
        )
        detail["truncated"] = executed.truncated
        encoded = encode(result)
        stored = self.ledger.store_answer(receipt, encoded)
        self.ledger.record_outcome(receipt.charge_id, "answered")
        return result if stored.answer == encoded else self._replay(stored.answer, remaining)

    def _wait(self, grant_jti: str, fingerprint: str) -> Any:
        assert self.ledger is not None
        deadline = time.monotonic() + self.config.pending_wait_s
        while time.monotonic() < deadline:
            cached = self.ledger.get_cached(grant_jti, fingerprint)
            if cached is not None:
                return cached
            time.sleep(0.05)
        raise answer_pending()

    def _remaining(self, grant: GrantClaims, allocation: dict[str, Cost]) -> float:
        assert self.ledger is not None
        balances = self.ledger.balances(grant.jti, allocation)
        return min((b.epsilon_remaining for b in balances), default=grant.epsilon)

    def _replay(self, answer: bytes, remaining: float) -> QueryResult:
        payload = json.loads(answer)
        with pa.ipc.open_stream(base64.b64decode(payload["ipc"])) as reader:
            table = reader.read_all()
        extra = dict(payload["privacy"].get("extra", {})) | {"cached": True}
        return QueryResult(
            result_id=payload["result_id"],
            table=table,
            rewritten_sql=payload["rewritten_sql"],
            notices=(
                *tuple(payload["notices"]),
                "cached answer replayed: no new charge · 重放缓存答案：未重复扣减预算",
            ),
            privacy=Privacy("dp", 0.0, remaining, extra),
            result_hash=result_hash(table),
        )

    def _dry_run(
        self,
        grant: GrantClaims,
        plan: QueryPlan,
        spec: DpSpec,
        cost: Cost,
        allocation: dict[str, Cost],
        fingerprint: str,
        notices: tuple[str, ...],
        detail: dict[str, Any],
    ) -> QueryResult:
        assert self.ledger is not None
        cached = self.ledger.get_cached(grant.jti, fingerprint) is not None
        balances = self.ledger.balances(grant.jti, allocation)
        remaining = min((b.epsilon_remaining for b in balances), default=grant.epsilon)
        extra = {
            "dry_run": True,
            "cached": cached,
            "epsilon_cost": 0.0 if cached else cost.epsilon,
            "delta_cost": 0.0 if cached else cost.delta,
            "affordable": cached
            or all(b.epsilon_remaining >= cost.epsilon and b.delta_remaining >= cost.delta for b in balances),
            "datasets": {
                b.dataset: {"epsilon_remaining": b.epsilon_remaining, "delta_remaining": b.delta_remaining}
                for b in balances
            },
            "contribution": {
                "max_groups_per_unit": spec.max_groups_per_unit,
                "max_rows_per_unit": spec.max_rows_per_unit,
            },
        }
        detail |= {"dry_run": True, "epsilon_spent": 0.0}
        fields = [pa.field(o.name, pa.null()) for o in spec.outputs]
        return QueryResult(
            result_id=f"r-{uuid.uuid4().hex}",
            table=pa.schema(fields).empty_table(),
            rewritten_sql=plan.sql,
            notices=(*notices, "dry run: nothing executed, nothing charged · 试运行：未执行、未扣减预算"),
            privacy=Privacy("dp", 0.0, remaining, extra),
            result_hash="",
        )


def _threshold_notice(spec: DpSpec, eps: float, delta: float) -> tuple[str, ...]:
    tau = threshold(spec, eps, delta)
    if tau is None:
        return ()
    return (
        f"groups are released only if a noisy count of distinct privacy units reaches about {tau:.0f} "
        f"(at least {spec.min_units}) · 仅当分组的加噪隐私单元数约达到 {tau:.0f}（至少 {spec.min_units}）时才发布",
    )


def _extra(spec: DpSpec, receipt: ChargeReceipt) -> dict[str, Any]:
    return {
        "delta_spent": max((c.delta for c in receipt.costs.values()), default=0.0),
        "charge_id": receipt.charge_id,
        "datasets": {
            ds: {"epsilon_remaining": c.epsilon, "delta_remaining": c.delta} for ds, c in receipt.remaining.items()
        },
        "contribution": {"max_groups_per_unit": spec.max_groups_per_unit, "max_rows_per_unit": spec.max_rows_per_unit},
        "error_bounds": "each aggregate column <name> has a column <name>_ci95: the 95% half-width of its noise",
        "cached": False,
    }


def _merge(spec: DpSpec, executed: ExecResult, domain: pa.Table | None) -> ExecResult:
    """Public keys: one row per domain value, in key order; a value absent from the data gets zero statistics,
    so its presence reveals nothing (the noise is added to the zeros like to any count)."""
    if domain is None:
        return executed
    stats = executed.table
    keys = list(spec.keys)
    found = {row: i for i, row in enumerate(zip(*(stats.column(k).to_pylist() for k in keys), strict=True))}
    wanted = sorted(zip(*(domain.column(k).to_pylist() for k in keys), strict=True), key=_sort_key)
    picks = [found.get(row) for row in wanted]
    arrays: dict[str, Any] = {
        k: pa.array([row[i] for row in wanted], type=stats.schema.field(k).type) for i, k in enumerate(keys)
    }
    for name in stats.column_names:
        if name not in arrays:
            values = stats.column(name).to_pylist()
            arrays[name] = pa.array([0 if i is None else values[i] for i in picks], type=stats.schema.field(name).type)
    return dataclasses.replace(executed, table=pa.table(arrays))


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is None, value) for value in row)


def _columns(table: pa.Table) -> dict[str, list[Any]]:
    return {name: table.column(name).to_pylist() for name in table.column_names if not name.startswith("__dp_k")}


def released_table(spec: DpSpec, raw: pa.Table, released: Released) -> pa.Table:
    """The user's columns in the user's order (keys as computed, aggregates noised) plus one ``<name>_ci95``
    column per aggregate."""
    kept = pa.array(released.kept, type=pa.int64())
    arrays: list[pa.Array | pa.ChunkedArray] = []
    names: list[str] = []
    for output in spec.outputs:
        names.append(output.name)
        if output.key:
            arrays.append(raw.column(spec.keys[output.index]).take(kept))
        else:
            arrays.append(_values(spec, output.index, released, ci95=False))
    for index, aggregate in enumerate(spec.aggregates):
        names.append(f"{aggregate.name}_ci95")
        arrays.append(_values(spec, index, released, ci95=True))
    return pa.table(arrays, names=names)


def _values(spec: DpSpec, index: int, released: Released, *, ci95: bool) -> pa.Array:
    cells = released.cells[index]
    counts = spec.aggregates[index].kind in ("count", "count_units")
    if counts:
        return pa.array([int(c.ci95_halfwidth if ci95 else c.value) for c in cells], type=pa.int64())
    return pa.array([float(c.ci95_halfwidth if ci95 else c.value) for c in cells], type=pa.float64())


def encode(result: QueryResult) -> bytes:
    payload = {
        "result_id": result.result_id,
        "ipc": base64.b64encode(ipc_bytes(result.table)).decode(),
        "rewritten_sql": result.rewritten_sql,
        "notices": list(result.notices),
        "privacy": {"epsilon": result.privacy.epsilon_spent, "extra": dict(result.privacy.extra)},
    }
    return json.dumps(payload, sort_keys=True).encode()
