"""Read and write policies/registry.yaml (the registration history kept under version control)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from sandbox.catalog.model import Source
from sandbox.catalog.problems import CatalogProblems, Problem
from sandbox.catalog.registry import RecordType, Registration, RegistrationRecord, Registry
from sandbox.catalog.schema_check import schema_problems
from sandbox.catalog.yamltext import parse_yaml

REGISTRY_FILE = "registry.yaml"

HEADER = """\
# Registration history of the catalogue (数据资源登记记录): 首次 initial, 变更 change, 更正 correction,
# 注销 cancellation. Written by `sandbox policy register`; review the diff, do not edit by hand.
# fingerprint = sha256 of the canonical JSON of the entry as loaded (defaults applied).
"""


def read_registry(policies_dir: Path) -> Registry:
    """The registry in ``policies_dir``; empty if the file does not exist yet."""
    path = policies_dir / REGISTRY_FILE
    if not path.exists():
        return Registry(file=str(path))
    schema = json.loads((policies_dir / "schema" / "registry.schema.json").read_text(encoding="utf-8"))
    return parse_registry(path.read_text(encoding="utf-8"), str(path), schema)


def write_registry(policies_dir: Path, registry: Registry) -> None:
    path = policies_dir / REGISTRY_FILE
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(dump_registry(registry), encoding="utf-8")
    tmp.replace(path)


def parse_registry(text: str, file: str, schema: Mapping[str, Any]) -> Registry:
    """Parse registry text; raises ``CatalogProblems`` (file:line) if it is malformed or inconsistent."""
    parsed = parse_yaml(text, file)
    problems = list(parsed.problems)
    if parsed.ok:
        problems.extend(schema_problems(parsed.data, schema, parsed.lines, file))
    if problems or not isinstance(parsed.data, Mapping):
        raise CatalogProblems(problems)
    source = Source(file, parsed.lines)
    registrations: list[Registration] = []
    seen: set[str] = set()
    for index, item in enumerate(parsed.data["registrations"]):
        history = tuple(
            RegistrationRecord(r["version"], RecordType(r["type"]), r["fingerprint"], r["date"])
            for r in item["history"]
        )
        registration = Registration(
            item["registration_code"], item["dataset"], history, source.line(("registrations", index))
        )
        problems.extend(_consistency(registration, index, source, seen))
        seen.add(registration.code)
        registrations.append(registration)
    if problems:
        raise CatalogProblems(problems)
    return Registry(tuple(registrations), file)


def dump_registry(registry: Registry) -> str:
    data = {
        "registrations": [
            {
                "registration_code": r.code,
                "dataset": r.dataset,
                "history": [
                    {"version": h.version, "type": h.type.value, "fingerprint": h.fingerprint, "date": h.date}
                    for h in r.history
                ],
            }
            for r in sorted(registry.registrations, key=lambda r: r.code)
        ]
    }
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)
    return HEADER + body


def _consistency(registration: Registration, index: int, source: Source, seen: set[str]) -> list[Problem]:
    """Codes are unique; versions count 1, 2, 3 …; the first record is 首次; nothing follows 注销."""
    where = ("registrations", index)
    if registration.code in seen:
        return [
            Problem(
                source.file,
                source.line((*where, "registration_code")),
                f"registration code '{registration.code}' appears twice",
                f"登记编码 '{registration.code}' 重复出现",
                "catalog.registry.duplicate",
            )
        ]
    for position, record in enumerate(registration.history):
        line = source.line((*where, "history", position))
        expected_type = RecordType.INITIAL if position == 0 else None
        after_cancel = position > 0 and registration.history[position - 1].type is RecordType.CANCELLATION
        if (
            record.version != position + 1
            or (expected_type is not None and record.type is not expected_type)
            or (position > 0 and record.type is RecordType.INITIAL)
            or after_cancel
        ):
            return [
                Problem(
                    source.file,
                    line,
                    f"{registration.code}: history must run 首次 v1, then one version per record, "
                    "with nothing after 注销",
                    f"{registration.code}：登记历史须以首次（第1版）开始、逐版递增，且注销后不得再有记录",
                    "catalog.registry.history",
                )
            ]
    return []
