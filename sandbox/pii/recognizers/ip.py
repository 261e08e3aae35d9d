"""IPv4 addresses with digit-only boundaries ("IP10.1.2.3" is found); version strings need context."""

from __future__ import annotations

import re

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict

ENTITY = "IP_ADDRESS"
CONTEXT = ("ip", "登录", "地址", "访问", "来源")

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
PATTERN = re.compile(rf"(?<![0-9.]){_OCTET}(?:\.{_OCTET}){{3}}(?![0-9]|\.[0-9])")
_NEEDS = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]")


_HIT = Verdict(ENTITY, 0.6)


def check(value: str) -> Verdict | None:
    first = int(value.split(".", 1)[0])
    if first == 0 or value == "255.255.255.255":
        return None
    return _HIT


RULE = Rule(
    ENTITY,
    PATTERN,
    check,
    CONTEXT,
    needs=_NEEDS,
    applies=lambda p: p.has_run(1, 3) and _NEEDS.search(p.text) is not None,
)


class CnIpRecognizer(RuleRecognizer):
    RULE = RULE
