"""Street addresses: a Han place run ending in a road/village word, then a number and a unit word."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "CN_ADDRESS"
CONTEXT = ("住址", "地址", "户籍", "居住", "address", "家庭")

_HAN = r"[\u4e00-\u9fff]"
_NUM = r"[0-9一二三四五六七八九十百零〇]{1,5}"
_PLACE_END = r"(?:路|街|巷|道|大道|村|寨|组|社区|小区|花园|苑|公寓|大厦|新区|里|弄|屯|队)"
_UNIT = r"(?:号院|号楼|号|栋|幢|单元|楼|层|室|组|户)"
PATTERN = re.compile(
    rf"{_HAN}{{1,24}}?{_PLACE_END}(?:{_NUM}{_UNIT})(?:[ -]?(?:{_NUM}|[A-Za-z]){_UNIT}){{0,4}}"
    rf"(?:[0-9]{{1,5}}(?![0-9]))?"
)
_NEEDS = re.compile(r"[0-9一二三四五六七八九十](?:号|栋|幢|单元|楼|层|室|组|户)")


_HIT = Verdict(ENTITY, 0.6)


def check(value: str) -> Verdict | None:
    # Ordinals such as 第一组 or 一楼 alone are not addresses: require a place word before the number.
    if len(value) < 5:
        return None
    return _HIT


_UNITS = frozenset("号栋幢单元楼层室组户")
RULE = Rule(ENTITY, PATTERN, check, CONTEXT, needs=_NEEDS, numeric=False, applies=lambda p: bool(p.chars & _UNITS))


class CnAddressRecognizer(RuleRecognizer):
    RULE = RULE
