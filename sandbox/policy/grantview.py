"""The catalogue as one grant sees it: granted tables, their visible columns, and sqlglot schemas.

Built once per (catalogue, grant datasets, grant columns) and cached: planning a query must not
rebuild the schema.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlglot import exp
from sqlglot.dialects.dialect import DialectType
from sqlglot.schema import MappingSchema

from sandbox.catalog.model import (
    AccessMode,
    Catalog,
    Column,
    Dataset,
    GeneralizeRule,
    Handling,
    HandlingKind,
    Role,
)
from sandbox.grants.claims import GrantClaims

SCHEMAS = frozenset({"common", "tourism", "governance", "transit", "housing_fund"})
UNIT_COLUMN = "__sandbox_unit"
"""Hidden column of an aggregate-mode policy view: the raw privacy unit, read only by the k threshold."""

_GENERALIZED_TYPE = {GeneralizeRule.GRID500M: "DOUBLE", GeneralizeRule.COUNTY: "VARCHAR"}


def effective_handling(column: Column) -> Handling:
    """The column's handling, never weaker than ``hash`` for a direct identifier (fail closed)."""
    if column.role is Role.IDENTIFIER and column.handling.kind is HandlingKind.ALLOW:
        return Handling(HandlingKind.HASH)
    return column.handling


def view_type(column: Column) -> str:
    """Type of the column as its policy view exposes it."""
    handling = effective_handling(column)
    if handling.kind in (HandlingKind.HASH, HandlingKind.MASK):
        return "VARCHAR"
    if handling.rule is GeneralizeRule.AGE_BAND:
        return "INTEGER"
    if handling.rule is not None:
        return _GENERALIZED_TYPE.get(handling.rule, column.type)
    return column.type


class GrantSchema(MappingSchema):
    """A MappingSchema with a direct lookup of a table's column names (qualification's hot path)."""

    def __init__(self, mapping: dict[str, dict[str, dict[str, str]]]) -> None:
        super().__init__(dict(mapping), dialect="duckdb", normalize=False)
        self._names = {(db, name): tuple(cols) for db, tables in mapping.items() for name, cols in tables.items()}

    def column_names(
        self,
        table: exp.Table | str,
        only_visible: bool = False,
        dialect: DialectType = None,
        normalize: bool | None = None,
    ) -> list[str]:
        if isinstance(table, exp.Table) and not table.catalog:
            names = self._names.get((table.db, table.name))
            if names is not None:
                return list(names)
        return super().column_names(table, only_visible, dialect, normalize)


@dataclass(frozen=True)
class GrantedTable:
    dataset: Dataset
    visible: tuple[Column, ...]  # in catalogue order: what the policy view projects
    hidden: frozenset[str]  # existing columns the grant cannot see (denied or narrowed away)
    on_request: bool = False  # an aggregate-mode table the client asked to query with DP: planned as dp

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def mode(self) -> AccessMode:
        return AccessMode.DP if self.on_request else self.dataset.access_mode

    def column(self, name: str) -> Column | None:
        return self.dataset.column(name)


@dataclass(frozen=True, eq=False)  # identity hash: plans are cached per view object
class GrantView:
    tables: Mapping[str, GrantedTable]
    schema: GrantSchema  # visible columns only
    full_schema: GrantSchema  # every column of the granted tables, to tell "denied" from "unknown"

    def table(self, dataset: str) -> GrantedTable | None:
        return self.tables.get(dataset)


def _granted_table(dataset: Dataset, narrowed: tuple[str, ...] | None) -> GrantedTable:
    visible = tuple(
        c
        for c in dataset.columns
        if effective_handling(c).kind is not HandlingKind.DENY and (narrowed is None or c.name in narrowed)
    )
    names = {c.name for c in visible}
    hidden = frozenset(c.name for c in dataset.columns if c.name not in names)
    return GrantedTable(dataset, visible, hidden)


def _mapping(tables: Mapping[str, GrantedTable], full: bool) -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for table in tables.values():
        columns = table.dataset.columns if full else table.visible
        types = {c.name: (c.type if full else view_type(c)) for c in columns}
        out.setdefault(table.dataset.schema, {})[table.dataset.table] = types
    return out


def build_grant_view(catalog: Catalog, grant: GrantClaims) -> GrantView:
    tables: dict[str, GrantedTable] = {}
    for name in grant.datasets:
        dataset = catalog.dataset(name)
        if dataset is None or dataset.schema not in SCHEMAS:
            continue  # a grant naming what the catalogue lacks grants nothing (fail closed)
        narrowed = None if grant.columns is None else grant.columns.get(name)
        tables[name] = _granted_table(dataset, narrowed)
    return GrantView(
        MappingProxyType(tables),
        GrantSchema(_mapping(tables, full=False)),
        GrantSchema(_mapping(tables, full=True)),
    )


_CACHE: dict[tuple[object, ...], tuple[Catalog, GrantView]] = {}
_CACHE_LIMIT = 512
_LOCK = threading.Lock()


def grant_view(catalog: Catalog, grant: GrantClaims) -> GrantView:
    """The cached view for this catalogue object and the grant's datasets and columns."""
    columns = None if grant.columns is None else tuple(sorted(grant.columns.items()))
    key = (id(catalog), grant.datasets, columns)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is catalog:
        return hit[1]
    view = build_grant_view(catalog, grant)
    with _LOCK:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = (catalog, view)
    return view
