"""Fast checksum tests for the scanners, equivalent to ``sandbox.identifiers.checks`` (tests prove it).

The identifier package favours clarity; the scanner validates every candidate of a large table, so
these versions do the arithmetic in C (``bytes.translate`` and ``map``) and test the checksum before
the more expensive structure (dates, embedded organisation codes).
"""

from __future__ import annotations

from datetime import date
from operator import mul

from sandbox.identifiers.checks import (
    ID_CHECK_CHARS,
    ID_WEIGHTS,
    ORG_CODE_WEIGHTS,
    USCC_ALPHABET,
    USCC_ENTITY_TYPES,
    USCC_WEIGHTS,
)

_EARLIEST = date(1900, 1, 1)
_DIGITS = b"0123456789"
_VALUE = bytes.maketrans(_DIGITS, bytes(range(10)))
_LUHN_DOUBLE = bytes.maketrans(_DIGITS, bytes([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]))
_USCC_VALUE = bytes.maketrans(USCC_ALPHABET.encode(), bytes(range(31)))
_USCC_SET = frozenset(USCC_ALPHABET)
_ORG_VALUE = bytes.maketrans(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", bytes(range(36)))


def luhn_ok(digits: str) -> bool:
    """Luhn check of an all-ASCII-digit string (caller guarantees the alphabet)."""
    raw = digits.encode().translate(_VALUE)
    return (sum(raw[-1::-2]) + sum(digits.encode()[-2::-2].translate(_LUHN_DOUBLE))) % 10 == 0


def resident_id_ok(value: str) -> bool:
    """Same answer as ``is_valid_resident_id`` for ``[1-9][0-9]{16}[0-9X]``; checksum first."""
    body = value[:17].encode().translate(_VALUE)
    if ID_CHECK_CHARS[sum(map(mul, body, ID_WEIGHTS)) % 11] != value[17:]:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return _EARLIEST <= born <= date.today()


def uscc_ok(value: str) -> bool:
    """Same answer as ``is_valid_uscc`` for 18 characters of the USCC alphabet; checksum first."""
    if value[1:2] not in USCC_ENTITY_TYPES.get(value[:1], ""):
        return False
    raw = value.encode().translate(_USCC_VALUE)
    if USCC_ALPHABET[(31 - sum(map(mul, raw[:17], USCC_WEIGHTS)) % 31) % 31] != value[17]:
        return False
    org = value[8:17].encode().translate(_ORG_VALUE)
    c = 11 - sum(map(mul, org[:8], ORG_CODE_WEIGHTS)) % 11
    if ("X" if c == 10 else "0" if c == 11 else str(c)) != value[16]:
        return False
    # The rest of GB 32100's shape: alphabet, and a 6-digit region not starting with 0.
    return _USCC_SET.issuperset(value) and value[2] in "123456789" and value[3:8].isdigit() and value[3:8].isascii()
