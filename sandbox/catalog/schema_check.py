"""Validate parsed YAML against a JSON Schema and report each error at its file:line, in two languages."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

# jsonschema probes optional format libraries when imported; rfc3987_syntax (pulled in by Jupyter) compiles a
# grammar for over a second on every CLI start. The catalogue schemas use no IRI formats, so keep it out.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from jsonschema import Draft202012Validator  # noqa: E402
from jsonschema.exceptions import ValidationError  # noqa: E402

from sandbox.catalog.model import KeyPath, Source  # noqa: E402
from sandbox.catalog.problems import Problem  # noqa: E402

_TYPE_ZH = {
    "object": "映射",
    "array": "列表",
    "string": "字符串",
    "integer": "整数",
    "number": "数值",
    "boolean": "布尔值",
    "null": "空值",
}


def schema_problems(data: object, schema: Mapping[str, Any], lines: Mapping[KeyPath, int], file: str) -> list[Problem]:
    """Every schema violation in ``data``, one problem per violation, at the line it concerns."""
    validator = Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(data):
        problems.extend(_problems_for(error, data, lines, file))
    return sorted(set(problems), key=lambda p: (p.line or 0, p.message))


def describe_path(data: object, path: KeyPath, *, zh: bool = False) -> str:
    """Human name for a location: ``column 'balance': handling`` rather than ``columns/11/handling``."""
    if len(path) >= 2 and path[0] == "columns" and isinstance(path[1], int):
        name = _column_name(data, path[1])
        head = f"columns[{path[1]}]"
        if name:
            head = f"字段 '{name}'" if zh else f"column '{name}'"
        rest = _dotted(path[2:])
        return f"{head}{'：' if zh else ': '}{rest}" if rest else head
    return _dotted(path)


def _column_name(data: object, index: int) -> str | None:
    columns = data.get("columns") if isinstance(data, Mapping) else None
    if isinstance(columns, Sequence) and not isinstance(columns, str) and 0 <= index < len(columns):
        column = columns[index]
        if isinstance(column, Mapping) and isinstance(column.get("name"), str):
            return str(column["name"])
    return None


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line(lines: Mapping[KeyPath, int], path: KeyPath) -> int:
    return Source("", lines).line(path)


def _problems_for(error: ValidationError, data: object, lines: Mapping[KeyPath, int], file: str) -> list[Problem]:
    path: KeyPath = tuple(error.absolute_path)
    where, where_zh = describe_path(data, path), describe_path(data, path, zh=True)
    prefix = f"{where}: " if where else ""
    prefix_zh = f"{where_zh}：" if where_zh else ""
    kind = error.validator
    schema: Any = error.schema
    value: Any = error.validator_value
    if kind == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = set(schema.get("properties", {}))
        return [
            Problem(
                file,
                _line(lines, (*path, key)),
                f"{prefix}unknown key '{key}'",
                f"{prefix_zh}未知字段 '{key}'",
                "catalog.schema.unknown_key",
            )
            for key in sorted(str(k) for k in error.instance if k not in allowed)
        ]
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(value)
        return [
            Problem(
                file,
                _line(lines, path),
                f"{prefix}missing required key '{missing}'",
                f"{prefix_zh}缺少必填字段 '{missing}'",
                "catalog.schema.missing_key",
            )
        ]
    if kind == "enum":
        options = ", ".join(str(v) for v in value)
        return [
            Problem(
                file,
                _line(lines, path),
                f"{prefix}'{error.instance}' is not one of: {options}",
                f"{prefix_zh}'{error.instance}' 不是允许的取值（{options}）",
                "catalog.schema.enum",
            )
        ]
    if kind == "type":
        names = [value] if isinstance(value, str) else [str(v) for v in value]
        return [
            Problem(
                file,
                _line(lines, path),
                f"{prefix}expected {' or '.join(names)}, found {_json_type(error.instance)}",
                f"{prefix_zh}应为{'或'.join(_TYPE_ZH.get(n, n) for n in names)}，"
                f"实为{_TYPE_ZH.get(_json_type(error.instance), '其他')}",
                "catalog.schema.type",
            )
        ]
    if kind == "pattern":
        return [
            Problem(
                file,
                _line(lines, path),
                f"{prefix}'{error.instance}' does not have the expected form {value}",
                f"{prefix_zh}'{error.instance}' 不符合格式 {value}",
                "catalog.schema.pattern",
            )
        ]
    return [
        Problem(
            file,
            _line(lines, path),
            f"{prefix}{error.message}",
            f"{prefix_zh}不符合模式要求（{kind}）：{error.message}",
            f"catalog.schema.{kind}",
        )
    ]


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    return "array" if isinstance(value, list) else type(value).__name__
