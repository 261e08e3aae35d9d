"""The automatic checks, one per module, run in this order on every submission (an ordered tuple)."""

from __future__ import annotations

from sandbox.exports.checks import (
    cells,
    differencing,
    dominance,
    file_rules,
    identifiers,
    models,
    pii,
    provenance,
    regression,
    row_caps,
)
from sandbox.exports.checks.base import Check, CheckContext, CheckLimits, EarlierTable, SubmittedFile
from sandbox.exports.model import CheckFinding

CHECKS: tuple[tuple[str, Check], ...] = tuple(
    (module.NAME, module.check)
    for module in (
        provenance,
        file_rules,
        pii,
        identifiers,
        row_caps,
        cells,
        dominance,
        regression,
        models,
        differencing,
    )
)


def run_checks(ctx: CheckContext) -> list[CheckFinding]:
    found: list[CheckFinding] = []
    for _name, check in CHECKS:
        found += check(ctx)
    return found


__all__ = ["CHECKS", "CheckContext", "CheckLimits", "EarlierTable", "SubmittedFile", "run_checks"]
