"""统一社会信用代码 (GB 32100-2015). Individual businesses (92…) identify a person; others are public."""

from __future__ import annotations

import re

from sandbox.pii.checks import uscc_ok
from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "CN_USCC"
ORG_ENTITY = "CN_USCC_ORG"
CONTEXT = ("统一社会信用代码", "信用代码", "税号", "纳税人识别号", "uscc", "营业执照")

PATTERN = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}(?![0-9A-Za-z])")
_HAS_LETTER_OR_DIGIT = re.compile(r"[0-9A-Za-z]")


_PERSONAL = Verdict(ENTITY, 1.0, validated=True)
_ORG = Verdict(ORG_ENTITY, 1.0, validated=True)


def check(value: str) -> Verdict | None:
    code = value.upper()
    if not uscc_ok(code):
        return None
    return _PERSONAL if code.startswith("92") else _ORG


_UPPER = frozenset("ABCDEFGHJKLMNPQRTUWXYabcdefghjklmnpqrtuwxy")
RULE = Rule(
    ENTITY,
    PATTERN,
    check,
    CONTEXT,
    needs=_HAS_LETTER_OR_DIGIT,
    entities=(ORG_ENTITY,),
    applies=lambda p: p.has_run(18) or (bool(p.chars & _UPPER) and p.has_run(1, 17)),
)


class CnUsccRecognizer(RuleRecognizer):
    RULE = RULE
