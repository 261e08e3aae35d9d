"""Licence plates (GA 36-2018): province character, issuing letter, 5 characters; new-energy 6; 挂学警港澳."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "CN_LICENSE_PLATE"
CONTEXT = ("车牌", "号牌", "牌照", "车辆", "plate")

_PROVINCE = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PATTERN = re.compile(
    rf"(?<![0-9A-Za-z])[{_PROVINCE}][A-HJ-NP-Z][·.\- ]?"
    r"(?:[DF][0-9A-HJ-NP-Z][0-9]{4}|[0-9]{5}[DF]|[0-9A-HJ-NP-Z]{4}[挂学警港澳]|[0-9A-HJ-NP-Z]{5})(?![0-9A-Za-z])"
)
_NEEDS = re.compile(rf"[{_PROVINCE}]")
_PROVINCES = frozenset(_PROVINCE)


_STRONG = Verdict(ENTITY, 0.6)
_WEAK = Verdict(ENTITY, 0.3)


def check(value: str) -> Verdict | None:
    tail = value[2:].lstrip("·.- ")
    digits = sum(map(str.isdigit, tail))
    # Real serials carry at least three digits (letters are capped at two); fewer is usually a word.
    if digits >= 3:
        return _STRONG
    return _WEAK if digits >= 1 else None


RULE = Rule(ENTITY, PATTERN, check, CONTEXT, needs=_NEEDS, numeric=False, applies=lambda p: bool(p.chars & _PROVINCES))


class CnPlateRecognizer(RuleRecognizer):
    RULE = RULE
