"""Minimum cell count (k contributors; 20 when a source is L4) and zero cells, on every count column."""

from __future__ import annotations

from sandbox.exports.checks.base import CheckContext, count_columns, finding, rows_text
from sandbox.exports.model import CheckFinding

NAME = "cells"


def check(ctx: CheckContext) -> list[CheckFinding]:
    if not ctx.personal:
        return []
    if ctx.modes == {"dp"}:
        return []  # noisy counts under a spent ε: small values are what DP is for
    found = []
    for f in ctx.files:
        if f.table is None or f.table.empty:
            continue
        counts = count_columns(f.table)
        if not counts:
            found.append(
                finding(
                    NAME, "table.no_count_column", f.name, "whole table", "review",
                    "No count column (n, count, 人数…) was found, so cell sizes cannot be checked automatically: "
                    "add the count per row (rule: minimum cell count).",
                    "未找到计数列（n、count、人数等），无法自动检查单元格大小：请为每行附上计数（规则：最小单元格计数）。",
                )
            )  # fmt: skip
        for column in counts:
            values = f.table[column]
            small = [i for i, v in enumerate(values) if v == v and 0 < v < ctx.k]  # v == v: skip NaN
            zeros = [i for i, v in enumerate(values) if v == 0]
            if small:
                found.append(
                    finding(
                        NAME, "table.min_cell_count", f.name, f"column {column}, rows {rows_text(small)}", "block",
                        f"{len(small)} cell(s) in column '{column}' count fewer than {ctx.k} contributors "
                        "(rule: minimum cell count).",
                        f"列“{column}”有 {len(small)} 个单元格少于 {ctx.k} 个贡献者（规则：最小单元格计数）。",
                    )
                )  # fmt: skip
            if zeros:
                found.append(
                    finding(
                        NAME, "table.zero_cell", f.name, f"column {column}, rows {rows_text(zeros)}", "review",
                        f"{len(zeros)} zero cell(s) in column '{column}': a zero can disclose that nobody in a group "
                        "has a property (rule: zero cells).",
                        f"列“{column}”有 {len(zeros)} 个零值单元格：零值可能披露某组无人具有某属性"
                        "（规则：零值单元格）。",
                    )
                )  # fmt: skip
    return found
