"""policy check's warehouse cross-check and the lookups the CLI and grants use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from catalog_support import ENTRY, assemble

from sandbox.catalog import check_catalog, dataset_names, datasets_for_scenario, load_catalog
from sandbox.catalog.model import Catalog, Scenario
from sandbox.errors import UsageError

WAREHOUSE = {
    "housing_fund.hpf_account": [
        ("person_id_no", "VARCHAR"),
        ("gender", "varchar"),
        ("balance", "decimal(14, 2)"),
        ("synthetic", "BOOLEAN"),
    ],
    "main.scratch": [("x", "INTEGER")],  # outside the five schemas: ignored
}


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_catalog(assemble("valid", tmp_path / "policies"))


def _codes(catalog: Catalog, warehouse: dict[str, list[tuple[str, str]]]) -> list[tuple[str, int | None, str]]:
    root = Path(catalog.root)
    return [(str(Path(p.file).relative_to(root)), p.line, p.code) for p in check_catalog(catalog, None, warehouse)]


def test_when_warehouse_and_catalogue_agree_then_there_is_nothing_to_report(catalog: Catalog) -> None:
    assert check_catalog(catalog, None, WAREHOUSE) == []


def test_when_a_warehouse_table_has_no_entry_then_its_expected_file_is_named(catalog: Catalog) -> None:
    warehouse = {**WAREHOUSE, "transit.bus_new": [("a", "VARCHAR")]}

    assert _codes(catalog, warehouse) == [
        ("catalog/transit/bus_new.yaml", None, "catalog.warehouse.unclassified_table")
    ]


def test_when_an_entry_has_no_warehouse_table_then_the_entry_is_named(catalog: Catalog) -> None:
    assert _codes(catalog, {}) == [(str(ENTRY), 2, "catalog.warehouse.missing_table")]


def test_when_columns_differ_then_each_difference_is_reported_at_its_line(catalog: Catalog) -> None:
    warehouse = {
        "housing_fund.hpf_account": [
            ("person_id_no", "VARCHAR"),
            ("balance", "DOUBLE"),
            ("synthetic", "BOOLEAN"),
            ("ethnicity", "VARCHAR"),
        ]
    }

    assert _codes(catalog, warehouse) == [
        (str(ENTRY), 17, "catalog.warehouse.unclassified_column"),
        (str(ENTRY), 25, "catalog.warehouse.missing_column"),
        (str(ENTRY), 33, "catalog.warehouse.type_mismatch"),
    ]


def test_a_broken_entry_is_not_reported_a_second_time_as_unclassified(tmp_path: Path) -> None:
    catalog = load_catalog(assemble("bad_enum", tmp_path / "policies"), strict=False)

    assert [p.code for p in check_catalog(catalog, None, WAREHOUSE)] == ["catalog.schema.enum"]


def test_dataset_names_and_scenarios(catalog: Catalog) -> None:
    account = catalog.datasets[0]
    region = replace(account, name="common.dim_region", scenario=Scenario.COMMON, registration_code="QDN-CMN-0001")
    bus = replace(account, name="transit.bus_tap", scenario=Scenario.TRANSIT, registration_code="QDN-BUS-0007")
    wider = replace(catalog, datasets=(bus, account, region))

    assert dataset_names(wider) == ("common.dim_region", "housing_fund.hpf_account", "transit.bus_tap")
    assert datasets_for_scenario(wider, "housing_fund") == ("common.dim_region", "housing_fund.hpf_account")
    assert datasets_for_scenario(wider, "transit", include_common=False) == ("transit.bus_tap",)


def test_an_unknown_scenario_is_a_usage_error(catalog: Catalog) -> None:
    with pytest.raises(UsageError) as raised:
        datasets_for_scenario(catalog, "health")

    assert raised.value.code == "catalog.unknown_scenario"
    assert "tourism" in raised.value.message and "health" in raised.value.message_zh
