"""Qualify every column against the grant's visible schema; diagnose what fails, fail closed.

Qualification runs against the *visible* columns only, so ``*`` never expands to a denied column and a
reference to one cannot resolve. On failure the query is re-qualified, without validation, against all
columns of the granted tables to tell a denied column (``policy.column_denied``) from an unknown or
ambiguous one (``policy.unknown_column``, with the closest visible name).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope

from sandbox.catalog.model import Column
from sandbox.policy.context import Dialect
from sandbox.policy.errors import PolicyViolation, shown, violation
from sandbox.policy.grantview import GrantView
from sandbox.policy.tables import dataset_name


def qualify_query(tree: exp.Expr, view: GrantView, dialect: Dialect, original: Callable[[], exp.Expr]) -> exp.Expr:
    """Qualify ``tree`` in place; ``original`` re-creates the unqualified tree for the error path."""
    try:
        return qualify(
            tree,
            dialect=dialect,
            schema=view.schema,
            validate_qualify_columns=True,
            quote_identifiers=True,
            identify=True,
        )
    except SqlglotError:
        raise _diagnose(original(), view, dialect) from None


def _diagnose(tree: exp.Expr, view: GrantView, dialect: Dialect) -> PolicyViolation:
    try:
        loose = qualify(tree.copy(), dialect=dialect, schema=view.full_schema, validate_qualify_columns=False)
    except (OptimizeError, SqlglotError):
        loose = None
    if loose is not None:
        for scope in traverse_scope(loose):
            found = _first_problem(scope, view)
            if found is not None:
                return found
    return PolicyViolation(
        "unknown_column",
        "A column could not be resolved to exactly one granted table column.",
        "有列无法唯一解析到已授权表的列。",
    )


def _first_problem(scope: Scope, view: GrantView) -> PolicyViolation | None:
    for column in scope.columns:
        source = _source(scope, column.table)
        if isinstance(source, exp.Table):
            table = view.table(dataset_name(source))
            if table is not None and column.name in table.hidden:
                return _denied(column, table.name)
        if not column.table or source is None or not _resolves(source, column.name, view):
            return _unknown(column, scope, view)
    return None


def _source(scope: Scope, name: str) -> exp.Table | Scope | None:
    current: Scope | None = scope
    while current is not None:
        source = current.sources.get(name)
        if source is not None:
            return source
        current = current.parent
    return None


def _resolves(source: exp.Table | Scope, name: str, view: GrantView) -> bool:
    if isinstance(source, exp.Table):
        table = view.table(dataset_name(source))
        return table is not None and any(c.name == name for c in table.visible)
    expression = source.expression
    if isinstance(expression, exp.Select):
        return name in expression.named_selects
    return True  # set operations and VALUES: qualify already matched the name


def _denied(column: exp.Column, dataset: str) -> PolicyViolation:
    # ``column.name`` matched a catalogue column, so it is a plain name.
    return violation(
        "column_denied",
        f"Column '{column.name}' of table {dataset} is not available to this grant (policy: deny).",
        f"表 {dataset} 的列“{column.name}”对本授权不可用（策略：禁止）。",
        column,
        dataset=dataset,
        column=column.name,
    )


def _unknown(column: exp.Column, scope: Scope, view: GrantView) -> PolicyViolation:
    candidates = sorted({c.name for t in scope.sources.values() if isinstance(t, exp.Table) for c in _visible(t, view)})
    close = difflib.get_close_matches(column.name, candidates, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    hint_zh = f"您是否要使用“{close[0]}”？" if close else ""
    name = shown(column.name)
    return violation(
        "unknown_column",
        f"Column '{name}' is unknown or ambiguous in this query; qualify it with its table.{hint}",
        f"列“{name}”在此查询中不存在或有歧义，请用表名限定。{hint_zh}",
        column,
        column=name,
    )


def _visible(table: exp.Table, view: GrantView) -> tuple[Column, ...]:
    granted = view.table(dataset_name(table))
    return granted.visible if granted is not None else ()
