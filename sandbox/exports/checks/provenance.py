"""Provenance: an export cites the gateway queries it was made from (resolved and owned at intake)."""

from __future__ import annotations

from sandbox.exports.checks.base import CheckContext, finding
from sandbox.exports.model import CheckFinding

NAME = "provenance"


def check(ctx: CheckContext) -> list[CheckFinding]:
    if ctx.sources:
        return []
    return [
        finding(
            NAME,
            "provenance.missing",
            f.name,
            "whole file",
            "block",
            "The request cites no source result ids, so nobody can tell which data the file was made from "
            "(rule: provenance). Pass source=[df, …] with the query results used.",
            "申请未引用任何来源结果编号，无法确认文件由哪些数据产生（规则：来源）。"
            "请以 source=[df, …] 传入所用查询结果。",
        )
        for f in ctx.files
    ]
