"""Differencing against earlier releases to the same enterprise.

For each count column a new table shares with an earlier released table, both are summed up to the key
columns they have in common (to the grand total when they share none) and matched cell by cell: a
difference of more than zero and fewer than k isolates that many units when the two are set side by side.
"""

from __future__ import annotations

import pandas as pd

from sandbox.exports.checks.base import CheckContext, EarlierTable, SubmittedFile, count_columns, finding, key_columns
from sandbox.exports.model import CheckFinding

NAME = "differencing"


def _rollup(table: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    values = pd.to_numeric(table[column], errors="coerce").fillna(0)
    if not keys:
        return pd.Series([values.sum()], index=pd.Index(["(total)"]))
    frame = table[keys].astype(str).assign(_v=values)
    return frame.groupby(keys, dropna=False)["_v"].sum()


def _compare(ctx: CheckContext, new: SubmittedFile, old: EarlierTable) -> list[CheckFinding]:
    assert new.table is not None
    out = []
    for column in set(count_columns(new.table)) & set(count_columns(old.table)):
        keys = sorted(set(key_columns(new.table)) & set(key_columns(old.table)))
        a, b = _rollup(new.table, keys, column), _rollup(old.table, keys, column)
        a, b = a.align(b, join="inner")
        diff = (a - b).abs()
        hits = int(((diff > 0) & (diff < ctx.k)).sum())
        if hits:
            by = ", ".join(keys) if keys else "the grand total"
            "、".join(keys) if keys else "总计"
            out.append(
                finding(
                    NAME, "table.differencing", new.name, f"column {column} by {by}", "review",
                    f"Set against released file '{old.name}' of request {old.request_id}, {hits} cell(s) of "
                    f"'{column}' differ by fewer than {ctx.k} units, isolating them (rule: differencing).",
                    f"与已发布申请 {old.request_id} 的文件“{old.name}”对照，“{column}”有 {hits} 个单元格相差不足 "
                    f"{ctx.k} 个单位，可据此识别这些单位（规则：差分攻击）。",
                )
            )  # fmt: skip
    return out


def check(ctx: CheckContext) -> list[CheckFinding]:
    found: list[CheckFinding] = []
    for f in ctx.files:
        if f.table is None or not count_columns(f.table):
            continue
        for old in ctx.earlier:
            found += _compare(ctx, f, old)
    return found
