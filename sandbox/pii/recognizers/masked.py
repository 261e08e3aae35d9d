"""Already-masked identifiers: reported as masked, not as PII, unless the mask leaves the birth date visible."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "MASKED_VALUE"
MASKED_REVEALING = "MASKED_ID_REVEALS_BIRTH"
CONTEXT = ("身份证", "手机", "卡号", "电话")

_STAR = r"[*xX#]"
PATTERN = re.compile(
    rf"(?<![0-9A-Za-z*])(?:[1-9][0-9]{{1,5}}(?:[0-9]|{_STAR}){{8,14}}[0-9Xx*]|1[3-9][0-9]{_STAR}{{4}}[0-9]{{4}}"
    rf"|[2-6][0-9]{{3,5}}{_STAR}{{4,12}}[0-9]{{4}})(?![0-9A-Za-z*])"
)
_NEEDS = re.compile(r"[*#]{2}|[xX]{4}")


_REVEALING = Verdict(MASKED_REVEALING, 0.8)
_MASKED = Verdict(ENTITY, 0.8)


def check(value: str) -> Verdict | None:
    # x/X count as mask characters except in the last place, where X is a check character.
    stars = sum(ch in "*#" for ch in value) + sum(ch in "xX" for ch in value[:-1])
    if stars < 4:
        return None
    if len(value) == 18 and any(ch.isdigit() for ch in value[6:14]):
        # First-6 + birth date + last-4 still pins county, birthday and sex: not acceptably masked.
        return _REVEALING
    return _MASKED


_STARS = frozenset("*#")
RULE = Rule(
    ENTITY,
    PATTERN,
    check,
    CONTEXT,
    needs=_NEEDS,
    entities=(MASKED_REVEALING,),
    applies=lambda p: bool(p.chars & _STARS) or "xxxx" in p.text or "XXXX" in p.text,
)


class CnMaskedValueRecognizer(RuleRecognizer):
    RULE = RULE
