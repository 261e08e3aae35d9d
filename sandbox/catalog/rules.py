"""Cross-field rules a catalogue entry must satisfy beyond its JSON Schema (requirements §2.2-2.5).

One small function per rule; ``RULES`` runs per dataset, ``CATALOG_RULES`` across the catalogue.
Each yields problems citing the file and line of the field at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from sandbox.catalog.build import AGGREGATING
from sandbox.catalog.model import (
    AccessMode,
    Catalog,
    Dataset,
    GeneralizeRule,
    HandlingKind,
    KeyPath,
    NationalLevel,
    Role,
    is_numeric,
)
from sandbox.catalog.problems import Problem

DatasetRule = Callable[[Dataset, Catalog], Iterator[Problem]]
CatalogRule = Callable[[Catalog], Iterator[Problem]]

# Which column types each generalization can be applied to.
GENERALIZE_TYPES: Final = {
    GeneralizeRule.YEAR: ("DATE", "TIMESTAMP"),
    GeneralizeRule.MONTH: ("DATE", "TIMESTAMP"),
    GeneralizeRule.DAY: ("DATE", "TIMESTAMP"),
    GeneralizeRule.HOUR: ("TIMESTAMP",),
    GeneralizeRule.GRID500M: ("DOUBLE", "DECIMAL"),
    GeneralizeRule.COUNTY: ("VARCHAR",),
    GeneralizeRule.AGE_BAND: ("DATE", "SMALLINT", "INTEGER"),
}


def _at(dataset: Dataset, path: KeyPath, en: str, zh: str, code: str) -> Problem:
    return Problem(dataset.source.file, dataset.source.line(path), en, zh, code)


def _columns(dataset: Dataset) -> Iterator[tuple[int, str]]:
    for index, column in enumerate(dataset.columns):
        yield index, column.name


def duplicate_columns(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, name in _columns(dataset):
        if name in seen:
            yield _at(
                dataset,
                ("columns", index, "name"),
                f"column '{name}' is listed twice",
                f"字段 '{name}' 重复列出",
                "catalog.rule.duplicate_column",
            )
        seen.add(name)


def level_not_below_columns(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    top = max(c.level for c in dataset.columns)
    if dataset.level < top:
        yield _at(
            dataset,
            ("level",),
            f"level {dataset.level} is below its highest column level {top} "
            "(a table is graded at least as high as its columns)",
            f"数据级别 {dataset.level} 低于其字段的最高级别 {top}（表级别取字段级别最高值）",
            "catalog.rule.level_below_columns",
        )


def identifier_handling(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    for index, column in enumerate(dataset.columns):
        if column.role is not Role.IDENTIFIER:
            continue
        kind = column.handling.kind
        path: KeyPath = ("columns", index, "handling")
        if column.level == 4 and kind not in (HandlingKind.HASH, HandlingKind.DENY):
            yield _at(
                dataset,
                path,
                f"column '{column.name}': handling '{column.handling}' is not allowed for an L4 direct "
                "identifier (use hash or deny)",
                f"字段 '{column.name}'：4级直接标识符不得使用处理方式 '{column.handling}'（应为 hash 或 deny）",
                "catalog.rule.l4_identifier",
            )
        elif kind is HandlingKind.ALLOW:
            yield _at(
                dataset,
                path,
                f"column '{column.name}': a direct identifier cannot be shown in clear (use hash, mask or deny)",
                f"字段 '{column.name}'：直接标识符不得明文展示（应为 hash、mask 或 deny）",
                "catalog.rule.identifier_in_clear",
            )


def handling_fits_type(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    for index, column in enumerate(dataset.columns):
        handling = column.handling
        base_type = column.type.split("(", 1)[0]
        if handling.kind is HandlingKind.MASK and base_type != "VARCHAR":
            allowed: tuple[str, ...] = ("VARCHAR",)
        elif handling.rule is not None and base_type not in GENERALIZE_TYPES[handling.rule]:
            allowed = GENERALIZE_TYPES[handling.rule]
        else:
            continue
        yield _at(
            dataset,
            ("columns", index, "handling"),
            f"column '{column.name}': handling '{handling}' does not apply to type {column.type} "
            f"(only {', '.join(allowed)})",
            f"字段 '{column.name}'：处理方式 '{handling}' 不适用于类型 {column.type}（仅适用于 {'、'.join(allowed)}）",
            "catalog.rule.handling_type",
        )


def access_mode_for_level(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    allowed = catalog.defaults.for_level(dataset.level).access_modes
    if dataset.access_mode not in allowed:
        names = ", ".join(m.value for m in AccessMode if m in allowed)
        yield _at(
            dataset,
            ("access_mode",),
            f"access_mode '{dataset.access_mode}' is not allowed for an L{dataset.level} table (use {names})",
            f"{dataset.level}级数据不得使用访问方式 '{dataset.access_mode}'（应为 {names}）",
            "catalog.rule.access_mode",
        )


def core_and_important_denied(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    if dataset.national_level in (NationalLevel.CORE, NationalLevel.IMPORTANT) and (
        dataset.access_mode is not AccessMode.DENY
    ):
        yield _at(
            dataset,
            ("national_level",),
            f"{dataset.national_level} data must not enter the sandbox: access_mode must be 'deny'",
            f"{dataset.national_level}数据不得进入沙箱：访问方式须为 'deny'",
            "catalog.rule.national_level",
        )


def group_size(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    if dataset.access_mode in AGGREGATING:
        minimum = catalog.defaults.for_level(dataset.level).min_k
        if dataset.k is not None and dataset.k < minimum:
            yield _at(
                dataset,
                ("k",),
                f"k = {dataset.k} is below the minimum {minimum} for an L{dataset.level} table",
                f"k = {dataset.k} 低于{dataset.level}级数据的最小值 {minimum}",
                "catalog.rule.k_too_small",
            )
    elif dataset.k is not None:
        yield _at(
            dataset,
            ("k",),
            f"k applies only to aggregate and dp tables, not '{dataset.access_mode}'",
            f"k 仅适用于 aggregate 与 dp 访问方式，不适用于 '{dataset.access_mode}'",
            "catalog.rule.k_unused",
        )


def privacy_unit(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    unit = dataset.privacy_unit
    if unit is None:
        if dataset.access_mode in AGGREGATING:
            yield _at(
                dataset,
                ("privacy_unit",),
                f"a '{dataset.access_mode}' table needs a privacy_unit column to count distinct units",
                f"'{dataset.access_mode}' 访问方式须指定隐私单元字段（privacy_unit）以统计不同主体数",
                "catalog.rule.privacy_unit_missing",
            )
    elif dataset.column(unit) is None:
        yield _at(
            dataset,
            ("privacy_unit",),
            f"privacy_unit '{unit}' is not a column of this table",
            f"隐私单元 '{unit}' 不是本表字段",
            "catalog.rule.privacy_unit_unknown",
        )


def open_has_no_personal_columns(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    if dataset.access_mode is not AccessMode.OPEN:
        return
    for index, column in enumerate(dataset.columns):
        if column.role is not Role.NONE:
            yield _at(
                dataset,
                ("columns", index, "role"),
                f"column '{column.name}' has role {column.role}: an open table holds no personal data "
                "(use masked, aggregate or dp)",
                f"字段 '{column.name}' 的角色为 {column.role}：open 访问方式的表不得含个人信息"
                "（应为 masked、aggregate 或 dp）",
                "catalog.rule.open_personal",
            )


def personal_attributes(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    for index, column in enumerate(dataset.columns):
        if column.role is Role.NONE and (column.pi_category or column.sensitive_pi):
            yield _at(
                dataset,
                ("columns", index, "role"),
                f"column '{column.name}' is marked as personal information but has role N",
                f"字段 '{column.name}' 标注为个人信息，但角色为 N（非个人）",
                "catalog.rule.pi_role",
            )


def bounds(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    for index, column in enumerate(dataset.columns):
        path: KeyPath = ("columns", index, "bounds")
        if column.bounds is None:
            if (
                dataset.access_mode is AccessMode.DP
                and column.role is Role.SENSITIVE
                and is_numeric(column.type)
                and column.handling.kind is HandlingKind.ALLOW
            ):
                yield _at(
                    dataset,
                    ("columns", index),
                    f"column '{column.name}': a numeric sensitive column of a dp table needs bounds {{lower, upper}}",
                    f"字段 '{column.name}'：dp 表的数值型敏感字段须给出取值界限 bounds {{lower, upper}}",
                    "catalog.rule.bounds_missing",
                )
        elif not is_numeric(column.type) or column.role not in (Role.SENSITIVE, Role.NONE):
            yield _at(
                dataset,
                path,
                f"column '{column.name}': bounds apply only to numeric S or N columns",
                f"字段 '{column.name}'：取值界限仅适用于数值型 S 或 N 字段",
                "catalog.rule.bounds_misplaced",
            )
        elif column.bounds.lower >= column.bounds.upper:
            yield _at(
                dataset,
                path,
                f"column '{column.name}': bounds lower must be below upper",
                f"字段 '{column.name}'：取值下界须小于上界",
                "catalog.rule.bounds_order",
            )


def scenario_matches_schema(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    if dataset.scenario.value != dataset.schema:
        yield _at(
            dataset,
            ("scenario",),
            f"scenario '{dataset.scenario}' differs from the table's schema '{dataset.schema}'",
            f"场景 '{dataset.scenario}' 与表所在模式 '{dataset.schema}' 不一致",
            "catalog.rule.scenario",
        )


def known_department(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    # No departments at all means departments.yaml itself is broken, which is reported already.
    if catalog.departments and dataset.department not in catalog.departments:
        yield _at(
            dataset,
            ("department",),
            f"department '{dataset.department}' is not in departments.yaml",
            f"供数部门 '{dataset.department}' 未在 departments.yaml 中登记",
            "catalog.rule.unknown_department",
        )


def l4_watermark(dataset: Dataset, catalog: Catalog) -> Iterator[Problem]:
    # An accidental export of L4 synthetic rows must be recognisable as such (data design §5.6).
    last = dataset.columns[-1] if dataset.columns else None
    watermarked = last is not None and last.name == "synthetic" and last.type == "BOOLEAN"
    if dataset.synthetic and dataset.level == 4 and not watermarked:
        yield _at(
            dataset,
            ("columns",),
            "an L4 synthetic table must end with the watermark column 'synthetic' of type BOOLEAN",
            "L4 级合成数据表的最后一列须为 BOOLEAN 类型的水印列 'synthetic'",
            "catalog.rule.watermark",
        )


def unique_registration_codes(catalog: Catalog) -> Iterator[Problem]:
    first: dict[str, Dataset] = {}
    for dataset in catalog.datasets:
        code = dataset.registration_code
        if code in first:
            other = first[code]
            yield _at(
                dataset,
                ("registration_code",),
                f"registration code '{code}' is already used by {other.name} ({other.source.file})",
                f"登记编码 '{code}' 已被 {other.name}（{other.source.file}）使用",
                "catalog.rule.duplicate_code",
            )
        else:
            first[code] = dataset


def unique_dataset_names(catalog: Catalog) -> Iterator[Problem]:
    first: dict[str, Dataset] = {}
    for dataset in catalog.datasets:
        if dataset.name in first:
            yield _at(
                dataset,
                ("dataset",),
                f"dataset '{dataset.name}' is already described in {first[dataset.name].source.file}",
                f"数据集 '{dataset.name}' 已在 {first[dataset.name].source.file} 中描述",
                "catalog.rule.duplicate_dataset",
            )
        else:
            first[dataset.name] = dataset


RULES: tuple[DatasetRule, ...] = (
    duplicate_columns,
    level_not_below_columns,
    identifier_handling,
    handling_fits_type,
    access_mode_for_level,
    core_and_important_denied,
    group_size,
    privacy_unit,
    open_has_no_personal_columns,
    personal_attributes,
    bounds,
    scenario_matches_schema,
    known_department,
    l4_watermark,
)

CATALOG_RULES: tuple[CatalogRule, ...] = (unique_registration_codes, unique_dataset_names)


def check_rules(catalog: Catalog) -> list[Problem]:
    """Every rule problem in ``catalog`` (schema problems are in ``catalog.problems``)."""
    problems = [problem for dataset in catalog.datasets for rule in RULES for problem in rule(dataset, catalog)]
    problems.extend(problem for rule in CATALOG_RULES for problem in rule(catalog))
    return problems
