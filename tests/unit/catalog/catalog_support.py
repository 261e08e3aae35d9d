"""Shared helpers for the catalogue tests: where policies live and how fixture cases are assembled."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
POLICIES = REPO / "policies"
FIXTURES = REPO / "tests" / "fixtures" / "policies"
ENTRY = Path("catalog/housing_fund/hpf_account.yaml")


def assemble(case: str, target: Path) -> Path:
    """A policies folder in ``target``: the real defaults, departments and schemas plus the case's entries."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("defaults.yaml", "departments.yaml"):
        shutil.copy(POLICIES / name, target / name)
    shutil.copytree(POLICIES / "schema", target / "schema")
    shutil.copytree(FIXTURES / case, target, dirs_exist_ok=True)
    return target
