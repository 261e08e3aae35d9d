"""`sandbox policy check`, pure: everything wrong with the catalogue, its registry and the warehouse.

The CLI loads the catalogue (``load_catalog(..., strict=False)``), reads the registry, introspects the
warehouse into ``{"schema.table": [(column, duckdb_type), ...]}`` and prints what this returns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from sandbox.catalog.model import Catalog, Dataset, Scenario
from sandbox.catalog.problems import Problem, sort_problems
from sandbox.catalog.registry import Registry, registry_problems
from sandbox.catalog.rules import check_rules

WAREHOUSE_SCHEMAS = frozenset(s.value for s in Scenario)

WarehouseColumns = Mapping[str, Sequence[tuple[str, str]]]


def check_catalog(
    catalog: Catalog, registry: Registry | None, warehouse_columns: WarehouseColumns | None = None
) -> list[Problem]:
    """Schema, rule and registry problems, plus the warehouse cross-check when columns are given.

    The warehouse side is limited to the five contract schemas; its types are DuckDB names (the
    caller maps PostgreSQL types first). An empty list means the catalogue is fit for use.
    """
    problems = [*catalog.problems, *check_rules(catalog)]
    if registry is not None:
        problems.extend(registry_problems(catalog, registry))
    if warehouse_columns is not None:
        problems.extend(warehouse_problems(catalog, warehouse_columns))
    return sort_problems(problems)


def normalise_type(type_name: str) -> str:
    """``decimal(14, 2)`` -> ``DECIMAL(14,2)``: upper case, no inner whitespace."""
    return "".join(type_name.split()).upper()


def warehouse_problems(catalog: Catalog, warehouse_columns: WarehouseColumns) -> list[Problem]:
    tables = {name: columns for name, columns in warehouse_columns.items() if name.split(".")[0] in WAREHOUSE_SCHEMAS}
    unreadable = {p.file for p in catalog.problems}
    problems: list[Problem] = []
    for name in sorted(tables):
        dataset = catalog.dataset(name)
        if dataset is not None:
            problems.extend(_compare_columns(dataset, tables[name]))
            continue
        file = str(Path(catalog.root, "catalog", *name.split(".", 1)).with_suffix(".yaml"))
        if file not in unreadable:  # a broken entry is already reported; don't report it twice
            problems.append(
                Problem(
                    file,
                    None,
                    f"warehouse table {name} has no catalogue entry (every table must be classified)",
                    f"仓库表 {name} 没有目录条目（每张表都须完成分类分级）",
                    "catalog.warehouse.unclassified_table",
                )
            )
    for dataset in catalog.datasets:
        if dataset.name not in tables:
            problems.append(
                Problem(
                    dataset.source.file,
                    dataset.source.line(("dataset",)),
                    f"catalogue entry {dataset.name} has no table in the warehouse",
                    f"目录条目 {dataset.name} 在仓库中没有对应的表",
                    "catalog.warehouse.missing_table",
                )
            )
    return problems


def _compare_columns(dataset: Dataset, columns: Sequence[tuple[str, str]]) -> Iterator[Problem]:
    source = dataset.source
    actual = {name: normalise_type(type_name) for name, type_name in columns}
    for name in actual:
        if dataset.column(name) is None:
            yield Problem(
                source.file,
                source.line(("columns",)),
                f"column '{name}' of warehouse table {dataset.name} is not classified in the catalogue",
                f"仓库表 {dataset.name} 的字段 '{name}' 未在目录中分类分级",
                "catalog.warehouse.unclassified_column",
            )
    for index, column in enumerate(dataset.columns):
        found = actual.get(column.name)
        if found is None:
            yield Problem(
                source.file,
                source.line(("columns", index, "name")),
                f"column '{column.name}' is not in warehouse table {dataset.name}",
                f"字段 '{column.name}' 不在仓库表 {dataset.name} 中",
                "catalog.warehouse.missing_column",
            )
        elif found != normalise_type(column.type):
            yield Problem(
                source.file,
                source.line(("columns", index, "type")),
                f"column '{column.name}': type {column.type} in the catalogue but {found} in the warehouse",
                f"字段 '{column.name}'：目录中类型为 {column.type}，仓库中为 {found}",
                "catalog.warehouse.type_mismatch",
            )
