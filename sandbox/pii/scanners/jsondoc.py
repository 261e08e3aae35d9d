"""JSON documents that are not plain tables (and model JSON): every value by key path, keys too."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sandbox.pii.columns import cell_hits
from sandbox.pii.findings import Finding
from sandbox.pii.report import column_findings

KEYS_PSEUDO_PATH = "(keys)"


def flatten(doc: Any) -> dict[str, list[str]]:
    """Values grouped by key path (list positions collapse to ``[]``), plus every key under ``(keys)``."""
    columns: dict[str, list[str]] = defaultdict(list)
    stack: list[tuple[str, Any]] = [("$", doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                columns[KEYS_PSEUDO_PATH].append(str(k))
                stack.append((f"{path}.{k}", v))
        elif isinstance(node, list):
            stack.extend((f"{path}[]", v) for v in reversed(node))
        elif node is not None:
            columns[path].append(repr(node) if isinstance(node, float) else str(node))
    return columns


def scan_json_doc(file: str, doc: Any, prefix: str = "") -> list[Finding]:
    findings: list[Finding] = []
    for path, values in flatten(doc).items():
        header = path.rsplit(".", 1)[-1].rstrip("[]") if path != KEYS_PSEUDO_PATH else ""
        hits = cell_hits(header, values)
        for f in column_findings(file, prefix, header or path, hits):
            # Locations read "key path $.a.b, items 3,5" rather than "column".
            location = f.location.replace(f"column {header or path}, rows", f"key path {path}, items", 1)
            findings.append(_relocated(f, location))
    return findings


def _relocated(f: Finding, location: str) -> Finding:
    return Finding(
        f.file,
        location,
        f.entity,
        f.severity,
        f.count,
        f.message_zh.replace(f.location, location),
        f.message_en.replace(f.location, location),
    )
