"""What a query is planned against: the catalogue, the caller's grant and the warehouse dialect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from sandbox.catalog.model import Catalog
from sandbox.grants.claims import GrantClaims

Dialect = Literal["duckdb", "postgres"]


@dataclass(frozen=True)
class PolicyContext:
    """Everything ``plan_query`` needs besides the SQL text.

    ``row_filters`` maps a dataset ("schema.table") to a boolean SQL predicate over that table's own
    columns (unqualified), applied inside its policy view. Grants carry none yet; operators may set them.
    """

    catalog: Catalog
    grant: GrantClaims
    dialect: Dialect
    row_cap: int = 10_000
    row_filters: Mapping[str, str] = field(default_factory=dict)
    dp_max_groups_per_unit: int = 1  # L0: output groups one privacy unit may contribute to (dp mode)
    dp_max_rows_per_unit: int = 1  # L∞: rows one privacy unit may contribute to each group (dp mode)
    dp_unique_units: frozenset[str] = frozenset()  # dp datasets known to hold one row per privacy unit
    dp_rows: bool = False  # dp mode: plan row-level training input (one row per unit) instead of aggregates
    dp_on_request: bool = False  # the client asked for DP: aggregate-mode tables are planned as dp tables
