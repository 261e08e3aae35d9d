"""Column handling SQL: masks and generalisations compute what the catalogue promises (run on DuckDB)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from sandbox.catalog.model import Column, GeneralizeRule, Handling, HandlingKind, Role
from sandbox.policy.rewrite.handling import column_expression


def _column(name: str, type_: str = "VARCHAR", handling: str = "mask", role: Role = Role.QUASI) -> Column:
    return Column(name, name, type_, role, 3, Handling.parse(handling))


def _apply(column: Column, value: object) -> object:
    sql = column_expression(column, "duckdb").sql(dialect="duckdb")
    with duckdb.connect() as conn:
        row = conn.execute(f'SELECT {sql} FROM (SELECT ?::{column.type} AS "{column.name}")', [value]).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("holder_id_no", "522601199001011234", "522601********1234"),
        ("holder_id_no", "52260119900101123X", "522601********123X"),
        ("holder_id_no", "12345", "********"),
        ("phone", "14512341234", "145****1234"),
        ("phone", "110", "****"),
        ("guest_name", "张三丰", "张*"),
        ("plate", "黔H12345", "****"),
        ("phone", None, None),
    ],
)
def test_when_a_column_is_masked_then_only_the_promised_part_shows(name: str, value: str, expected: str) -> None:
    assert _apply(_column(name), value) == expected


def test_when_a_non_text_column_is_masked_then_nothing_shows() -> None:
    assert _apply(_column("amount", "DOUBLE"), 12.5) == "****"


def test_when_a_column_is_hashed_then_the_sql_calls_sandbox_hash_unqualified() -> None:
    column = _column("guest_id_no", handling="hash", role=Role.IDENTIFIER)
    for dialect in ("duckdb", "postgres"):
        sql = column_expression(column, dialect).sql(dialect=dialect, normalize_functions="lower")
        assert sql == 'sandbox_hash("guest_id_no")'


def test_when_an_identifier_is_declared_allow_then_it_is_hashed_anyway() -> None:
    column = _column("id_no", handling="allow", role=Role.IDENTIFIER)
    assert column_expression(column, "duckdb").sql(normalize_functions="lower") == 'sandbox_hash("id_no")'


@pytest.mark.parametrize(
    ("rule", "type_", "value", "expected"),
    [
        ("year", "DATE", dt.date(2024, 5, 17), dt.date(2024, 1, 1)),
        ("month", "DATE", dt.date(2024, 5, 17), dt.date(2024, 5, 1)),
        ("hour", "TIMESTAMP", dt.datetime(2024, 5, 17, 9, 41, 3), dt.datetime(2024, 5, 17, 9)),
        ("day", "TIMESTAMP", dt.datetime(2024, 5, 17, 9, 41, 3), dt.datetime(2024, 5, 17)),
        ("county", "VARCHAR", "522601101001", "522601"),
        ("grid500m", "DOUBLE", 107.98765, 107.9865),
    ],
)
def test_when_a_column_is_generalised_then_it_is_coarsened(
    rule: str, type_: str, value: object, expected: object
) -> None:
    result = _apply(_column("c", type_, f"generalize:{rule}"), value)
    if isinstance(expected, float):
        assert result == pytest.approx(expected)
    else:
        assert result == expected


def test_when_a_birth_date_is_age_banded_then_a_ten_year_band_is_returned() -> None:
    born = dt.date(dt.date.today().year - 34, 1, 1)
    assert _apply(_column("birth_date", "DATE", "generalize:age_band"), born) == 30
    assert _apply(_column("birth_year", "SMALLINT", "generalize:age_band"), dt.date.today().year - 71) == 70


def test_when_a_time_rule_is_declared_on_text_then_nothing_is_released() -> None:
    assert _apply(_column("period", "VARCHAR", "generalize:year"), "2024-05") is None


def test_handling_kinds_without_sql_are_refused() -> None:
    column = Column("x", "x", "VARCHAR", Role.NONE, 1, Handling(HandlingKind.DENY))
    with pytest.raises(ValueError):
        column_expression(column, "duckdb")
    assert GeneralizeRule("age_band") is GeneralizeRule.AGE_BAND
