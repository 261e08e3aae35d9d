"""The DP training use case: a query over dp tables → one row per person → an allowlisted diffprivlib model.

The rows stay in the gateway; only the fitted parameters leave. The ε is charged before the query runs
(never refunded), a ``budget.charge`` and a ``model.train`` event are written, and the same request under
the same grant replays the first model free (the ledger's answer cache).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.grants import GrantClaims
from sandbox.policy import PolicyContext, plan_query
from sandbox.privacy.defaults import DpConfig
from sandbox.privacy.ledger import BudgetLedger, ChargeReceipt, Cost
from sandbox.privacy.sensitivity import PrivacyParameterError
from sandbox.privacy.training import ESTIMATORS, check_request, fit
from sandbox.queries.dp_answers import DpOptions, answer_pending, epsilon_of, ledger_unavailable
from sandbox.queries.errors import RequestRejected
from sandbox.warehouse.executor import ExecResult


@dataclass(frozen=True)
class TrainRequest:
    sql: str
    estimator: str
    features: tuple[str, ...]
    label: str | None = None
    classes: tuple[Any, ...] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    epsilon: float | None = None


def bad_training(en: str, zh: str) -> RequestRejected:
    return RequestRejected(en, zh, code="request.invalid_training")


class Trainer:
    def __init__(
        self,
        ledger: BudgetLedger | None,
        config: DpConfig,
        record_charge: Callable[[GrantClaims, ChargeReceipt, str], None],
        wait: Callable[[str, str], Any],
    ) -> None:
        self.ledger, self.config = ledger, config
        self._record_charge = record_charge
        self._wait = wait

    def train(
        self,
        grant: GrantClaims,
        request: TrainRequest,
        context: PolicyContext,
        execute: Callable[[str], ExecResult],
        detail: dict[str, Any],
        correlation_id: str,
    ) -> dict[str, Any]:
        if self.ledger is None:
            raise ledger_unavailable()
        try:
            spec = check_request(request.estimator, request.params, request.classes)
        except PrivacyParameterError as error:
            raise bad_training(error.message, error.message_zh) from None
        plan = plan_query(request.sql, dataclasses.replace(context, dp_rows=True))
        if plan.rows is None:
            raise bad_training(
                "Training runs on dp tables only; other tables can be read with /v1/query.",
                "训练只针对差分隐私表；其他表可通过 /v1/query 读取。",
            )
        columns = {c.name: c for c in plan.rows.columns}
        for name in (*request.features, *([request.label] if request.label else [])):
            if name not in columns:
                raise bad_training(f"'{name}' is not a column of the training query.", f"“{name}”不是训练查询的列。")
        unbounded = [f for f in request.features if columns[f].bounds is None]
        if unbounded or not request.features:
            raise bad_training(
                "Features must be numeric columns with catalogue bounds.", "特征必须是目录中声明了边界的数值列。"
            )
        if spec.kind != "clusterer" and request.label is None:
            raise bad_training(f"{request.estimator} needs a label column.", f"{request.estimator} 需要标签列。")
        label_bounds = columns[request.label].bounds if request.label else None
        eps = epsilon_of(DpOptions(epsilon=request.epsilon), self.config)
        datasets = plan.rows.datasets
        fingerprint = _fingerprint(plan.sql, request, eps)
        detail |= {
            "rewritten_sql": plan.sql[:24_000],
            "datasets": list(plan.datasets),
            "estimator": request.estimator,
            "epsilon": eps,
            "fingerprint": fingerprint,
        }
        receipt = self.ledger.charge(
            grant.jti,
            {ds: Cost(eps) for ds in datasets},
            {ds: Cost(grant.epsilon, self.config.delta_allocation) for ds in datasets},
            fingerprint,
            mechanism={"estimator": request.estimator, "epsilon": eps},
            note=correlation_id,
        )
        if receipt.status != "charged":
            detail["epsilon_spent"] = 0.0
            stored = receipt.answer or self._wait(grant.jti, fingerprint)
            if stored is None:
                raise answer_pending()
            return dict(json.loads(stored.answer)) | {"cached": True, "epsilon_spent": 0.0}
        self._record_charge(grant, receipt, correlation_id)
        detail["epsilon_spent"] = eps
        try:
            table = execute(plan.sql).table
            features = np.column_stack([np.asarray(table.column(f).to_pylist(), dtype=float) for f in request.features])
            label = None if request.label is None else np.asarray(table.column(request.label).to_pylist(), dtype=object)
            bounds = [columns[f].bounds or (0.0, 0.0) for f in request.features]
            params = fit(request.estimator, features, bounds, label, label_bounds, request.classes, eps, request.params)
        except BaseException:
            self.ledger.abandon(receipt)
            self.ledger.record_outcome(receipt.charge_id, "failed")
            raise
        answer = {
            "estimator": request.estimator,
            "features": list(request.features),
            "label": request.label,
            "params": params,
            "epsilon": eps,
            "charge_id": receipt.charge_id,
            "remaining": {ds: c.epsilon for ds, c in receipt.remaining.items()},
        }
        stored = self.ledger.store_answer(receipt, json.dumps(answer, sort_keys=True).encode())
        self.ledger.record_outcome(receipt.charge_id, "answered")
        return dict(json.loads(stored.answer)) | {"cached": False, "epsilon_spent": eps}


def _fingerprint(sql: str, request: TrainRequest, eps: float) -> str:
    material = {
        "train": 1,
        "sql": sql,
        "estimator": request.estimator,
        "features": list(request.features),
        "label": request.label,
        "classes": None if request.classes is None else [str(c) for c in request.classes],
        "params": dict(sorted(request.params.items())),
        "epsilon": repr(eps),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def allowed_estimators() -> Sequence[str]:
    return tuple(ESTIMATORS)
