"""The result of planning one query: the SQL to execute and what it touches."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.catalog.model import AccessMode


@dataclass(frozen=True)
class OutputColumn:
    name: str
    lineage: frozenset[str]  # base columns "schema.table.column" the value is computed from


@dataclass(frozen=True)
class QueryPlan:
    original_sql: str
    sql: str  # regenerated from the checked tree in the context's dialect; holds no key material
    datasets: tuple[str, ...]  # "schema.table" touched
    columns: tuple[str, ...]  # base columns touched in any clause, "schema.table.column"
    output: tuple[OutputColumn, ...]
    mode: AccessMode  # effective (strictest) access mode
    notices: tuple[str, ...]
