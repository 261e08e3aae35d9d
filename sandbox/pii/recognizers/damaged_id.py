"""Resident IDs damaged by spreadsheets: float notation (5.22601199001011E+17) or zeroed tails.

No checksum survives this damage, so a hit goes to review when the surviving digits still form a
known province prefix and a real birth date.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sandbox.pii import vector
from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict
from sandbox.pii.recognizers.resident_id import plausible_prefix, province_ok
from sandbox.pii.vector import Codes, Digits

ENTITY = "SUSPECT_FLOAT_ID"
CONTEXT = ("身份证", "证件号", "公民身份")

PATTERN = re.compile(
    r"(?<![0-9.])(?:[1-9]\.[0-9]{8,17}[eE]\+?17|[1-9][0-9]{16}(?:\.0)?|[1-9][0-9]{14}000(?:\.0)?)(?![0-9Xx])"
)

_SCIENTIFIC = re.compile(r"[0-9][eE]\+?17")


def float_to_digits(value: float | str) -> str | None:
    """The digit string a spreadsheet/float has left of an 18-digit number, or None."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or not Decimal("1e17") <= number < Decimal("1e18"):
        return None
    return str(int(number))


_HIT = Verdict(ENTITY, 0.5)


def check(value: str) -> Verdict | None:
    digits = float_to_digits(value) if ("e" in value.lower() or "." in value) else value
    if digits is None or len(digits) < 17 or not plausible_prefix(digits):
        return None
    return _HIT


def check_bulk(d: Digits) -> tuple[Codes, tuple[Verdict, ...]]:
    """All-digit cells: 17 digits, or 15 digits and ``000``, not starting with 0."""
    n = d.shape[1]
    if n == 17:
        matched = d[:, 0] != 0
    elif n == 18:
        matched = (d[:, 0] != 0) & (vector.number(d, 15, 18) == 0)
    else:
        return vector.no_match(d), ()
    return vector.codes(matched, province_ok(d) & vector.birth_in_range(d, 6)), (_HIT,)


RULE = Rule(
    ENTITY,
    PATTERN,
    check,
    CONTEXT,
    applies=lambda p: p.has_run(15, 18) or _SCIENTIFIC.search(p.text) is not None,
    bulk=check_bulk,
)


class CnDamagedIdRecognizer(RuleRecognizer):
    RULE = RULE
