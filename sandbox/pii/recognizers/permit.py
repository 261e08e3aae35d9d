"""Hong Kong/Macau/Taiwan travel permits (往来港澳/台湾通行证, 回乡证, 台胞证): context needed."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "CN_HMT_PERMIT"
CONTEXT = ("通行证", "回乡证", "台胞证", "港澳", "台湾", "permit")

PATTERN = re.compile(r"(?<![0-9A-Za-z])(?:C[0-9A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?|L[0-9]{8})(?![0-9A-Za-z])")
_NEEDS = re.compile(r"[CHML]")
_FIRST = frozenset("CHML")


_HIT = Verdict(ENTITY, 0.35)


def check(value: str) -> Verdict | None:
    return _HIT


RULE = Rule(
    ENTITY, PATTERN, check, CONTEXT, needs=_NEEDS, applies=lambda p: bool(p.chars & _FIRST) and p.has_run(7, 10)
)


class CnPermitRecognizer(RuleRecognizer):
    RULE = RULE
