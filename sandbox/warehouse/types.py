"""The warehouse's column-type vocabulary and its spelling in each engine.

The catalogue and the generator speak DuckDB type names; PostgreSQL gets the faithful equivalent.
"""

from __future__ import annotations

import re

_DECIMAL = re.compile(r"^(?:DECIMAL|NUMERIC)\((\d+),\s*(\d+)\)$", re.IGNORECASE)

_TO_POSTGRES = {
    "VARCHAR": "text",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "BOOLEAN": "boolean",
}
_FROM_POSTGRES = {pg: duck for duck, pg in _TO_POSTGRES.items()} | {
    "character varying": "VARCHAR",
    "timestamp without time zone": "TIMESTAMP",
}


def normalise(type_name: str) -> str:
    """Canonical DuckDB spelling, e.g. ``decimal(14, 2)`` -> ``DECIMAL(14,2)``."""
    text = " ".join(type_name.split()).upper()
    match = _DECIMAL.match(text)
    if match:
        return f"DECIMAL({match.group(1)},{match.group(2)})"
    return text


def to_postgres(duckdb_type: str) -> str:
    text = normalise(duckdb_type)
    match = _DECIMAL.match(text)
    if match:
        return f"numeric({match.group(1)},{match.group(2)})"
    try:
        return _TO_POSTGRES[text]
    except KeyError:
        raise ValueError(f"type {duckdb_type!r} is outside the warehouse vocabulary") from None


def from_postgres(data_type: str, precision: int | None = None, scale: int | None = None) -> str:
    """Map an ``information_schema.columns`` type back to the DuckDB vocabulary."""
    if data_type == "numeric":
        return f"DECIMAL({precision},{scale})"
    return _FROM_POSTGRES.get(data_type, data_type.upper())
