"""Dominance (NK: the two largest contributors) and the p % rule, where the table carries its contributors.

A cell total is only checkable when the exported table carries the largest (and second largest)
contribution beside the total, e.g. columns ``total``, ``top1``, ``top2``; without them there is nothing
to compute from, and the cell-count check still applies.
"""

from __future__ import annotations

import re

import pandas as pd

from sandbox.exports.checks.base import CheckContext, finding, rows_text
from sandbox.exports.model import CheckFinding

NAME = "dominance"
_TOTAL = re.compile(r"^(total|sum|amount|value_sum|总额|合计|金额)$|_(total|sum)$", re.IGNORECASE)
_TOP1 = re.compile(r"^(top1|largest|max_contribution|first_largest|最大贡献)$", re.IGNORECASE)
_TOP2 = re.compile(r"^(top2|second|second_largest|第二大贡献)$", re.IGNORECASE)


def _find(table: pd.DataFrame, pattern: re.Pattern[str]) -> str | None:
    return next((str(c) for c in table.columns if pattern.search(str(c))), None)


def check(ctx: CheckContext) -> list[CheckFinding]:
    found = []
    for f in ctx.files:
        if f.table is None:
            continue
        total, top1, top2 = _find(f.table, _TOTAL), _find(f.table, _TOP1), _find(f.table, _TOP2)
        if total is None or top1 is None:
            continue
        t = pd.to_numeric(f.table[total], errors="coerce").abs()
        x1 = pd.to_numeric(f.table[top1], errors="coerce").abs()
        x2 = pd.to_numeric(f.table[top2], errors="coerce").abs() if top2 else pd.Series(0.0, index=t.index)
        limits = ctx.limits
        nk = [i for i, ok in enumerate((x1 + x2) >= limits.nk_share * t) if ok and t.iloc[i] > 0]
        pp = [i for i, ok in enumerate((t - x1 - x2) < limits.p_percent * x1) if ok and t.iloc[i] > 0]
        if nk:
            found.append(
                finding(
                    NAME, "table.dominance_nk", f.name, f"column {total}, rows {rows_text(nk)}", "block",
                    f"In {len(nk)} cell(s) of '{total}' the two largest contributors hold at least "
                    f"{limits.nk_share:.0%} of the total (rule: NK dominance).",
                    f"“{total}”有 {len(nk)} 个单元格中最大的两个贡献者占合计的 {limits.nk_share:.0%} 以上"
                    "（规则：NK 优势）。",
                )
            )  # fmt: skip
        if pp:
            found.append(
                finding(
                    NAME, "table.p_percent", f.name, f"column {total}, rows {rows_text(pp)}", "block",
                    f"In {len(pp)} cell(s) of '{total}' the others' share is within {limits.p_percent:.0%} of the "
                    "largest contribution, so the second largest can estimate it (rule: p % rule).",
                    f"“{total}”有 {len(pp)} 个单元格中其余贡献不足最大贡献的 {limits.p_percent:.0%}，"
                    "第二大贡献者可据此推算最大贡献（规则：p% 规则）。",
                )
            )  # fmt: skip
    return found
