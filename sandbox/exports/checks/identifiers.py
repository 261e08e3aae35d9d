"""No identifier columns and no row-level personal data in exported tables."""

from __future__ import annotations

import re

from sandbox.exports.checks.base import CheckContext, count_columns, finding
from sandbox.exports.model import CheckFinding

NAME = "identifiers"
# Headers that name a person or entity key whatever the catalogue says (the columns may have been renamed).
_KEY_RE = re.compile(
    r"(^|_)(id_no|id_card|idcard|ssn|phone|mobile|tel|telephone|uscc|credit_code|plate|plate_no|passport|"
    r"bank_card|card_no|account_no|email|guest_id|person_id|citizen_id)($|_)"
    r"|身份证|证件号|手机|电话|信用代码|车牌|护照|银行卡|账号|邮箱|姓名",
    re.IGNORECASE,
)


def check(ctx: CheckContext) -> list[CheckFinding]:
    found = []
    for f in ctx.files:
        if f.table is None:
            continue
        for column in map(str, f.table.columns):
            if column.lower() in ctx.identifier_columns or _KEY_RE.search(column):
                found.append(
                    finding(
                        NAME, "table.identifier_column", f.name, f"column {column}", "block",
                        f"Column '{column}' is a direct identifier; identifiers never leave the sandbox "
                        "(rule: no identifier columns).",
                        f"列“{column}”是直接标识符；标识符不得导出（规则：禁止标识符列）。",
                    )
                )  # fmt: skip
        masked = any(s.mode == "masked" for s in ctx.sources)
        if masked and not count_columns(f.table) and len(f.table) >= ctx.k:
            found.append(
                finding(
                    NAME, "table.row_level", f.name, "whole table", "block",
                    "The table has no count column and comes from row-level (masked) personal data: "
                    "export aggregates with a count per group instead (rule: no row-level data).",
                    "该表没有计数列且来源为行级（脱敏）个人数据：请改为导出带每组计数的汇总表（规则：禁止行级数据）。",
                )
            )  # fmt: skip
    return found
