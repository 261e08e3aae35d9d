"""Turn schema-valid YAML data into model values, filling omitted fields from policies/defaults.yaml.

Pure. The input has already passed its JSON Schema, so vocabulary lookups cannot fail here; what the
schema cannot express (duplicates, consistency between fields) is reported as problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sandbox.catalog.model import (
    AccessMode,
    Bounds,
    Column,
    Dataset,
    Defaults,
    Department,
    Handling,
    HandlingKind,
    LevelDefaults,
    NationalLevel,
    OpenAttribute,
    Role,
    Scenario,
    ShareAttribute,
    Source,
    UpdateFrequency,
)
from sandbox.catalog.problems import Problem

AGGREGATING = frozenset({AccessMode.AGGREGATE, AccessMode.DP})


def build_defaults(data: Mapping[str, Any], source: Source) -> tuple[Defaults | None, list[Problem]]:
    levels: dict[int, LevelDefaults] = {}
    problems: list[Problem] = []
    for index, item in enumerate(data["levels"]):
        level = int(item["level"])
        line = source.line(("levels", index, "level"))
        if level in levels:
            problems.append(
                Problem(
                    source.file,
                    line,
                    f"level {level} is defined twice",
                    f"级别 {level} 重复定义",
                    "catalog.defaults.duplicate_level",
                )
            )
            continue
        modes = frozenset(AccessMode(m) for m in item["access_modes"])
        default_mode = AccessMode(item["default_access_mode"])
        if default_mode not in modes:
            problems.append(
                Problem(
                    source.file,
                    source.line(("levels", index, "default_access_mode")),
                    f"level {level}: default_access_mode '{default_mode}' is not among its access_modes",
                    f"级别 {level}：默认访问方式 '{default_mode}' 不在其允许的访问方式之中",
                    "catalog.defaults.access_mode",
                )
            )
        handling = {Role(role): Handling.parse(text) for role, text in item["default_handling"].items()}
        levels[level] = LevelDefaults(level, int(item["min_k"]), default_mode, modes, MappingProxyType(handling))
    missing = sorted({1, 2, 3, 4} - set(levels))
    if missing:
        problems.append(
            Problem(
                source.file,
                source.line(("levels",)),
                f"levels {missing} have no defaults",
                f"级别 {missing} 缺少默认值",
                "catalog.defaults.missing_level",
            )
        )
    if problems:
        return None, problems
    return Defaults(MappingProxyType(levels)), problems


def build_departments(data: Mapping[str, Any], source: Source) -> tuple[Mapping[str, Department], list[Problem]]:
    departments: dict[str, Department] = {}
    problems: list[Problem] = []
    for index, item in enumerate(data["departments"]):
        code = str(item["code"])
        if code in departments:
            problems.append(
                Problem(
                    source.file,
                    source.line(("departments", index, "code")),
                    f"department code '{code}' is used twice",
                    f"部门编码 '{code}' 重复",
                    "catalog.department.duplicate",
                )
            )
            continue
        departments[code] = Department(code, item["name_zh"], item["name_en"], item["uscc"], item["role"])
    return MappingProxyType(departments), problems


def build_dataset(data: Mapping[str, Any], defaults: Defaults, source: Source) -> Dataset:
    """The effective entry: omitted level, access mode, k and handlings take their defaults."""
    columns = tuple(_column(item, defaults) for item in data["columns"])
    level = int(data["level"]) if "level" in data else max(c.level for c in columns)
    level_defaults = defaults.for_level(level)
    mode = AccessMode(data["access_mode"]) if "access_mode" in data else level_defaults.default_access_mode
    k = data.get("k")
    if k is None and mode in AGGREGATING:
        k = level_defaults.min_k
    return Dataset(
        name=data["dataset"],
        registration_code=data["registration_code"],
        department=data["department"],
        scenario=Scenario(data["scenario"]),
        name_zh=data["name_zh"],
        description_zh=data["description_zh"],
        update_frequency=UpdateFrequency(data["update_frequency"]),
        share_attribute=ShareAttribute(data["share_attribute"]),
        open_attribute=OpenAttribute(data["open_attribute"]),
        national_level=NationalLevel(data["national_level"]),
        level=level,
        privacy_unit=data["privacy_unit"],
        access_mode=mode,
        k=None if k is None else int(k),
        synthetic=bool(data["synthetic"]),
        columns=columns,
        national_code=data.get("national_code"),
        source=source,
    )


def _column(item: Mapping[str, Any], defaults: Defaults) -> Column:
    role = Role(item["role"])
    level = int(item["level"])
    if "handling" in item:
        handling = Handling.parse(item["handling"])
    else:
        handling = defaults.for_level(level).default_handling.get(role, Handling(HandlingKind.DENY))
    bounds = item.get("bounds")
    return Column(
        name=item["name"],
        name_zh=item["name_zh"],
        type=item["type"],
        role=role,
        level=level,
        handling=handling,
        bounds=None if bounds is None else Bounds(float(bounds["lower"]), float(bounds["upper"])),
        pi_category=item.get("pi_category"),
        sensitive_pi=bool(item.get("sensitive_pi", False)),
    )
