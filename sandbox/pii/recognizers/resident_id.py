"""公民身份号码 (GB 11643-1999): region, birth date and MOD 11-2 check; the legacy 15-digit form."""

from __future__ import annotations

import re
from datetime import date

import numpy as np

from sandbox.identifiers.checks import ID_CHECK_CHARS, ID_WEIGHTS
from sandbox.pii import vector
from sandbox.pii.checks import resident_id_ok
from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict, digits_only
from sandbox.pii.vector import Codes, Digits, Mask

ENTITY = "CN_RESIDENT_ID"
CONTEXT = ("身份证", "证件号", "公民身份", "身份号", "idcard", "id_no", "idno", "id_card", "证件")

# Province prefixes (GB/T 2260 first two digits); used only to reject, never to accept.
_PROVINCE_CODES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83"
)
PROVINCES = frozenset(_PROVINCE_CODES.split(" "))

# 18 characters, optionally split by single spaces/hyphens anywhere (6-8-4, 4-4-4-4-2 …).
PATTERN = re.compile(r"(?<![0-9])[1-9](?:[ -]?[0-9]){16}[ -]?[0-9Xx](?![0-9A-Za-z])")
LEGACY_PATTERN = re.compile(r"(?<![0-9])[1-9][0-9]{14}(?![0-9])")


def plausible_prefix(digits: str) -> bool:
    """Province known, HK/MO/TW codes followed by 0000, and a real birth date from 1900 to today."""
    if digits[:2] not in PROVINCES or (digits[:2] in {"81", "82", "83"} and digits[2:6] != "0000"):
        return False
    try:
        born = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


VALID = Verdict(ENTITY, 1.0, validated=True)
_HMT = frozenset({"81", "82", "83"})


def check(value: str) -> Verdict | None:
    canonical = digits_only(value).upper() if len(value) != 18 or value[-1] == "x" else value
    # Cheapest test first: province, then checksum and date (resident_id_ok), then HK/MO/TW codes.
    if len(canonical) != 18 or canonical[:2] not in PROVINCES or not resident_id_ok(canonical):
        return None
    if canonical[:2] in _HMT and canonical[2:6] != "0000":
        return None
    return VALID


_PROVINCE_INTS = frozenset(map(int, PROVINCES))
_HMT_INTS = frozenset(map(int, _HMT))
# ID_CHECK_CHARS as digits; the X position is -1, which no digit equals (an X cell is never all-digit).
_CHECK_DIGITS = np.array([-1 if c == "X" else int(c) for c in ID_CHECK_CHARS], dtype=np.int64)


def province_ok(d: Digits) -> Mask:
    """Known province, and HK/MO/TW codes followed by 0000 (``plausible_prefix`` without the date)."""
    prov = vector.number(d, 0, 2)
    hmt = vector.in_set(prov, _HMT_INTS)
    ok: Mask = vector.in_set(prov, _PROVINCE_INTS) & (~hmt | (vector.number(d, 2, 6) == 0))
    return ok


def valid_bulk(d: Digits) -> Mask:
    """``check`` is not None, for 18-digit rows."""
    checksum = _CHECK_DIGITS[vector.weighted_sum(d, ID_WEIGHTS) % 11] == d[:, 17]
    ok: Mask = checksum & province_ok(d) & vector.birth_in_range(d, 6)
    return ok


def check_bulk(d: Digits) -> tuple[Codes, tuple[Verdict, ...]]:
    if d.shape[1] != 18:
        return vector.no_match(d), ()
    return vector.codes(d[:, 0] != 0, valid_bulk(d)), (VALID,)


_LEGACY = Verdict(ENTITY, 0.3)


def check_legacy(value: str) -> Verdict | None:
    """First-generation 15-digit IDs (YYMMDD, no check digit): shape only, needs context."""
    if value[:2] not in PROVINCES:
        return None
    try:
        date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return None
    return _LEGACY


def check_legacy_bulk(d: Digits) -> tuple[Codes, tuple[Verdict, ...]]:
    if d.shape[1] != 15:
        return vector.no_match(d), ()
    born = vector.valid_date(1900 + vector.number(d, 6, 8), vector.number(d, 8, 10), vector.number(d, 10, 12))
    return vector.codes(d[:, 0] != 0, vector.in_set(vector.number(d, 0, 2), _PROVINCE_INTS) & born), (_LEGACY,)


RULE = Rule(ENTITY, PATTERN, check, CONTEXT, applies=lambda p: p.has_run(17, 18), bulk=check_bulk)
LEGACY_RULE = Rule(
    ENTITY, LEGACY_PATTERN, check_legacy, CONTEXT, applies=lambda p: p.has_run(15), bulk=check_legacy_bulk
)


class CnResidentIdRecognizer(RuleRecognizer):
    RULE = RULE


class CnLegacyResidentIdRecognizer(RuleRecognizer):
    RULE = LEGACY_RULE
