"""Mainland mobile numbers: optional +86/0086, 1[3-9] and nine digits, groups split by space or hyphen."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict, digits_only

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


RULE = Rule(ENTITY, PATTERN, check, CONTEXT, applies=lambda p: p.has_run(11) or p.has_run(13) or p.has_run(15))


class CnMobileRecognizer(RuleRecognizer):
    RULE = RULE
