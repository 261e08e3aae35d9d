"""Registration history (requirements B1, B2, B4): 首次, 变更, 注销 records per registration code.

Pure. A dataset's fingerprint is the SHA-256 of the canonical JSON of its effective entry (defaults
applied), so reordering keys or spelling out a default changes nothing, while any change of
classification, handling or metadata yields a new version. ``register`` appends the records that
bring the registry up to date with the catalogue; ``registry_problems`` reports where it is stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sandbox.catalog.model import Catalog, Dataset
from sandbox.catalog.problems import CatalogProblems, Problem

REGISTER_HINT = "run `sandbox policy register`"
REGISTER_HINT_ZH = "请运行 `sandbox policy register`"


class RecordType(StrEnum):
    INITIAL = "首次"
    CHANGE = "变更"
    CORRECTION = "更正"  # recorded by hand; register() cannot tell a correction from a change
    CANCELLATION = "注销"


@dataclass(frozen=True)
class RegistrationRecord:
    version: int
    type: RecordType
    fingerprint: str  # "sha256:<hex>"
    date: str  # ISO date


@dataclass(frozen=True)
class Registration:
    code: str
    dataset: str
    history: tuple[RegistrationRecord, ...]
    line: int | None = None  # where it starts in registry.yaml, for problems

    @property
    def current(self) -> RegistrationRecord:
        return self.history[-1]

    @property
    def version(self) -> int:
        return self.current.version

    @property
    def active(self) -> bool:
        return self.current.type is not RecordType.CANCELLATION


@dataclass(frozen=True)
class Registry:
    registrations: tuple[Registration, ...] = ()
    file: str = "registry.yaml"

    def get(self, code: str) -> Registration | None:
        return next((r for r in self.registrations if r.code == code), None)


@dataclass(frozen=True)
class RegistrationChange:
    code: str
    dataset: str
    record: RegistrationRecord


def canonical_entry(dataset: Dataset) -> dict[str, Any]:
    """The effective entry as plain JSON data (what the fingerprint covers)."""
    return {
        "dataset": dataset.name,
        "registration_code": dataset.registration_code,
        "national_code": dataset.national_code,
        "department": dataset.department,
        "scenario": dataset.scenario.value,
        "name_zh": dataset.name_zh,
        "description_zh": dataset.description_zh,
        "update_frequency": dataset.update_frequency.value,
        "share_attribute": dataset.share_attribute.value,
        "open_attribute": dataset.open_attribute.value,
        "national_level": dataset.national_level.value,
        "level": dataset.level,
        "privacy_unit": dataset.privacy_unit,
        "access_mode": dataset.access_mode.value,
        "k": dataset.k,
        "synthetic": dataset.synthetic,
        "columns": [
            {
                "name": c.name,
                "name_zh": c.name_zh,
                "type": c.type,
                "role": c.role.value,
                "level": c.level,
                "handling": str(c.handling),
                "bounds": None if c.bounds is None else {"lower": c.bounds.lower, "upper": c.bounds.upper},
                "pi_category": c.pi_category,
                "sensitive_pi": c.sensitive_pi,
            }
            for c in dataset.columns
        ],
    }


def fingerprint(dataset: Dataset) -> str:
    text = json.dumps(canonical_entry(dataset), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def register(catalog: Catalog, registry: Registry, today: date) -> tuple[Registry, tuple[RegistrationChange, ...]]:
    """Bring ``registry`` up to date with ``catalog``: 首次 for new codes, 变更 for changed entries,
    注销 for codes gone from the catalogue. Registrations keep their full history.

    Raises ``CatalogProblems`` if a cancelled code reappears (codes are never reused) or a code is
    used twice in the catalogue (run the rules first).
    """
    day = today.isoformat()
    by_code: dict[str, Dataset] = {}
    problems: list[Problem] = []
    for dataset in catalog.datasets:
        if dataset.registration_code in by_code:
            problems.append(_dataset_problem(dataset, "duplicate"))
        by_code[dataset.registration_code] = dataset
    registrations = {r.code: r for r in registry.registrations}
    changes: list[RegistrationChange] = []

    for code, dataset in sorted(by_code.items()):
        current = fingerprint(dataset)
        known = registrations.get(code)
        if known is None:
            record = RegistrationRecord(1, RecordType.INITIAL, current, day)
            registrations[code] = Registration(code, dataset.name, (record,))
        elif not known.active:
            problems.append(_dataset_problem(dataset, "cancelled"))
            continue
        elif known.current.fingerprint != current or known.dataset != dataset.name:
            record = RegistrationRecord(known.version + 1, RecordType.CHANGE, current, day)
            registrations[code] = replace(known, dataset=dataset.name, history=(*known.history, record))
        else:
            continue
        changes.append(RegistrationChange(code, dataset.name, record))

    for code, known in sorted(registrations.items()):
        if known.active and code not in by_code:
            record = RegistrationRecord(known.version + 1, RecordType.CANCELLATION, known.current.fingerprint, day)
            registrations[code] = replace(known, history=(*known.history, record))
            changes.append(RegistrationChange(code, known.dataset, record))

    if problems:
        raise CatalogProblems(problems)
    ordered = tuple(registrations[code] for code in sorted(registrations))
    return Registry(ordered, registry.file), tuple(changes)


def registry_problems(catalog: Catalog, registry: Registry) -> list[Problem]:
    """Where the registry no longer matches the catalogue (policy check runs this)."""
    problems: list[Problem] = []
    codes = {d.registration_code for d in catalog.datasets}
    for dataset in catalog.datasets:
        known = registry.get(dataset.registration_code)
        line = dataset.source.line(("registration_code",))
        if known is not None and not known.active:
            problems.append(_dataset_problem(dataset, "cancelled"))
        elif known is None:
            problems.append(
                Problem(
                    dataset.source.file,
                    line,
                    f"catalogue entry {dataset.name} ({dataset.registration_code}) is not registered: {REGISTER_HINT}",
                    f"目录条目 {dataset.name}（{dataset.registration_code}）尚未登记：{REGISTER_HINT_ZH}",
                    "catalog.registry.unregistered",
                )
            )
        elif known.current.fingerprint != fingerprint(dataset) or known.dataset != dataset.name:
            problems.append(
                Problem(
                    dataset.source.file,
                    line,
                    f"catalogue entry {dataset.name} changed since its registration "
                    f"(version {known.version}): {REGISTER_HINT}",
                    f"目录条目 {dataset.name} 自登记（第 {known.version} 版）以来已变更：{REGISTER_HINT_ZH}",
                    "catalog.registry.stale",
                )
            )
    for known in registry.registrations:
        if known.active and known.code not in codes:
            problems.append(
                Problem(
                    registry.file,
                    known.line,
                    f"{known.dataset} ({known.code}) was removed from the catalogue but is still registered: "
                    f"{REGISTER_HINT}",
                    f"{known.dataset}（{known.code}）已从目录删除但仍处于登记状态：{REGISTER_HINT_ZH}",
                    "catalog.registry.removed",
                )
            )
    return problems


def versions(registry: Registry) -> Mapping[str, int]:
    """Current version per dataset name, for active registrations."""
    return {r.dataset: r.version for r in registry.registrations if r.active}


def _dataset_problem(dataset: Dataset, why: str) -> Problem:
    code = dataset.registration_code
    if why == "cancelled":
        en = f"registration code '{code}' was cancelled (注销); give {dataset.name} a new code"
        zh = f"登记编码 '{code}' 已注销，请为 {dataset.name} 分配新的编码"
    else:
        en = f"registration code '{code}' is used by more than one entry"
        zh = f"登记编码 '{code}' 被多个条目使用"
    return Problem(dataset.source.file, dataset.source.line(("registration_code",)), en, zh, f"catalog.registry.{why}")
