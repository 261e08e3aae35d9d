"""The query use case: token → grant → rate → policy plan → per-grant hash key → engine → audit → result.

Every call is audited exactly once, allowed, refused or failed, and the audit write happens before the
caller gets anything back: if it cannot be made durable the caller gets ``AuditUnavailable`` and no data.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.catalog import Catalog
from sandbox.grants import GrantClaims, GrantService
from sandbox.policy import PolicyContext, plan_query
from sandbox.queries import views
from sandbox.queries.auditing import Auditor, clip, outcome_of, rule_of, sha256_text
from sandbox.queries.errors import missing_token, sql_too_large
from sandbox.queries.plans import PlanCache
from sandbox.queries.ratelimit import RateLimiter
from sandbox.queries.results import Privacy, QueryResult, result_hash, truncated_notice
from sandbox.warehouse.executor import Executor


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

    def query(self, token: str | None, sql: str, *, correlation_id: str) -> QueryResult:
        started = self._clock()
        detail: dict[str, Any] = {"sql": clip(sql), "sql_sha256": sha256_text(sql), "sql_chars": len(sql)}
        grant: GrantClaims | None = None
        try:
            grant = self._admit(token)
            result = self._answer(grant, sql, detail)
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

    def _answer(self, grant: GrantClaims, sql: str, detail: dict[str, Any]) -> QueryResult:
        """Plan (or reuse the plan), run under the grant's pseudonym key; fills ``detail`` as it learns."""
        if len(sql) > self.config.max_sql_chars:
            raise sql_too_large(self.config.max_sql_chars)
        plan = self.plans.get(grant.jti, sql, lambda: plan_query(sql, self._context(grant)))
        detail |= {
            "rewritten_sql": clip(plan.sql),
            "datasets": list(plan.datasets),
            "columns": list(plan.columns),
            "mode": str(plan.mode),
        }
        executed = self.executor.run(
            plan.sql, hash_key=self._hash_key(grant.jti), timeout_s=self.config.timeout_s, max_rows=self.config.max_rows
        )
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

    def catalog_for(self, token: str | None, *, correlation_id: str) -> dict[str, Any]:
        return self._read("catalog.read", token, correlation_id, lambda g: views.catalog_view(self.catalog, g))

    def whoami(self, token: str | None, *, correlation_id: str) -> dict[str, Any]:
        return self._read("grant.whoami", token, correlation_id, views.whoami_view)

    def budget(self, token: str | None, *, correlation_id: str) -> dict[str, Any]:
        return self._read("budget.read", token, correlation_id, lambda g: views.budget_view(self.catalog, g))

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

    def _context(self, grant: GrantClaims) -> PolicyContext:
        return PolicyContext(
            catalog=self.catalog, grant=grant, dialect=self.executor.dialect, row_cap=self.config.row_cap
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
