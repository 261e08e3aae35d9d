"""Table checksums ignore row order and driver spelling, but see every value, NULL and repeat."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sandbox.warehouse.checksum import table_checksum

ROWS = [
    ("522601", Decimal("12.30"), 1.5, dt.date(2025, 1, 2), dt.datetime(2025, 1, 2, 8, 30), True, None),
    ("522622", Decimal("0.00"), -0.25, dt.date(2025, 2, 3), dt.datetime(2025, 2, 3, 0, 0), False, "x"),
]


def test_when_rows_are_reordered_then_the_checksum_is_the_same() -> None:
    assert table_checksum(ROWS) == table_checksum(list(reversed(ROWS)))


def test_when_a_decimal_has_another_scale_then_the_checksum_is_the_same() -> None:
    respelled = [(ROWS[0][0], Decimal("12.3"), *ROWS[0][2:]), ROWS[1]]
    assert table_checksum(respelled) == table_checksum(ROWS)


def test_when_null_becomes_empty_text_then_the_checksum_changes() -> None:
    changed = [(*ROWS[0][:-1], ""), ROWS[1]]
    assert table_checksum(changed) != table_checksum(ROWS)


def test_when_a_row_is_repeated_then_the_checksum_changes() -> None:
    assert table_checksum([*ROWS, ROWS[0]]) != table_checksum(ROWS)


def test_when_one_value_changes_then_the_checksum_changes() -> None:
    changed = [ROWS[0], (*ROWS[1][:2], -0.26, *ROWS[1][3:])]
    assert table_checksum(changed) != table_checksum(ROWS)
