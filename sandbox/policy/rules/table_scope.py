"""Tables come from the grant: a granted "schema.table" in one of the five schemas, nothing else."""

from __future__ import annotations

import difflib

from sqlglot import exp

from sandbox.policy.errors import shown, violation
from sandbox.policy.rules.base import Rule, RuleContext
from sandbox.policy.tables import dataset_name


def check(tree: exp.Expr, rc: RuleContext) -> None:
    for table in rc.tables:
        name = dataset_name(table)
        if table.args.get("catalog") or rc.view.table(name) is None:
            raise _not_granted(table, name, rc)


def _not_granted(table: exp.Table, name: str, rc: RuleContext) -> Exception:
    shown_name = shown(name if table.db else table.name)
    close = difflib.get_close_matches(name if table.db else f"x.{table.name}", list(rc.view.tables), n=1)
    if not table.db:
        close = [d for d in rc.view.tables if d.endswith(f".{table.name}")][:1] or close
    hint = f" Did you mean {close[0]}?" if close else ""
    hint_zh = f"您是否要使用 {close[0]}？" if close else ""
    return violation(
        "table_not_granted",
        f"Table {shown_name} is not in this grant; name tables as schema.table from the grant.{hint}",
        f"表 {shown_name} 不在本授权范围内；请使用授权中的“模式.表”名称。{hint_zh}",
        table,
        dataset=shown_name,
    )


RULE = Rule("table_not_granted", "parsed", check)
