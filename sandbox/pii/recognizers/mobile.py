"""Mainland mobile numbers: optional +86/0086, 1[3-9] and nine digits, groups split by space or hyphen."""

from __future__ import annotations

import re

import numpy as np

from sandbox.pii import vector
from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict, digits_only
from sandbox.pii.vector import Codes, Digits

ENTITY = "CN_MOBILE"
CONTEXT = ("手机", "电话", "联系方式", "联系电话", "mobile", "phone", "tel", "号码")

# MIIT allocated segments (first three digits).
_SEGMENTS = frozenset(
    [
        *(f"13{i}" for i in range(10)),
        *("145", "146", "147", "148", "149", "150", "151", "152", "153", "155", "156", "157", "158", "159"),
        *("162", "165", "166", "167"),
        *(f"17{i}" for i in range(9)),
        *(f"18{i}" for i in range(10)),
        *("190", "191", "192", "193", "195", "196", "197", "198", "199"),
    ]
)

PATTERN = re.compile(r"(?<![0-9])(?:(?:\+|00)86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])")


_KNOWN = Verdict(ENTITY, 0.6)
_UNKNOWN = Verdict(ENTITY, 0.3)


def check(value: str) -> Verdict | None:
    if len(value) == 11:
        return _KNOWN if value[:3] in _SEGMENTS else _UNKNOWN
    digits = digits_only(value)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) != 11:
        return None
    # A known segment is as validated as a mobile number gets; an unknown one still needs context.
    return _KNOWN if digits[:3] in _SEGMENTS else _UNKNOWN


_SEGMENT_INTS = frozenset(map(int, _SEGMENTS))


def check_bulk(d: Digits) -> tuple[Codes, tuple[Verdict, ...]]:
    """All-digit cells: 11 digits ``1[3-9]…``, or 15 digits ``00861[3-9]…``."""
    n = d.shape[1]
    if n == 11:
        at, matched = 0, np.ones(d.shape[0], dtype=bool)
    elif n == 15:
        at, matched = 4, vector.number(d, 0, 4) == 86
    else:
        return vector.no_match(d), ()
    matched &= (d[:, at] == 1) & (d[:, at + 1] >= 3)
    known = vector.in_set(vector.number(d, at, at + 3), _SEGMENT_INTS)
    return vector.codes(matched, matched, np.where(known, 0, 1).astype(np.int8)), (_KNOWN, _UNKNOWN)


RULE = Rule(
    ENTITY,
    PATTERN,
    check,
    CONTEXT,
    applies=lambda p: p.has_run(11) or p.has_run(13) or p.has_run(15),
    bulk=check_bulk,
)


class CnMobileRecognizer(RuleRecognizer):
    RULE = RULE
