"""Registration history: 首次, 变更 and 注销 records, fingerprints, staleness and registry.yaml itself."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from catalog_support import ENTRY, POLICIES, assemble

from sandbox.catalog import CatalogProblems, fingerprint, load_catalog, register, registry_problems
from sandbox.catalog.model import AccessMode, Catalog
from sandbox.catalog.registry import RecordType, Registry, versions
from sandbox.catalog.registry_file import dump_registry, parse_registry, read_registry, write_registry

DAY1 = date(2026, 11, 25)
DAY2 = date(2026, 12, 1)
SCHEMA = json.loads((POLICIES / "schema" / "registry.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_catalog(assemble("valid", tmp_path / "policies"))


def test_when_a_dataset_is_new_then_it_gets_a_first_registration_at_version_1(catalog: Catalog) -> None:
    registry, changes = register(catalog, Registry(), DAY1)

    [registration] = registry.registrations
    assert (registration.code, registration.dataset, registration.version) == (
        "QDN-HPF-0002",
        "housing_fund.hpf_account",
        1,
    )
    assert registration.current.type is RecordType.INITIAL
    assert registration.current.fingerprint == fingerprint(catalog.datasets[0])
    assert registration.current.date == "2026-11-25"
    assert [(c.code, c.record.type) for c in changes] == [("QDN-HPF-0002", RecordType.INITIAL)]


def test_when_nothing_changed_then_register_records_nothing(catalog: Catalog) -> None:
    registry, _ = register(catalog, Registry(), DAY1)

    again, changes = register(catalog, registry, DAY2)

    assert again == registry
    assert changes == ()


def test_when_an_entry_changes_then_a_change_record_bumps_the_version_and_keeps_the_history(
    catalog: Catalog,
) -> None:
    registry, _ = register(catalog, Registry(), DAY1)
    changed = replace(catalog, datasets=(replace(catalog.datasets[0], access_mode=AccessMode.DENY),))

    updated, changes = register(changed, registry, DAY2)

    [registration] = updated.registrations
    assert [(r.version, r.type, r.date) for r in registration.history] == [
        (1, RecordType.INITIAL, "2026-11-25"),
        (2, RecordType.CHANGE, "2026-12-01"),
    ]
    assert registration.history[0] == registry.registrations[0].history[0]
    assert registration.current.fingerprint == fingerprint(changed.datasets[0])
    assert [c.record.version for c in changes] == [2]


def test_when_an_entry_is_removed_then_its_registration_is_cancelled(catalog: Catalog) -> None:
    registry, _ = register(catalog, Registry(), DAY1)

    updated, changes = register(replace(catalog, datasets=()), registry, DAY2)

    [registration] = updated.registrations
    assert not registration.active
    assert (registration.current.version, registration.current.type) == (2, RecordType.CANCELLATION)
    assert registration.current.fingerprint == registry.registrations[0].current.fingerprint
    assert [(c.dataset, c.record.type) for c in changes] == [("housing_fund.hpf_account", RecordType.CANCELLATION)]


def test_when_a_cancelled_code_comes_back_then_register_refuses_and_check_says_why(catalog: Catalog) -> None:
    registry, _ = register(catalog, Registry(), DAY1)
    cancelled, _ = register(replace(catalog, datasets=()), registry, DAY2)

    with pytest.raises(CatalogProblems) as raised:
        register(catalog, cancelled, DAY2)

    assert [p.code for p in raised.value.problems] == ["catalog.registry.cancelled"]
    assert [p.code for p in registry_problems(catalog, cancelled)] == ["catalog.registry.cancelled"]


def test_versions_lists_the_current_version_of_active_registrations(catalog: Catalog) -> None:
    registry, _ = register(catalog, Registry(), DAY1)
    changed = replace(catalog, datasets=(replace(catalog.datasets[0], k=30),))
    updated, _ = register(changed, registry, DAY2)
    cancelled, _ = register(replace(catalog, datasets=()), updated, DAY2)

    assert versions(registry) == {"housing_fund.hpf_account": 1}
    assert versions(updated) == {"housing_fund.hpf_account": 2}
    assert versions(cancelled) == {}


def test_fingerprint_ignores_key_order_and_spelled_out_defaults_but_not_content(tmp_path: Path) -> None:
    original = assemble("valid", tmp_path / "a")
    text = (original / ENTRY).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    reordered = {key: data[key] for key in reversed(list(data))}
    reordered["columns"] = [{key: col[key] for key in reversed(list(col))} for col in data["columns"]]
    del reordered["level"]  # the derived level (max of the columns) is the same 4
    other = assemble("valid", tmp_path / "b")
    (other / ENTRY).write_text(yaml.safe_dump(reordered, allow_unicode=True, sort_keys=False), encoding="utf-8")
    third = assemble("valid", tmp_path / "c")
    (third / ENTRY).write_text(text.replace("name_zh: 性别", "name_zh: 性别代码"), encoding="utf-8")

    prints = [fingerprint(load_catalog(p).datasets[0]) for p in (original, other, third)]

    assert prints[0] == prints[1]
    assert prints[0] != prints[2]
    assert prints[0].startswith("sha256:") and len(prints[0]) == 7 + 64


def test_staleness_is_reported_at_the_entry_and_removed_datasets_at_the_registry(catalog: Catalog) -> None:
    registry, _ = register(catalog, Registry(), DAY1)
    changed = replace(catalog, datasets=(replace(catalog.datasets[0], k=25),))
    file_registry = parse_registry(dump_registry(registry), "policies/registry.yaml", SCHEMA)

    assert registry_problems(catalog, registry) == []
    [stale] = registry_problems(changed, registry)
    [unregistered] = registry_problems(catalog, Registry())
    [removed] = registry_problems(replace(catalog, datasets=()), file_registry)

    assert (stale.code, stale.line) == ("catalog.registry.stale", 3)
    assert "changed since its registration" in stale.message and "sandbox policy register" in stale.message
    assert unregistered.code == "catalog.registry.unregistered"
    assert (removed.file, removed.line, removed.code) == (
        "policies/registry.yaml",
        5,
        "catalog.registry.removed",
    )


def test_registry_file_round_trips(catalog: Catalog, tmp_path: Path) -> None:
    registry, _ = register(catalog, Registry(), DAY1)
    updated, _ = register(replace(catalog, datasets=()), registry, DAY2)
    policies = Path(catalog.root)

    write_registry(policies, updated)
    loaded = read_registry(policies)

    assert loaded.registrations == tuple(replace(r, line=loaded.registrations[0].line) for r in updated.registrations)
    assert loaded.file == str(policies / "registry.yaml")
    assert "'2026-11-25'" in (policies / "registry.yaml").read_text(encoding="utf-8")


def test_a_missing_registry_file_reads_as_empty(catalog: Catalog) -> None:
    assert read_registry(Path(catalog.root)).registrations == ()


HISTORY_OK = "- {version: 1, type: 首次, fingerprint: 'sha256:%s', date: '2026-11-25'}" % ("0" * 64)
HISTORY_BAD = "- {version: 2, type: 变更, fingerprint: 'sha256:%s', date: '2026-11-25'}" % ("0" * 64)


@pytest.mark.parametrize(
    ("history", "line", "code"),
    [
        (f"    {HISTORY_BAD}\n", 5, "catalog.registry.history"),
        (f"    {HISTORY_OK}\n    {HISTORY_OK}\n", 6, "catalog.registry.history"),
        (f"    {HISTORY_OK.replace('首次', '新建')}\n", 5, "catalog.schema.enum"),
    ],
    ids=["starts_with_a_change", "version_repeats", "unknown_type"],
)
def test_an_inconsistent_registry_file_is_reported_at_its_line(history: str, line: int, code: str) -> None:
    text = (
        "registrations:\n"
        "  - registration_code: QDN-HPF-0002\n"
        "    dataset: housing_fund.hpf_account\n"
        "    history:\n" + history
    )

    with pytest.raises(CatalogProblems) as raised:
        parse_registry(text, "registry.yaml", SCHEMA)

    assert [(p.line, p.code) for p in raised.value.problems] == [(line, code)]
