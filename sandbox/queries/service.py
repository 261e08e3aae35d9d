"""The query use case: token → grant → rate → policy plan → per-grant hash key → engine → audit → result.

dp-mode plans go through ``DpAnswerer`` (price, charge the ledger before execution, run, noise, cache) and
``train`` through ``Trainer``; both write a ``budget.charge`` event per charge.

Every call is audited exactly once, allowed, refused or failed, and the audit write happens before the
caller gets anything back: if it cannot be made durable the caller gets ``AuditUnavailable`` and no data.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from sandbox.catalog import AccessMode, Catalog
from sandbox.grants import GrantClaims, GrantService
from sandbox.policy import PolicyContext, QueryPlan, plan_query
from sandbox.privacy.defaults import DpConfig
from sandbox.privacy.ledger import BudgetLedger, ChargeReceipt, Cost
from sandbox.queries import views
from sandbox.queries.auditing import Auditor, clip, outcome_of, rule_of, sha256_text
from sandbox.queries.dp_answers import DpAnswerer, DpOptions, contribution
from sandbox.queries.errors import missing_token, sql_too_large
from sandbox.queries.plans import PlanCache
from sandbox.queries.ratelimit import RateLimiter
from sandbox.queries.results import Privacy, QueryResult, result_hash, truncated_notice
from sandbox.queries.training import Trainer, TrainRequest
from sandbox.warehouse.executor import ExecResult, Executor


@dataclass(frozen=True)
class QueryConfig:
    max_sql_chars: int = 16_384
    row_cap: int = 10_000  # masked-mode LIMIT injected by the policy
    max_rows: int = 100_000  # hard cap the engine enforces whatever the mode
    timeout_s: float = 30.0
    rate_per_s: float = 20.0
    burst: int = 40
    plan_cache_size: int = 1024  # plans kept per service; 0 plans every query afresh


class QueryService:
    def __init__(
        self,
        *,
        grants: GrantService,
        catalog: Catalog,
        executor: Executor,
        auditor: Auditor,
        hash_key: Callable[[str], bytes],
        config: QueryConfig | None = None,
        clock: Callable[[], float] = time.perf_counter,
        ledger: BudgetLedger | None = None,
        dp: DpConfig | None = None,
    ) -> None:
        self.grants = grants
        self.catalog = catalog
        self.executor = executor
        self.auditor = auditor
        self.config = config or QueryConfig()
        self.limiter = RateLimiter(self.config.rate_per_s, self.config.burst)
        self.plans = PlanCache(self.config.plan_cache_size)
        self._hash_key = hash_key
        self._clock = clock
        self.dp = DpAnswerer(ledger, dp or DpConfig(), self._record_charge)
        self._unique: frozenset[str] | None = None
        self._dp_names = frozenset(d.name for d in catalog.datasets if d.access_mode is AccessMode.DP)
        self.trainer = Trainer(ledger, self.dp.config, self._record_charge, self._cached_or_none)

    def query(
        self, token: str | None, sql: str, *, correlation_id: str, options: DpOptions | None = None
    ) -> QueryResult:
        """Answer one query; ``options`` (ε, dry run, contribution bounds) apply to dp-mode queries."""
        started = self._clock()
        detail: dict[str, Any] = {"sql": clip(sql), "sql_sha256": sha256_text(sql), "sql_chars": len(sql)}
        grant: GrantClaims | None = None
        try:
            grant = self._admit(token)
            result = self._answer(grant, sql, detail, options or DpOptions(), correlation_id)
        except Exception as error:
            self._audit_failure("query", grant, error, detail, correlation_id, started)
            raise
        detail |= {
            "result_id": result.result_id,
            "rows": result.table.num_rows,
            "result_hash": result.result_hash,
            "engine_ms": round(result.engine_ms, 3),
            "duration_ms": round((self._clock() - started) * 1000, 3),
            "rule": None,
        }
        target = ",".join(detail["datasets"])
        self.auditor.record(
            "query", grant=grant, outcome="allowed", correlation_id=correlation_id, detail=detail, target=target
        )
        return result

    def _answer(
        self, grant: GrantClaims, sql: str, detail: dict[str, Any], options: DpOptions, correlation_id: str
    ) -> QueryResult:
        """Plan (or reuse the plan), run under the grant's pseudonym key; fills ``detail`` as it learns."""
        if len(sql) > self.config.max_sql_chars:
            raise sql_too_large(self.config.max_sql_chars)
        l0, linf = contribution(options, self.dp.config)
        # An explicit ε asks for DP: aggregate-mode tables are then planned and charged like dp tables.
        on_request = options.epsilon is not None
        key = sql if (l0, linf, on_request) == (1, 1, False) else f"{sql}\x00{l0},{linf},{on_request}"
        plan = self.plans.get(
            grant.jti, key, lambda: plan_query(sql, self._context(grant, l0, linf, dp_on_request=on_request))
        )
        detail |= {
            "rewritten_sql": clip(plan.sql),
            "datasets": list(plan.datasets),
            "columns": list(plan.columns),
            "mode": str(plan.mode),
        }
        if plan.dp is not None:
            return self.dp.answer(grant, plan, options, detail, lambda text: self._execute(grant, text), correlation_id)
        if options.dry_run:
            return _free_dry_run(plan, grant)
        executed = self._execute(grant, plan.sql)
        detail["truncated"] = executed.truncated
        notices = tuple(plan.notices) + ((truncated_notice(self.config.max_rows),) if executed.truncated else ())
        return QueryResult(
            result_id=f"r-{uuid.uuid4().hex}",
            table=executed.table,
            rewritten_sql=plan.sql,
            notices=notices,
            privacy=Privacy(mode=str(plan.mode), epsilon_spent=0.0, budget_remaining=grant.epsilon),
            result_hash=result_hash(executed.table),
            engine_ms=executed.duration_ms,
        )

    def train(self, token: str | None, request: TrainRequest, *, correlation_id: str) -> dict[str, Any]:
        """Fit an allowlisted diffprivlib model on a query over dp tables; audited as ``model.train``."""
        started = self._clock()
        detail: dict[str, Any] = {"sql": clip(request.sql), "sql_sha256": sha256_text(request.sql)}
        grant: GrantClaims | None = None
        try:
            grant = self._admit(token)
            if len(request.sql) > self.config.max_sql_chars:
                raise sql_too_large(self.config.max_sql_chars)
            answer = self.trainer.train(
                grant, request, self._context(grant), lambda text: self._execute(grant, text), detail, correlation_id
            )
        except Exception as error:
            self._audit_failure("model.train", grant, error, detail, correlation_id, started)
            raise
        detail |= {"duration_ms": round((self._clock() - started) * 1000, 3), "rule": None}
        self.auditor.record(
            "model.train",
            grant=grant,
            outcome="allowed",
            correlation_id=correlation_id,
            detail=detail,
            target=",".join(detail.get("datasets", [])),
        )
        return answer

    def _cached_or_none(self, grant_jti: str, fingerprint: str) -> Any:
        try:
            return self.dp._wait(grant_jti, fingerprint)
        except Exception:
            return None

    def _execute(self, grant: GrantClaims, sql: str) -> ExecResult:
        return self.executor.run(
            sql, hash_key=self._hash_key(grant.jti), timeout_s=self.config.timeout_s, max_rows=self.config.max_rows
        )

    def _record_charge(self, grant: GrantClaims, receipt: ChargeReceipt, correlation_id: str) -> None:
        """One ``budget.charge`` event per charge, written before the query runs (the charge stands anyway)."""
        detail = {
            "charge_id": receipt.charge_id,
            "fingerprint": receipt.fingerprint,
            "costs": {ds: {"epsilon": c.epsilon, "delta": c.delta} for ds, c in receipt.costs.items()},
            "remaining": {ds: {"epsilon": c.epsilon, "delta": c.delta} for ds, c in receipt.remaining.items()},
            "mechanism": dict(receipt.mechanism),
        }
        target = ",".join(sorted(receipt.costs))
        self.auditor.record(
            "budget.charge", grant=grant, outcome="allowed", correlation_id=correlation_id, detail=detail, target=target
        )

    def catalog_for(self, token: str | None, *, correlation_id: str) -> dict[str, Any]:
        return self._read("catalog.read", token, correlation_id, lambda g: views.catalog_view(self.catalog, g))

    def whoami(self, token: str | None, *, correlation_id: str) -> dict[str, Any]:
        return self._read("grant.whoami", token, correlation_id, views.whoami_view)

    def budget(self, token: str | None, *, correlation_id: str) -> dict[str, Any]:
        return self._read("budget.read", token, correlation_id, self._budget)

    def _budget(self, grant: GrantClaims) -> dict[str, Any]:
        ledger, dp = self.dp.ledger, self.dp.config
        dp_sets = views.dp_datasets(self.catalog, grant)
        allocation = {ds: Cost(grant.epsilon, dp.delta_allocation) for ds in dp_sets}
        balances = ledger.balances(grant.jti, allocation) if ledger is not None and allocation else []
        return views.budget_view(self.catalog, grant, balances, dp)

    def refuse(self, action: str, token: str | None, error: Exception, *, correlation_id: str) -> None:
        """Audit a request an adapter refused before calling the service (oversize or malformed body)."""
        grant = self._identify(token)
        self._audit_failure(action, grant, error, {}, correlation_id, self._clock())

    def _read(
        self, action: str, token: str | None, correlation_id: str, view: Callable[[GrantClaims], dict[str, Any]]
    ) -> dict[str, Any]:
        started = self._clock()
        grant: GrantClaims | None = None
        try:
            grant = self._admit(token)
            answer = view(grant)
        except Exception as error:
            self._audit_failure(action, grant, error, {}, correlation_id, started)
            raise
        detail = {"duration_ms": round((self._clock() - started) * 1000, 3), "rule": None}
        self.auditor.record(action, grant=grant, outcome="allowed", correlation_id=correlation_id, detail=detail)
        return answer

    def _unique_units(self) -> frozenset[str]:
        """dp datasets holding one row per privacy unit, checked once: their bounding SQL can skip the windows
        (it would change nothing). A failed check counts as "not unique", which only costs time."""
        if self._unique is None:
            found = set()
            for dataset in self.catalog.datasets:
                unit = dataset.privacy_unit
                if dataset.access_mode is not AccessMode.DP or unit is None:
                    continue
                sql = f'SELECT count(*) = count(DISTINCT "{unit}") FROM "{dataset.schema}"."{dataset.table}"'
                try:
                    checked = self.executor.run(sql, hash_key=bytes(32), timeout_s=self.config.timeout_s, max_rows=1)
                except Exception:
                    continue
                if checked.table.num_rows and checked.table.column(0)[0].as_py() is True:
                    found.add(dataset.name)
            self._unique = frozenset(found)
        return self._unique

    def _context(self, grant: GrantClaims, l0: int = 1, linf: int = 1, *, dp_on_request: bool = False) -> PolicyContext:
        return PolicyContext(
            catalog=self.catalog,
            grant=grant,
            dialect=self.executor.dialect,
            row_cap=self.config.row_cap,
            dp_max_groups_per_unit=l0,
            dp_max_rows_per_unit=linf,
            dp_unique_units=self._unique_units() if any(d in grant.datasets for d in self._dp_names) else frozenset(),
            dp_on_request=dp_on_request,
        )

    def _admit(self, token: str | None) -> GrantClaims:
        """Only enterprise grants pass (staff logins are refused as ``token.wrong_kind``), within their rate."""
        if not token:
            raise missing_token()
        grant = self.grants.verify_grant(token)
        self.limiter.take(grant.jti)
        return grant

    def _identify(self, token: str | None) -> GrantClaims | None:
        try:
            return self.grants.verify_grant(token) if token else None
        except Exception:
            return None

    def _audit_failure(
        self,
        action: str,
        grant: GrantClaims | None,
        error: Exception,
        detail: dict[str, Any],
        correlation_id: str,
        started: float,
    ) -> None:
        detail |= {
            "rule": rule_of(error),
            "code": getattr(error, "code", "internal.error"),
            "rows": 0,
            "duration_ms": round((self._clock() - started) * 1000, 3),
        }
        for name in ("dataset", "column"):
            value = getattr(error, name, None)
            if value:
                detail[name] = value
        self.auditor.record(
            action, grant=grant, outcome=outcome_of(error), correlation_id=correlation_id, detail=detail
        )


def _free_dry_run(plan: QueryPlan, grant: GrantClaims) -> QueryResult:
    """A dry run of a query that spends no budget: nothing is executed; the cost is 0."""
    return QueryResult(
        result_id=f"r-{uuid.uuid4().hex}",
        table=pa.schema([]).empty_table(),
        rewritten_sql=plan.sql,
        notices=(*plan.notices, "dry run: nothing executed · 试运行：未执行"),
        privacy=Privacy(str(plan.mode), 0.0, grant.epsilon, {"dry_run": True, "epsilon_cost": 0.0}),
        result_hash="",
    )
