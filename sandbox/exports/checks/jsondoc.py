"""Parsing JSON files for the model and regression checks (the PII sniffer already bounded their size and depth)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sandbox.exports.checks.base import SubmittedFile

JSON_KINDS = frozenset({"json", "model_json"})


def load(f: SubmittedFile) -> Any:
    if f.kind not in JSON_KINDS:
        return None
    try:
        return json.loads(f.data)
    except ValueError:
        return None


def walk(doc: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object in ``doc`` with its JSONPath-like location."""
    if isinstance(doc, dict):
        yield path, doc
        for key, value in doc.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from walk(value, f"{path}[{i}]")
