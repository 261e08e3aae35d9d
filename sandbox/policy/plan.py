"""The result of planning one query: the SQL to execute and what it touches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox.catalog.model import AccessMode
from sandbox.privacy.spec import DpSpec

if TYPE_CHECKING:
    from sandbox.policy.dp.rows import RowsSpec


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
    dp: DpSpec | None = None  # dp mode: what the SQL's rows hold and how to release them with noise
    rows: RowsSpec | None = None  # dp training input: the columns of the one-row-per-unit SQL (never released)
