"""E-mail addresses with ASCII-only boundaries, so a Chinese character next to them does not hide them."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "EMAIL_ADDRESS"
CONTEXT = ("邮箱", "邮件", "email", "e-mail", "mail")

PATTERN = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_NEEDS = re.compile("@")


_HIT = Verdict(ENTITY, 0.85, validated=True)


def check(value: str) -> Verdict | None:
    return _HIT


RULE = Rule(ENTITY, PATTERN, check, CONTEXT, needs=_NEEDS, numeric=False, applies=lambda p: "@" in p.chars)


class CnEmailRecognizer(RuleRecognizer):
    RULE = RULE
