"""Row caps: an exported table longer than an aggregate should be is refused (it looks row-level)."""

from __future__ import annotations

from sandbox.exports.checks.base import CheckContext, finding
from sandbox.exports.model import CheckFinding

NAME = "row_caps"


def check(ctx: CheckContext) -> list[CheckFinding]:
    cap = ctx.limits.max_table_rows
    return [
        finding(
            NAME,
            "table.row_cap",
            f.name,
            "whole table",
            "block",
            f"The table has {len(f.table)} rows; exported tables may have at most {cap} (rule: row cap).",
            f"该表有 {len(f.table)} 行；导出表最多 {cap} 行（规则：行数上限）。",
        )
        for f in ctx.files
        if f.table is not None and len(f.table) > cap
    ]
