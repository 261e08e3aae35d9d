"""Landlines: area code 0AA/0AAA (brackets or hyphen), subscriber number [2-9] + 6-7 digits, extension."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "CN_LANDLINE"
CONTEXT = ("电话", "座机", "固话", "传真", "联系", "tel", "phone", "fax")

PATTERN = re.compile(
    r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2})[ -]?[2-9][0-9]{6,7}"
    r"(?:[ -]?(?:转|ext\.?|#)[ -]?[0-9]{1,5})?(?![0-9])"
)
_AREA = re.compile(r"\(?(0[1-9][0-9]{1,2})\)?[ -]?([2-9][0-9]{6,7})")


_HIT = Verdict(ENTITY, 0.45)


def check(value: str) -> Verdict | None:
    m = _AREA.match(value)
    if m is None:
        return None
    area, local = m.groups()
    # Beijing (010) and two-digit-after-0 areas (02x) have 8-digit subscriber numbers; 3-digit areas 7-8.
    if len(area) == 3 and area[1] not in "12":
        return None  # 0AA only exists as 010 and 02x
    if len(area) == 3 and len(local) != 8:
        return None
    # A shape-only match: presidio context (电话, 座机) or the column header lifts it above threshold.
    return _HIT


RULE = Rule(
    ENTITY, PATTERN, check, CONTEXT, applies=lambda p: p.has_run(10, 12) or ("(" in p.chars and p.has_run(7, 8))
)


class CnLandlineRecognizer(RuleRecognizer):
    RULE = RULE
