"""Catalogue use cases: check policies/ against the warehouse, register changes, answer lookups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sandbox.catalog import (
    CatalogProblems,
    Problem,
    RegistrationChange,
    check_catalog,
    load_catalog,
    read_registry,
    register,
    write_registry,
)
from sandbox.errors import WarehouseError
from sandbox.services import audit, warehouse
from sandbox.settings import Settings


@dataclass(frozen=True)
class CheckReport:
    datasets: int
    columns: int
    warehouse_checked: bool


def check_policies(settings: Settings, *, require_warehouse: bool = False) -> CheckReport:
    """Validate policies/ (schema, rules, registry) and cross-check the warehouse when there is one.

    Raises ``CatalogProblems`` listing every problem with its file and line.
    """
    catalog = load_catalog(settings.policies, strict=False)
    columns = None
    try:
        columns = warehouse.describe(settings)
    except WarehouseError as missing:
        if require_warehouse or missing.code != "warehouse.missing":
            raise
    problems: list[Problem] = check_catalog(catalog, read_registry(settings.policies), columns)
    if problems:
        raise CatalogProblems(problems)
    return CheckReport(
        datasets=len(catalog.datasets),
        columns=sum(len(d.columns) for d in catalog.datasets),
        warehouse_checked=columns is not None,
    )


def register_policies(settings: Settings, today: date | None = None) -> tuple[RegistrationChange, ...]:
    """Append 首次/变更/注销 records for every entry whose content changed; writes policies/registry.yaml."""
    catalog = load_catalog(settings.policies)
    updated, changes = register(catalog, read_registry(settings.policies), today or date.today())
    if changes:
        write_registry(settings.policies, updated)
        for change in changes:
            audit.record(
                settings,
                "config.change",
                change.dataset,
                detail={
                    "registry": change.code,
                    "record": change.record.type.value,
                    "version": change.record.version,
                    "fingerprint": change.record.fingerprint,
                },
            )
    return changes


def dataset_scenarios(policies: Path) -> dict[str, str]:
    """``{"schema.table": scenario}`` for every catalogued dataset (what a grant may name)."""
    return {d.name: d.scenario.value for d in load_catalog(policies).datasets}


def department_codes(policies: Path) -> frozenset[str]:
    return frozenset(load_catalog(policies).departments)
