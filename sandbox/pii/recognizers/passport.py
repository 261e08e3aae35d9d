"""Chinese passports (E + letter/digit + 7 digits, E/G/D/S/P + 8 digits, DE/SE/PE + 7): context needed."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "CN_PASSPORT"
CONTEXT = ("护照", "passport", "旅行证件")

PATTERN = re.compile(r"(?<![0-9A-Za-z])(?:E[A-HJ-NP-Z0-9][0-9]{7}|[EGDSP][0-9]{8}|(?:DE|SE|PE)[0-9]{7})(?![0-9A-Za-z])")
_NEEDS = re.compile(r"[EGDSP]")
_FIRST = frozenset("EGDSP")


_HIT = Verdict(ENTITY, 0.4)


def check(value: str) -> Verdict | None:
    return _HIT


RULE = Rule(ENTITY, PATTERN, check, CONTEXT, needs=_NEEDS, applies=lambda p: bool(p.chars & _FIRST) and p.has_run(7, 8))


class CnPassportRecognizer(RuleRecognizer):
    RULE = RULE
