"""What a planned DP query releases, as plain data: the policy planner fills it, the release step reads it.

The rewritten SQL returns one row per group with the group keys, the exact count of distinct privacy
units after contribution bounding (for partition selection) and, per aggregate, the true sufficient
statistics over clamped values (count, sum, sum of squares). Nothing here depends on sqlglot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AggregateKind = Literal["count", "count_units", "sum", "mean", "var_pop", "var_samp", "std_pop", "std_samp"]
UNITS_COLUMN = "__dp_units"


@dataclass(frozen=True)
class DpAggregate:
    """One aggregate output column and the SQL result columns holding its true statistics."""

    name: str  # output column name, as the user's query named it
    kind: AggregateKind
    count_column: str  # rows (or non-null values) after bounding
    sum_column: str | None = None
    squares_column: str | None = None
    lower: float = 0.0  # clamping bounds of the argument (public, from the catalogue)
    upper: float = 0.0


@dataclass(frozen=True)
class DpOutput:
    """One column of the released table, in the user's order: a group key or an aggregate."""

    name: str
    key: bool
    index: int  # into DpSpec.keys or DpSpec.aggregates


@dataclass(frozen=True)
class DpSpec:
    keys: tuple[str, ...]  # SQL result columns holding the group keys
    aggregates: tuple[DpAggregate, ...]
    outputs: tuple[DpOutput, ...]
    max_groups_per_unit: int
    max_rows_per_unit: int
    min_units: int  # the catalogue's k: pre-threshold for partition selection
    datasets: tuple[str, ...]  # dp-mode datasets read: each is charged the query's full cost
    domain_sql: str | None = None  # public keys: SQL listing every key of an open table (no selection needed)

    @property
    def public_keys(self) -> bool:
        return self.domain_sql is not None

    @property
    def grouped(self) -> bool:
        return bool(self.keys)
