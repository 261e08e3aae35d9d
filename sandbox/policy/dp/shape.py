"""Which queries on ``dp`` tables can be answered with differential privacy, decided on the qualified tree.

Accepted: one SELECT (no CTE, subquery, set operation, DISTINCT, HAVING, window, LIMIT) over dp tables,
optionally joined to open tables without a privacy unit; several dp tables only when the JOIN ON equates
their privacy units (the unit flows through the join). Every output is a GROUP BY key or one aggregate:
COUNT(*), COUNT(x), COUNT(DISTINCT <privacy unit>), SUM/AVG/VAR/STDDEV over an argument with provable
bounds. Keys never read a direct identifier. ORDER BY may name keys only. Everything else is refused
with the rule ``dp_query`` and the table and column involved.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from sandbox.catalog.model import AccessMode, Role, is_numeric
from sandbox.policy.blocks import group_keys, walk_block
from sandbox.policy.dp.bounds import Interval, NoBounds, interval, within_cap
from sandbox.policy.errors import PolicyViolation, shown, violation
from sandbox.policy.functions import is_aggregate
from sandbox.policy.grantview import GrantedTable
from sandbox.policy.lineage import Analysis
from sandbox.policy.rules.base import RuleContext
from sandbox.policy.tables import dataset_name
from sandbox.privacy.spec import AggregateKind

RULE = "dp_query"

_KINDS: dict[type[exp.Expr], AggregateKind] = {
    exp.Sum: "sum",
    exp.Avg: "mean",
    exp.Variance: "var_samp",
    exp.VariancePop: "var_pop",
    exp.Stddev: "std_samp",
    exp.StddevSamp: "std_samp",
    exp.StddevPop: "std_pop",
}


@dataclass(frozen=True)
class DpAggregateCall:
    name: str
    kind: AggregateKind
    argument: exp.Expr | None  # None for COUNT(*) and COUNT(DISTINCT unit)
    bounds: Interval


@dataclass(frozen=True)
class DpQuery:
    select: exp.Select
    unit_alias: str  # the dp table whose privacy unit every row belongs to
    datasets: tuple[str, ...]  # dp datasets read
    keys: tuple[exp.Expr, ...]
    outputs: tuple[tuple[str, bool, int], ...]  # (name, is_key, index into keys / aggregates)
    aggregates: tuple[DpAggregateCall, ...]
    order: tuple[tuple[int, bool], ...]  # (key index, descending)
    min_units: int
    public_alias: str | None = None  # every key is a column of this open table: its values are public


def refuse(message: str, message_zh: str, node: exp.Expr | None = None, **where: str | None) -> PolicyViolation:
    return violation(RULE, message, message_zh, node, **where)


def analyse_dp(tree: exp.Expr, analysis: Analysis, rc: RuleContext, k: int) -> DpQuery:
    if not isinstance(tree, exp.Select) or len(analysis.scopes) != 1:
        raise refuse(
            "A query on a dp table must be one SELECT without CTEs, subqueries or set operations.",
            "查询差分隐私表时只能是单个 SELECT，不能包含 CTE、子查询或集合运算。",
            tree,
        )
    select = tree
    _check_clauses(select)
    tables = _tables(analysis, rc)
    dp_tables = {alias: t for alias, t in tables.items() if t.mode is AccessMode.DP}
    unit_alias = _check_joins(select, analysis, dp_tables, tables)
    keys = group_keys(select)
    _check_keys(keys, analysis, rc)
    outputs: list[tuple[str, bool, int]] = []
    aggregates: list[DpAggregateCall] = []
    for projection in select.selects:
        name = projection.alias_or_name
        inner = projection.unalias()
        index = next((i for i, key in enumerate(keys) if inner == key), None)
        if index is not None:
            outputs.append((name, True, index))
            continue
        try:
            aggregates.append(_aggregate(name, inner, analysis, rc, dp_tables))
        except PolicyViolation as refused:  # name the dp table the output is refused on
            table = dp_tables[unit_alias].name
            refused.dataset = refused.dataset or table
            raise
        outputs.append((name, False, len(aggregates) - 1))
    if not aggregates:
        raise refuse(
            "A query on a dp table must return at least one aggregate (COUNT, SUM, AVG, VAR, STDDEV).",
            "查询差分隐私表时必须至少返回一个聚合值（COUNT、SUM、AVG、VAR、STDDEV）。",
            select,
        )
    order = _order(select, keys, outputs)
    datasets = tuple(sorted({t.name for t in dp_tables.values()}))
    # DP on request keeps the aggregate mode's k as a floor: every group goes through partition selection.
    on_request = any(t.on_request for t in dp_tables.values())
    public = None if on_request else _public_alias(keys, tables)
    return DpQuery(select, unit_alias, datasets, tuple(keys), tuple(outputs), tuple(aggregates), order, k, public)


def _public_alias(keys: list[exp.Expr], tables: dict[str, GrantedTable]) -> str | None:
    """The alias of the open, unit-less table all keys are plain columns of, if any (its values are public)."""
    aliases = {k.table for k in keys if isinstance(k, exp.Column)}
    if not keys or len(aliases) != 1 or not all(isinstance(k, exp.Column) for k in keys):
        return None
    alias = next(iter(aliases))
    table = tables.get(alias)
    public = table is not None and table.mode is AccessMode.OPEN and table.dataset.privacy_unit is None
    return alias if public else None


def _check_clauses(select: exp.Select) -> None:
    checks: list[tuple[str, str, str]] = [
        ("distinct", "SELECT DISTINCT", "SELECT DISTINCT"),
        ("having", "HAVING (filter groups in the notebook)", "HAVING（请在笔记本中筛选分组）"),
        ("qualify", "QUALIFY", "QUALIFY"),
        ("limit", "LIMIT", "LIMIT"),
        ("offset", "OFFSET", "OFFSET"),
        ("windows", "WINDOW", "WINDOW"),
    ]
    for arg, en, zh in checks:
        if select.args.get(arg):
            raise refuse(f"{en} is not supported on dp tables.", f"差分隐私表不支持 {zh}。", select.args[arg])
    for node in walk_block(select):
        if isinstance(node, exp.Window):
            raise refuse("Window functions are not allowed on dp tables.", "差分隐私表不允许使用窗口函数。", node)
        if isinstance(node, exp.Filter):
            raise refuse(
                "Aggregate FILTER clauses are not supported on dp tables; use CASE inside SUM or COUNT.",
                "差分隐私表不支持聚合 FILTER 子句，请在 SUM 或 COUNT 中使用 CASE。",
                node,
            )


def _tables(analysis: Analysis, rc: RuleContext) -> dict[str, GrantedTable]:
    out: dict[str, GrantedTable] = {}
    for alias, source in analysis.root.sources.items():
        granted = rc.view.table(dataset_name(source)) if isinstance(source, exp.Table) else None
        if granted is None:
            raise refuse(
                "Every source of a dp query must be a granted table.", "差分隐私查询的每个来源都必须是已授权的表。"
            )
        if granted.mode is AccessMode.DP:
            unit = granted.dataset.privacy_unit
            if unit is None or granted.column(unit) is None:
                raise refuse(
                    f"Table {granted.name} declares no privacy unit.",
                    f"表 {granted.name} 未声明隐私单元。",
                    dataset=granted.name,
                )
        elif granted.mode is not AccessMode.OPEN or granted.dataset.privacy_unit is not None:
            raise refuse(
                f"Table {granted.name} ({granted.mode.value} mode) cannot be joined with dp tables; only open "
                "tables without personal data can.",
                f"表 {granted.name}（{granted.mode.value} 模式）不能与差分隐私表连接；只能连接不含个人信息的开放表。",
                source if isinstance(source, exp.Table) else None,
                dataset=granted.name,
            )
        out[alias] = granted
    return out


def _check_joins(
    select: exp.Select, analysis: Analysis, dp_tables: dict[str, GrantedTable], tables: dict[str, GrantedTable]
) -> str:
    """The alias whose privacy unit the rows belong to; refuses joins the unit does not flow through."""
    from_ = select.args.get("from_") or select.args.get("from")
    first = from_.this if isinstance(from_, exp.From) else None
    if not isinstance(first, exp.Table) or first.alias_or_name not in dp_tables:
        raise refuse(
            "The first table in FROM of a dp query must be the dp table.",
            "差分隐私查询 FROM 中的第一个表必须是差分隐私表。",
            first,
        )
    unit_alias = first.alias_or_name
    linked = {unit_alias}
    for join in select.args.get("joins") or []:
        alias = join.this.alias_or_name
        table = tables[alias]
        kind, side = (join.args.get("kind") or "").upper(), (join.args.get("side") or "").upper()
        if kind in ("CROSS", "SEMI", "ANTI", "ASOF") or side in ("RIGHT", "FULL") or join.args.get("using"):
            raise refuse(
                f"Only INNER and LEFT JOIN … ON are supported in dp queries (table {table.name}).",
                f"差分隐私查询只支持 INNER 与 LEFT JOIN … ON（表 {table.name}）。",
                join,
                dataset=table.name,
            )
        if table.mode is not AccessMode.DP:
            continue
        if side == "LEFT" or not _equates_units(join.args.get("on"), analysis, dp_tables, linked, alias):
            unit = table.dataset.privacy_unit
            raise refuse(
                f"Table {table.name} may join another dp table only INNER JOIN … ON equal privacy units "
                f"(column {unit}), so each row still belongs to one person.",
                f"表 {table.name} 只能以 INNER JOIN … ON 隐私单元相等（列 {unit}）与其他差分隐私表连接，"
                "确保每行仍属于同一人。",
                join,
                dataset=table.name,
                column=unit,
            )
        linked.add(alias)
    return unit_alias


def _equates_units(
    on: exp.Expr | None, analysis: Analysis, dp_tables: dict[str, GrantedTable], linked: set[str], alias: str
) -> bool:
    if on is None:
        return False
    conjuncts = list(on.flatten()) if isinstance(on, exp.And) else [on]
    for condition in conjuncts:
        condition = condition.unnest()
        if not isinstance(condition, exp.EQ):
            continue
        sides = [condition.this.unnest(), condition.expression.unnest()]
        if not all(isinstance(s, exp.Column) for s in sides):
            continue
        owners = [_unit_owner(s, analysis, dp_tables) for s in sides]
        if alias in owners and any(o in linked for o in owners if o != alias):
            return True
    return False


def _unit_owner(column: exp.Expr, analysis: Analysis, dp_tables: dict[str, GrantedTable]) -> str | None:
    assert isinstance(column, exp.Column)
    table = dp_tables.get(column.table)
    if table is None or column.name != table.dataset.privacy_unit:
        return None
    return column.table if analysis.lineage(column) == {f"{table.name}.{column.name}"} else None


def _check_keys(keys: list[exp.Expr], analysis: Analysis, rc: RuleContext) -> None:
    for key in keys:
        if any(is_aggregate(n) for n in key.walk()):
            raise refuse("GROUP BY keys may not contain aggregates.", "GROUP BY 键不能包含聚合。", key)
        for qualified in sorted(analysis.lineage(key)):
            hit = rc.base_column(qualified)
            if hit is None:
                continue
            table, column = hit
            if column.role is Role.IDENTIFIER or column.name == table.dataset.privacy_unit:
                raise refuse(
                    f"Grouping on direct identifier '{column.name}' of table {table.name} is not allowed.",
                    f"不允许按表 {table.name} 的直接标识符“{column.name}”分组。",
                    key,
                    dataset=table.name,
                    column=column.name,
                )


def _aggregate(
    name: str, node: exp.Expr, analysis: Analysis, rc: RuleContext, dp_tables: dict[str, GrantedTable]
) -> DpAggregateCall:
    shown_name = shown(name)
    if isinstance(node, exp.Count):
        argument = node.this
        if isinstance(argument, exp.Star) or argument is None:
            return DpAggregateCall(name, "count", None, (0.0, 1.0))
        if isinstance(argument, exp.Distinct):
            targets = argument.expressions
            one = targets[0] if len(targets) == 1 else None
            if isinstance(one, exp.Column) and _unit_owner(one, analysis, dp_tables) is not None:
                return DpAggregateCall(name, "count_units", None, (0.0, 1.0))
            raise refuse(
                f"Output '{shown_name}': COUNT(DISTINCT …) is only supported on the privacy unit.",
                f"输出“{shown_name}”：COUNT(DISTINCT …) 只支持隐私单元列。",
                node,
            )
        return DpAggregateCall(name, "count", argument, (0.0, 1.0))
    kind = _KINDS.get(type(node))
    if kind is None:
        raise refuse(
            f"Output '{shown_name}' of a query on a dp table must be a GROUP BY key or one of COUNT, SUM, AVG, "
            "VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP applied directly (compute ratios in the notebook).",
            f"查询差分隐私表时，输出“{shown_name}”必须是 GROUP BY 键，或直接使用 COUNT、SUM、AVG、VAR_POP、VAR_SAMP、"
            "STDDEV_POP、STDDEV_SAMP 之一（比值请在笔记本中计算）。",
            node,
        )
    argument = node.this
    if isinstance(argument, exp.Distinct):
        raise refuse(
            f"Output '{shown_name}': DISTINCT inside SUM/AVG is not supported on dp tables.",
            f"输出“{shown_name}”：差分隐私表不支持在 SUM/AVG 中使用 DISTINCT。",
            node,
        )
    try:
        bounds = interval(argument, lambda c: _column_bounds(c, analysis, rc))
    except NoBounds as failure:
        column = failure.node if isinstance(failure.node, exp.Column) else None
        what = (
            f"column '{shown(column.name)}' has no declared bounds"
            if column is not None
            else "it has no provable bounds"
        )
        what_zh = f"列“{shown(column.name)}”未声明取值边界" if column is not None else "无法证明其取值边界"
        raise refuse(
            f"Output '{shown_name}': the aggregate's argument cannot be clamped because {what}; use numeric "
            "columns with catalogue bounds, literals and + − × ÷ or CASE.",
            f"输出“{shown_name}”：聚合参数无法截断，因为{what_zh}；"
            "请使用目录中声明了边界的数值列、常量及 + − × ÷ 或 CASE。",
            failure.node,
            column=None if column is None else shown(column.name),
        ) from None
    if not within_cap(bounds):
        raise refuse(
            f"Output '{shown_name}': the aggregate's argument may reach ±{max(map(abs, bounds)):.3g}, beyond the "
            "±1e9 allowed on dp tables (it would amplify one person's contribution).",
            f"输出“{shown_name}”：聚合参数的取值可达 ±{max(map(abs, bounds)):.3g}，"
            "超过差分隐私表允许的 ±1e9（会放大单个人的贡献）。",
            argument,
        )
    return DpAggregateCall(name, kind, argument, bounds)


def _column_bounds(column: exp.Column, analysis: Analysis, rc: RuleContext) -> Interval | None:
    lineage = analysis.lineage(column)
    if len(lineage) != 1:
        return None
    hit = rc.base_column(next(iter(lineage)))
    if hit is None:
        return None
    _, col = hit
    if col.bounds is None or not is_numeric(col.type):
        return None
    return float(col.bounds.lower), float(col.bounds.upper)


def _order(
    select: exp.Select, keys: list[exp.Expr], outputs: list[tuple[str, bool, int]]
) -> tuple[tuple[int, bool], ...]:
    order = select.args.get("order")
    if not isinstance(order, exp.Order):
        return ()
    out: list[tuple[int, bool]] = []
    by_name = {name: index for name, is_key, index in outputs if is_key}
    for ordered in order.expressions:
        target = ordered.this
        index = next((i for i, key in enumerate(keys) if target == key), None)
        if index is None and isinstance(target, exp.Column) and not target.table:
            index = by_name.get(target.name)
        if index is None:
            raise refuse(
                "ORDER BY on a dp query may name GROUP BY keys only (sort noisy values in the notebook).",
                "差分隐私查询的 ORDER BY 只能使用 GROUP BY 键（请在笔记本中对加噪结果排序）。",
                ordered,
            )
        out.append((index, bool(ordered.args.get("desc"))))
    return tuple(out)
