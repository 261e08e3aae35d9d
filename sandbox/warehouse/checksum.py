"""Engine-independent per-table checksums, to prove two warehouses hold the same data.

Each row is rendered canonically (types normalised, NULL distinct from empty) and hashed; the table
checksum is the sum of row hashes modulo 2**128, so row order does not matter but multiplicity does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal

_MODULUS = 1 << 128


def _canonical(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def row_digest(row: Sequence[object]) -> int:
    text = "\x1f".join(_canonical(value) for value in row)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=16).digest(), "big")


def table_checksum(rows: Iterable[Sequence[object]]) -> str:
    total = 0
    for row in rows:
        total = (total + row_digest(row)) % _MODULUS
    return f"{total:032x}"
