"""Base-table references of a parsed query (before qualification)."""

from __future__ import annotations

from sqlglot import exp


def cte_names(tree: exp.Expr) -> frozenset[str]:
    return frozenset(cte.alias_or_name for cte in tree.find_all(exp.CTE))


def is_cte_reference(table: exp.Table, ctes: frozenset[str]) -> bool:
    return not table.args.get("db") and not table.args.get("catalog") and table.name in ctes


def base_tables(tree: exp.Expr) -> list[exp.Table]:
    """Every table reference that is not a CTE name (so must be a granted warehouse table)."""
    ctes = cte_names(tree)
    return [t for t in tree.find_all(exp.Table) if not is_cte_reference(t, ctes)]


def dataset_name(table: exp.Table) -> str:
    """ "schema.table" of a reference; the schema part is empty when the query gave none."""
    return f"{table.db}.{table.name}"
