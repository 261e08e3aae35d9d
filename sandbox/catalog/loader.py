"""Read policies/ from disk: the only module of the catalogue that opens files (besides registry_file).

Layout: ``defaults.yaml``, ``departments.yaml``, ``catalog/<schema>/<table>.yaml`` and the JSON Schemas
in ``schema/``. Problems cite paths as ``policies_dir / relative path``, so pass a relative
``policies_dir`` to get relative paths in messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sandbox.catalog.build import build_dataset, build_defaults, build_departments
from sandbox.catalog.model import Catalog, Dataset, Defaults, Department, Source
from sandbox.catalog.problems import CatalogProblems, Problem
from sandbox.catalog.rules import check_rules
from sandbox.catalog.schema_check import schema_problems
from sandbox.catalog.yamltext import ParsedYaml, parse_yaml

SCHEMA_DIR = "schema"
CATALOG_DIR = "catalog"


def load_catalog(policies_dir: Path, *, strict: bool = True) -> Catalog:
    """Load and validate policies/.

    strict (the default): raise ``CatalogProblems`` if anything is wrong (syntax, schema or rules).
    Not strict: return what could be built, with the reading problems in ``Catalog.problems``
    (``sandbox.catalog.check.check_catalog`` adds the rule, registry and warehouse findings).
    """
    catalog = read_catalog(policies_dir)
    if strict:
        problems = [*catalog.problems, *check_rules(catalog)]
        if problems:
            raise CatalogProblems(problems)
    return catalog


def read_catalog(policies_dir: Path) -> Catalog:
    problems: list[Problem] = []
    schemas = {name: _read_schema(policies_dir, name) for name in ("catalog", "defaults", "departments")}

    defaults_data = _read_valid(policies_dir / "defaults.yaml", schemas["defaults"], problems)
    defaults: Defaults | None = None
    if defaults_data is not None:
        defaults, found = build_defaults(defaults_data[0], defaults_data[1])
        problems.extend(found)

    departments: Mapping[str, Department] = {}
    departments_data = _read_valid(policies_dir / "departments.yaml", schemas["departments"], problems)
    if departments_data is not None:
        departments, found = build_departments(departments_data[0], departments_data[1])
        problems.extend(found)

    datasets: list[Dataset] = []
    for path in sorted((policies_dir / CATALOG_DIR).rglob("*")):
        if path.is_dir():
            continue
        entry = _read_entry(policies_dir, path, schemas["catalog"], problems)
        if entry is not None and defaults is not None:
            datasets.append(build_dataset(entry[0], defaults, entry[1]))

    if defaults is None:  # nothing can be built without defaults; report the reading problems alone
        defaults = Defaults({})
    return Catalog(str(policies_dir), tuple(datasets), departments, defaults, tuple(problems))


def _read_schema(policies_dir: Path, name: str) -> Mapping[str, Any]:
    path = policies_dir / SCHEMA_DIR / f"{name}.schema.json"
    try:
        schema: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogProblems(
            [
                Problem(
                    str(path),
                    None,
                    f"cannot read the JSON Schema: {exc}",
                    f"无法读取 JSON 模式文件：{exc}",
                    "catalog.schema_file",
                )
            ]
        ) from exc
    return schema


def _read_valid(
    path: Path, schema: Mapping[str, Any], problems: list[Problem]
) -> tuple[Mapping[str, Any], Source] | None:
    """Parse ``path`` and check it against ``schema``; None (with problems recorded) if unusable."""
    parsed = _parse(path, problems)
    if parsed is None:
        return None
    found = schema_problems(parsed.data, schema, parsed.lines, str(path))
    problems.extend(found)
    if found or not isinstance(parsed.data, Mapping):
        return None
    return parsed.data, Source(str(path), parsed.lines)


def _parse(path: Path, problems: list[Problem]) -> ParsedYaml | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(
            Problem(str(path), None, f"cannot read the file: {exc}", f"无法读取文件：{exc}", "catalog.file")
        )
        return None
    parsed = parse_yaml(text, str(path))
    problems.extend(parsed.problems)
    return parsed if parsed.ok else None


def _read_entry(
    policies_dir: Path, path: Path, schema: Mapping[str, Any], problems: list[Problem]
) -> tuple[Mapping[str, Any], Source] | None:
    relative = path.relative_to(policies_dir / CATALOG_DIR)
    if path.suffix != ".yaml" or len(relative.parts) != 2:
        problems.append(
            Problem(
                str(path),
                None,
                "catalogue entries live at catalog/<schema>/<table>.yaml",
                "目录条目应位于 catalog/<schema>/<table>.yaml",
                "catalog.file_layout",
            )
        )
        return None
    entry = _read_valid(path, schema, problems)
    if entry is None:
        return None
    data, source = entry
    expected = f"{relative.parts[0]}.{relative.stem}"
    if data["dataset"] != expected:
        problems.append(
            Problem(
                source.file,
                source.line(("dataset",)),
                f"dataset '{data['dataset']}' does not match the file's location (expected '{expected}')",
                f"数据集 '{data['dataset']}' 与文件位置不符（应为 '{expected}'）",
                "catalog.file_layout",
            )
        )
        return None
    return entry
