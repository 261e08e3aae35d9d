"""What a grant may see about itself and the catalogue (pure: catalogue + claims in, JSON-able dicts out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox.catalog import AccessMode, Catalog, Column, Dataset, HandlingKind
from sandbox.catalog.model import SCENARIO_ZH
from sandbox.grants import GrantClaims
from sandbox.privacy.defaults import DpConfig
from sandbox.privacy.ledger import Balance

_MODE_POLICY: dict[AccessMode, tuple[str, str]] = {
    AccessMode.OPEN: ("rows visible; no personal data", "可查看明细；不含个人信息"),
    AccessMode.MASKED: ("rows visible after column handling, row cap per query", "按字段处理后可查看明细，单次限行"),
    AccessMode.AGGREGATE: (
        "aggregates only; every output group holds at least k distinct {unit}; a query sent with an explicit ε "
        "gets differentially private answers instead, charged to the ε budget",
        "仅可聚合输出；每个输出分组至少包含 k 个不同的 {unit}；查询时指定 ε 则改为差分隐私加噪结果，并扣减 ε 预算",
    ),
    AccessMode.DP: (
        "differential privacy: noisy aggregates (COUNT, SUM, AVG, VAR, STDDEV) charged to the ε budget",
        "差分隐私：加噪聚合（COUNT、SUM、AVG、VAR、STDDEV）并扣减 ε 预算",
    ),
    AccessMode.DENY: ("no access", "不可访问"),
}

_HANDLING_POLICY: dict[HandlingKind, tuple[str, str]] = {
    HandlingKind.ALLOW: ("shown as stored", "原样提供"),
    HandlingKind.HASH: ("pseudonymised: HMAC-SHA-256 with this grant's key", "假名化：以本授权密钥做 HMAC-SHA-256"),
    HandlingKind.MASK: ("masked", "脱敏遮盖"),
    HandlingKind.GENERALIZE: ("generalised to {rule}", "泛化为 {rule}"),
}


def visible_columns(dataset: Dataset, grant: GrantClaims) -> tuple[Column, ...]:
    listed = None if grant.columns is None else grant.columns.get(dataset.name)
    return tuple(
        c for c in dataset.columns if c.handling.kind is not HandlingKind.DENY and (listed is None or c.name in listed)
    )


def catalog_view(catalog: Catalog, grant: GrantClaims) -> dict[str, Any]:
    """The granted datasets with their classification and policy; denied columns named as denied only."""
    datasets = [d for d in catalog.datasets if d.name in grant.datasets]
    return {"scenario": grant.scenario, "datasets": [_dataset_view(d, grant) for d in datasets]}


def _dataset_view(dataset: Dataset, grant: GrantClaims) -> dict[str, Any]:
    visible = {c.name for c in visible_columns(dataset, grant)}
    unit = dataset.privacy_unit or "units"
    en, zh = _MODE_POLICY[dataset.access_mode]
    return {
        "name": dataset.name,
        "name_zh": dataset.name_zh,
        "description_zh": dataset.description_zh,
        "scenario": dataset.scenario.value,
        "scenario_zh": SCENARIO_ZH[dataset.scenario],
        "department": dataset.department,
        "classification": {"national_level": dataset.national_level.value, "level": dataset.level},
        "policy": {
            "access_mode": dataset.access_mode.value,
            "k": dataset.k,
            "privacy_unit": dataset.privacy_unit,
            "description": en.format(unit=unit),
            "description_zh": zh.format(unit=unit),
        },
        "columns": [
            _column_view(c) if c.name in visible else {"name": c.name, "denied": True} for c in dataset.columns
        ],
    }


def _column_view(column: Column) -> dict[str, Any]:
    en, zh = _HANDLING_POLICY[column.handling.kind]
    rule = column.handling.rule.value if column.handling.rule else ""
    return {
        "name": column.name,
        "name_zh": column.name_zh,
        "type": column.type,
        "role": column.role.value,
        "level": column.level,
        "handling": str(column.handling),
        "policy": en.format(rule=rule),
        "policy_zh": zh.format(rule=rule),
        "denied": False,
    }


def whoami_view(grant: GrantClaims) -> dict[str, Any]:
    return {
        "user": grant.sub,
        "enterprise": grant.enterprise,
        "scenario": grant.scenario,
        "grant": grant.jti,
        "datasets": list(grant.datasets),
        "columns": None if grant.columns is None else {k: list(v) for k, v in grant.columns.items()},
        "epsilon": grant.epsilon,
        "issued_at": grant.iat,
        "expires_at": grant.expires_at.isoformat(),
    }


def dp_datasets(catalog: Catalog, grant: GrantClaims) -> list[str]:
    """The granted datasets with a budget account: dp mode, and aggregate mode with a privacy unit (DP on
    request: a query carrying an explicit ε is answered with DP and charged there)."""
    found = {d.name: _dp_use(d) for d in catalog.datasets}
    return [name for name in grant.datasets if found.get(name) is not None]


def _dp_use(dataset: Dataset) -> str | None:
    if dataset.access_mode is AccessMode.DP:
        return "always"
    if dataset.access_mode is AccessMode.AGGREGATE and dataset.privacy_unit is not None:
        return "on_request"
    return None


def budget_view(
    catalog: Catalog, grant: GrantClaims, balances: Sequence[Balance] = (), dp: DpConfig | None = None
) -> dict[str, Any]:
    """Allocation, spend and remainder per granted dataset, from the ledger's ``balances``; only dp datasets
    and aggregate ones queried with DP on request are charged (``dp``: "always", "on_request" or None; a
    dataset without a balance has spent nothing yet)."""
    dp = dp or DpConfig()
    modes = {d.name: d.access_mode.value for d in catalog.datasets}
    uses = {d.name: _dp_use(d) for d in catalog.datasets}
    found = {b.dataset: b for b in balances}
    rows = []
    for name in grant.datasets:
        row: dict[str, Any] = {"dataset": name, "access_mode": modes.get(name), "dp": uses.get(name)}
        balance = found.get(name)
        if balance is None:
            row |= {"charged": False, "epsilon_allocated": grant.epsilon, "epsilon_spent": 0.0}
            row["epsilon_remaining"] = grant.epsilon
        else:
            row |= {
                "charged": True,
                "epsilon_allocated": balance.epsilon_allocated,
                "epsilon_spent": balance.epsilon_spent,
                "epsilon_remaining": balance.epsilon_remaining,
                "delta_allocated": balance.delta_allocated,
                "delta_spent": balance.delta_spent,
                "delta_remaining": balance.delta_remaining,
            }
        rows.append(row)
    return {
        "grant": grant.jti,
        "unit": "epsilon",
        "scope": "per grant × dataset; basic sequential composition; never refunded",
        "scope_zh": "按授权 × 数据集计；基本顺序组合；不退还",
        "per_query": {"default_epsilon": dp.default_epsilon, "max_epsilon": dp.max_epsilon, "delta": dp.delta},
        "datasets": rows,
    }
