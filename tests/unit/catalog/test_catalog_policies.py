"""The real policies/: valid, registered, and in step with the demo warehouse's declared columns."""

from __future__ import annotations

import pytest
from catalog_support import POLICIES

from sandbox.catalog import check_catalog, load_catalog, read_registry
from sandbox.catalog.check import warehouse_problems
from sandbox.catalog.model import Catalog, HandlingKind, NationalLevel, Role
from sandbox.warehouse.demo.schema import TABLES


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(POLICIES)


def test_policies_validate_and_every_entry_is_registered_at_its_current_version(catalog: Catalog) -> None:
    problems = check_catalog(catalog, read_registry(POLICIES))

    assert [str(p) for p in problems] == []


def test_every_demo_table_and_column_is_classified_with_the_same_type(catalog: Catalog) -> None:
    declared = {name: list(columns) for name, columns in TABLES.items()}

    assert [str(p) for p in warehouse_problems(catalog, declared)] == []


def test_no_direct_identifier_at_level_4_is_readable_in_clear(catalog: Catalog) -> None:
    exposed = [
        f"{d.name}.{c.name}"
        for d in catalog.datasets
        for c in d.columns
        if c.role is Role.IDENTIFIER and c.level == 4 and c.handling.kind not in (HandlingKind.HASH, HandlingKind.DENY)
    ]

    assert exposed == []


def test_possible_important_data_is_flagged_pending(catalog: Catalog) -> None:
    pending = sorted(d.name for d in catalog.datasets if d.national_level is NationalLevel.PENDING)

    assert pending == ["governance.gov_video_camera", "tourism.lodging_checkin"]


def test_every_department_in_use_is_a_supplier_in_departments_yaml(catalog: Catalog) -> None:
    used = {d.department for d in catalog.datasets}

    assert used <= set(catalog.departments)
    assert {catalog.departments[code].role for code in used} <= {"数据提供方", "数据主管部门"}
