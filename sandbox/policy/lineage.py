"""Column lineage over the qualified tree: every column reference, in every clause, to base columns.

Walks sqlglot scopes (CTEs, derived tables, subqueries, set operations) and follows correlated
references up the parent scopes. A reference that cannot be resolved fails closed. Projections of a
scope carry the union of the lineages of every column and subquery they contain.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from sandbox.policy.errors import shown, violation
from sandbox.policy.tables import dataset_name

Lineage = frozenset[str]
EMPTY: Lineage = frozenset()


@dataclass(frozen=True)
class Analysis:
    """Lineage facts about one qualified query."""

    root: Scope
    scopes: tuple[Scope, ...]
    columns: dict[int, Lineage]  # id(exp.Column) -> base columns "schema.table.column"
    outputs: tuple[tuple[str, Lineage], ...]  # the query's result columns
    scope_of: dict[int, Scope]  # id(scope expression) -> scope

    def lineage(self, node: exp.Expr) -> Lineage:
        """Base columns any column (or nested query) inside ``node`` reads."""
        out: set[str] = set()
        for sub in node.walk():
            if isinstance(sub, exp.Column):
                out |= self.columns.get(id(sub), EMPTY)
        return frozenset(out)

    @property
    def touched(self) -> Lineage:
        return frozenset().union(*self.columns.values()) if self.columns else EMPTY


class _Resolver:
    def __init__(self, scopes: list[Scope]) -> None:
        self.scope_of = {id(s.expression): s for s in scopes}
        self.outputs_memo: dict[int, tuple[tuple[str, Lineage], ...]] = {}
        self.columns: dict[int, Lineage] = {}
        self.active: set[int] = set()

    def outputs(self, scope: Scope) -> tuple[tuple[str, Lineage], ...]:
        key = id(scope)
        if key not in self.outputs_memo:
            if key in self.active:
                raise violation("lineage", "Recursive queries are not supported.", "不支持递归查询。")
            self.active.add(key)
            self.outputs_memo[key] = self._outputs(scope)
            self.active.discard(key)
        return self.outputs_memo[key]

    def _outputs(self, scope: Scope) -> tuple[tuple[str, Lineage], ...]:
        expression = scope.expression
        if isinstance(expression, exp.SetOperation):
            left, right = (self.outputs(s) for s in scope.set_operation_scopes)
            if len(left) != len(right):
                raise violation(
                    "lineage",
                    "Both sides of a set operation must have the same number of columns.",
                    "集合运算两侧的列数必须相同。",
                    expression,
                )
            return tuple((name, lin | other) for (name, lin), (_, other) in zip(left, right, strict=True))
        if isinstance(expression, exp.Select):
            return tuple((sel.alias_or_name, self.expression(scope, sel)) for sel in expression.selects)
        if isinstance(expression, exp.Values):
            return _values_outputs(expression)
        raise violation("lineage", "This query shape is not supported.", "不支持此查询结构。", expression)

    def expression(self, scope: Scope, node: exp.Expr) -> Lineage:
        out: set[str] = set()
        for sub in node.walk(prune=lambda n: n is not node and id(n) in self.scope_of):
            if sub is not node and id(sub) in self.scope_of:
                out |= frozenset().union(*(lin for _, lin in self.outputs(self.scope_of[id(sub)])))
            elif isinstance(sub, exp.Column):
                out |= self.column(scope, sub)
        return frozenset(out)

    def column(self, scope: Scope, column: exp.Column) -> Lineage:
        key = id(column)
        if key not in self.columns:
            self.columns[key] = self._column(scope, column)
        return self.columns[key]

    def _column(self, scope: Scope, column: exp.Column) -> Lineage:
        name = column.table
        current: Scope | None = scope
        while current is not None and name:
            source = current.sources.get(name)
            if isinstance(source, exp.Table):
                return frozenset({f"{dataset_name(source)}.{column.name}"})
            if isinstance(source, Scope):
                return self._named_output(source, column)
            current = current.parent
        if not name:
            return self._projection_alias(scope, column)
        raise _unresolved(column)

    def _named_output(self, source: Scope, column: exp.Column) -> Lineage:
        for output, lineage in self.outputs(source):
            if output == column.name:
                return lineage
        raise _unresolved(column)

    def _projection_alias(self, scope: Scope, column: exp.Column) -> Lineage:
        # ORDER BY / GROUP BY naming a projection alias, or the ORDER BY of a set operation.
        expression = scope.expression
        if isinstance(expression, exp.Select):
            for sel in expression.selects:
                if sel.alias_or_name == column.name and all(c is not column for c in sel.find_all(exp.Column)):
                    return self.expression(scope, sel)
        if isinstance(expression, exp.SetOperation):
            return self._named_output(scope, column)
        raise _unresolved(column)


def _values_outputs(values: exp.Values) -> tuple[tuple[str, Lineage], ...]:
    alias = values.args.get("alias")
    names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
    width = len(values.expressions[0].expressions) if values.expressions else 0
    names += [f"col{i + 1}" for i in range(len(names), width)]
    return tuple((name, EMPTY) for name in names)


def _unresolved(column: exp.Column) -> Exception:
    name = shown(column.name)
    return violation(
        "lineage",
        f"Column '{name}' could not be traced to a granted table column.",
        f"无法将列“{name}”追溯到已授权表的列。",
        column,
        column=name,
    )


def _enclosing_scope(node: exp.Expr, scope_of: dict[int, Scope]) -> Scope | None:
    parent = node.parent
    while parent is not None:
        if id(parent) in scope_of:
            return scope_of[id(parent)]
        parent = parent.parent
    return None


def analyse(tree: exp.Expr) -> Analysis:
    scopes = traverse_scope(tree)
    if not scopes:
        raise violation("lineage", "This query shape is not supported.", "不支持此查询结构。", tree)
    resolver = _Resolver(scopes)
    for scope in scopes:
        for column in scope.columns:
            resolver.column(scope, column)
    for column in tree.find_all(exp.Column):
        if id(column) not in resolver.columns:
            # Scopes leave out e.g. ORDER BY references to projection aliases: resolve those in the
            # nearest enclosing scope; a column in no scope at all is refused (never unchecked).
            enclosing = _enclosing_scope(column, resolver.scope_of)
            if enclosing is None:
                raise _unresolved(column)
            resolver.column(enclosing, column)
    for whole_row in tree.find_all(exp.TableColumn):
        raise violation(
            "node_allowlist",
            "A whole-row reference to a table alias is not supported; name the columns.",
            "不支持以表别名引用整行，请列出列名。",
            whole_row,
        )
    root = scopes[-1]
    return Analysis(root, tuple(scopes), resolver.columns, resolver.outputs(root), resolver.scope_of)
