"""The warehouse type vocabulary maps faithfully to PostgreSQL and back."""

from __future__ import annotations

import pytest

from sandbox.warehouse.types import from_postgres, normalise, to_postgres

ROUND_TRIPS = [
    ("VARCHAR", "text", ("text", None, None)),
    ("SMALLINT", "smallint", ("smallint", 16, 0)),
    ("INTEGER", "integer", ("integer", 32, 0)),
    ("BIGINT", "bigint", ("bigint", 64, 0)),
    ("DOUBLE", "double precision", ("double precision", 53, None)),
    ("DECIMAL(14,2)", "numeric(14,2)", ("numeric", 14, 2)),
    ("DATE", "date", ("date", None, None)),
    ("TIMESTAMP", "timestamp", ("timestamp without time zone", None, None)),
    ("BOOLEAN", "boolean", ("boolean", None, None)),
]


@pytest.mark.parametrize(("duck", "pg", "info"), ROUND_TRIPS)
def test_when_a_type_goes_to_postgres_and_back_then_it_is_unchanged(
    duck: str, pg: str, info: tuple[str, int | None, int | None]
) -> None:
    assert to_postgres(duck) == pg
    assert from_postgres(*info) == duck


@pytest.mark.parametrize(("spelling", "canonical"), [("decimal(14, 2)", "DECIMAL(14,2)"), (" varchar ", "VARCHAR")])
def test_when_spelled_loosely_then_normalised(spelling: str, canonical: str) -> None:
    assert normalise(spelling) == canonical


@pytest.mark.parametrize("outside", ["HUGEINT", "BLOB", "STRUCT(a INTEGER)", "TIMESTAMP WITH TIME ZONE"])
def test_when_a_type_is_outside_the_vocabulary_then_refused(outside: str) -> None:
    with pytest.raises(ValueError, match="vocabulary"):
        to_postgres(outside)
