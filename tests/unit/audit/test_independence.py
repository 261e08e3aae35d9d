"""audit/ stands alone: no module imports the platform package (ruff TID251 enforces it too)."""

from __future__ import annotations

import ast
from pathlib import Path

import audit

PACKAGE = Path(audit.__file__).parent


def test_no_audit_module_imports_sandbox() -> None:
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n == "sandbox" or n.startswith("sandbox.")]
    assert offenders == []
    assert len(list(PACKAGE.glob("*.py"))) > 10  # the scan really looked at the package
