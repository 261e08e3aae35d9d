"""plan_query: parse → parsed-stage rules → qualify → lineage → qualified-stage rules → rewrite.

Decides on the parsed tree only and returns SQL regenerated from the checked, rewritten tree.
"""

from __future__ import annotations

from sqlglot import exp

from sandbox.catalog.model import AccessMode, Dataset
from sandbox.policy.blocks import base_sources, root_blocks
from sandbox.policy.context import PolicyContext
from sandbox.policy.dp.on_request import dp_on_request_view
from sandbox.policy.dp.rewrite import build_dp
from sandbox.policy.dp.rows import plan_rows, rows_sql
from sandbox.policy.dp.shape import analyse_dp
from sandbox.policy.errors import PolicyViolation, violation
from sandbox.policy.grantview import GrantedTable, GrantView, grant_view
from sandbox.policy.lineage import Analysis, analyse
from sandbox.policy.parse import parse_statement
from sandbox.policy.plan import OutputColumn, QueryPlan
from sandbox.policy.qualify import qualify_query
from sandbox.policy.rewrite.k_threshold import Threshold, apply_thresholds
from sandbox.policy.rewrite.row_cap import apply_row_cap
from sandbox.policy.rewrite.totality import make_total
from sandbox.policy.rewrite.views import substitute
from sandbox.policy.rules import RULES, RuleContext
from sandbox.policy.tables import base_tables, dataset_name


def plan_query(sql: str, ctx: PolicyContext) -> QueryPlan:
    """Check ``sql`` against the grant and policy; raises PolicyViolation when it is refused.

    Plans are pure functions of (SQL, grant view, dialect, row cap, row filters) and immutable, so
    accepted ones are cached: a repeated query is not parsed again.
    """
    view = grant_view(ctx.catalog, ctx.grant)
    if ctx.dp_on_request:
        view = dp_on_request_view(view)
    key = (
        sql,
        view,
        ctx.dialect,
        ctx.row_cap,
        tuple(sorted(ctx.row_filters.items())),
        ctx.dp_max_groups_per_unit,
        ctx.dp_max_rows_per_unit,
        ctx.dp_rows,
        ctx.dp_unique_units,
        ctx.dp_on_request,
    )
    plan = _PLANS.get(key)
    if plan is None:
        plan = _plan(sql, view, ctx)
        if len(_PLANS) >= _PLAN_CACHE_LIMIT:
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


_PLAN_CACHE_LIMIT = 4096
_PLANS: dict[tuple[object, ...], QueryPlan] = {}


def _plan(sql: str, view: GrantView, ctx: PolicyContext) -> QueryPlan:
    def parsed() -> exp.Expr:
        return _select_from_values(parse_statement(sql, ctx.dialect))

    tree = parsed()
    rc = RuleContext(ctx, view, tuple(base_tables(tree)))
    for rule in RULES:
        if rule.stage == "parsed":
            rule.check(tree, rc)
    qualified = qualify_query(tree, view, ctx.dialect, parsed)
    analysis = analyse(qualified)
    rc = RuleContext(ctx, view, rc.tables, analysis)
    for rule in RULES:
        if rule.stage == "qualified":
            rule.check(qualified, rc)
    if rc.mode is AccessMode.DP:
        return _plan_dp(sql, qualified, analysis, rc)
    notices = _rewrite(qualified, analysis, rc)
    return QueryPlan(
        original_sql=sql,
        sql=qualified.sql(dialect=ctx.dialect, comments=False, normalize_functions="lower", copy=False),
        datasets=rc.datasets,
        columns=tuple(sorted(analysis.touched)),
        output=tuple(OutputColumn(name, lineage) for name, lineage in analysis.outputs),
        mode=rc.mode,
        notices=notices,
    )


def _plan_dp(sql: str, tree: exp.Expr, analysis: Analysis, rc: RuleContext) -> QueryPlan:
    """dp mode: total expressions, the DP shape check, policy views, then the bounding SQL (no noise yet)."""
    ctx = rc.policy
    make_total(tree, ctx.dialect)
    if ctx.dp_rows:
        return _plan_rows(sql, tree, analysis, rc)
    k = max(_k(t.dataset, ctx) for t in (rc.view.table(d) for d in rc.datasets) if t and t.mode is AccessMode.DP)
    query = analyse_dp(tree, analysis, rc, k)
    substitute(_base_table_nodes(tree, analysis, rc.view), ctx.dialect, dict(ctx.row_filters))
    single = len(analysis.root.sources) == 1 and query.datasets[0] in ctx.dp_unique_units
    rewritten, spec = build_dp(
        query, ctx.dialect, ctx.dp_max_groups_per_unit, ctx.dp_max_rows_per_unit, unique_units=single
    )
    notices: tuple[str, ...] = (
        "differential privacy: contributions bounded per privacy unit "
        f"(≤ {spec.max_groups_per_unit} groups, ≤ {spec.max_rows_per_unit} rows per group), values clamped to "
        "catalogue bounds, noise added per cell",
    )
    requested = sorted(t.name for t in (rc.view.table(d) for d in rc.datasets) if t is not None and t.on_request)
    if requested:
        notices += (
            f"differential privacy on request for aggregate-mode {', '.join(requested)}: ε charged to this grant; "
            f"groups need at least {query.min_units} distinct privacy units before the noisy threshold "
            f"· 应请求对聚合模式表采用差分隐私：扣减本授权的 ε 预算；分组须至少含 {query.min_units} 个隐私单元",
        )
    return QueryPlan(
        original_sql=sql,
        sql=rewritten,
        datasets=rc.datasets,
        columns=tuple(sorted(analysis.touched)),
        output=tuple(OutputColumn(name, lineage) for name, lineage in analysis.outputs),
        mode=rc.mode,
        notices=notices,
        dp=spec,
    )


def _plan_rows(sql: str, tree: exp.Expr, analysis: Analysis, rc: RuleContext) -> QueryPlan:
    ctx = rc.policy
    select, spec = plan_rows(tree, analysis, rc, ctx.dialect)
    from_ = select.args.get("from_")
    unit_alias = from_.this.alias_or_name if isinstance(from_, exp.From) else ""
    substitute(_base_table_nodes(tree, analysis, rc.view), ctx.dialect, dict(ctx.row_filters))
    return QueryPlan(
        original_sql=sql,
        sql=rows_sql(select, spec, unit_alias, ctx.dialect),
        datasets=rc.datasets,
        columns=tuple(sorted(analysis.touched)),
        output=tuple(OutputColumn(name, lineage) for name, lineage in analysis.outputs),
        mode=rc.mode,
        notices=("training input: one row per privacy unit, numeric columns clamped to catalogue bounds",),
        rows=spec,
    )


def _select_from_values(tree: exp.Expr) -> exp.Expr:
    """A bare VALUES list as ``SELECT * FROM (VALUES ...)``, so it has a scope like any query."""
    if not isinstance(tree, exp.Values) or not tree.expressions:
        return tree
    width = len(tree.expressions[0].expressions)
    names = [exp.to_identifier(f"column{i + 1}") for i in range(width)]
    tree.set("alias", exp.TableAlias(this=exp.to_identifier("values"), columns=names))
    return exp.select("*").from_(tree)


def _rewrite(tree: exp.Expr, analysis: Analysis, rc: RuleContext) -> tuple[str, ...]:
    ctx, mode = rc.policy, rc.mode
    notices: list[str] = []
    thresholds = _thresholds(analysis, rc.view, ctx) if mode is AccessMode.AGGREGATE else []
    if mode is AccessMode.AGGREGATE and make_total(tree, ctx.dialect):
        notices.append("casts made total (TRY_CAST) and divisors guarded (NULLIF) against error oracles")
    substitute(_base_table_nodes(tree, analysis, rc.view), ctx.dialect, dict(ctx.row_filters))
    if thresholds:
        apply_thresholds(thresholds)
        ks = sorted({f"{t.k}" for t in thresholds})
        notices.append(f"groups with fewer than {'/'.join(ks)} distinct privacy units are suppressed")
    if mode is AccessMode.MASKED and apply_row_cap(tree, ctx.row_cap):
        notices.append(f"row cap {ctx.row_cap} applied")
    return tuple(notices)


def _k(dataset: Dataset, ctx: PolicyContext) -> int:
    """The dataset's k, or its level's minimum when the entry declares none (never below it)."""
    minimum = (
        ctx.catalog.defaults.for_level(dataset.level).min_k if dataset.level in ctx.catalog.defaults.levels else 10
    )
    return max(dataset.k or 0, minimum)


def _base_table_nodes(tree: exp.Expr, analysis: Analysis, view: GrantView) -> list[tuple[exp.Table, GrantedTable]]:
    """Every base-table node, each with its granted table; fails closed on any node left over, so no
    raw table can survive substitution."""
    found: dict[int, tuple[exp.Table, GrantedTable]] = {}
    for scope in analysis.scopes:
        for source in scope.sources.values():
            if isinstance(source, exp.Table) and source.db:
                table = view.table(dataset_name(source))
                if table is None:
                    raise _unsupported(source)
                found[id(source)] = (source, table)
    for node in tree.find_all(exp.Table):
        if node.db and id(node) not in found:
            raise _unsupported(node)
    return list(found.values())


def _unsupported(node: exp.Expr) -> PolicyViolation:
    return violation(
        "lineage",
        "A table is referenced where the gateway cannot apply its policy view.",
        "表出现在网关无法套用策略视图的位置。",
        node,
    )


def _thresholds(analysis: Analysis, view: GrantView, ctx: PolicyContext) -> list[Threshold]:
    out: list[Threshold] = []
    for block in root_blocks(analysis.root):
        if not isinstance(block.expression, exp.Select):
            continue
        for alias, dataset in base_sources(block):
            table = view.table(dataset)
            if table is not None and table.mode is AccessMode.AGGREGATE:
                out.append(Threshold(block.expression, alias, _k(table.dataset, ctx)))
    return out
