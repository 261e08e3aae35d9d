"""Bank cards: issuer prefix and length (UnionPay, Visa, Mastercard, Amex, JCB) plus Luhn."""

from __future__ import annotations

import re

import numpy as np

from sandbox.pii import vector
from sandbox.pii.checks import luhn_ok
from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict, digits_only
from sandbox.pii.recognizers.resident_id import check as check_resident_id
from sandbox.pii.recognizers.resident_id import valid_bulk as valid_resident_id
from sandbox.pii.vector import Codes, Digits, Mask

ENTITY = "CN_BANK_CARD"
CONTEXT = ("银行卡", "卡号", "账号", "开户", "card", "account", "借记卡", "信用卡")

PATTERN = re.compile(r"(?<![0-9])[2-6](?:[ -]?[0-9]){14,18}(?![0-9])")


def _issuer_allows(d: str) -> bool:
    n = len(d)
    if d.startswith("62"):
        return 16 <= n <= 19
    if d.startswith("4"):
        return n in (16, 19)
    if d[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(d[:4]) <= 2720:
        return n == 16
    if d[:2] in {"34", "37"}:
        return n == 15
    if d.startswith("35"):
        return 16 <= n <= 19 and 3528 <= int(d[:4]) <= 3589
    return False


_VALID = Verdict(ENTITY, 1.0, validated=True)


def check(value: str) -> Verdict | None:
    d = digits_only(value) if len(value) > 19 or not value.isdigit() else value
    if not _issuer_allows(d) or not luhn_ok(d):
        return None
    # A valid 18-digit resident ID also passes Luhn one time in eleven: the ID recognizer owns it.
    if len(d) == 18 and check_resident_id(d) is not None:
        return None
    return _VALID


def _issuer_allows_bulk(d: Digits) -> Mask:
    n = d.shape[1]
    p2, p4 = vector.number(d, 0, 2), vector.number(d, 0, 4)
    # The same if-chain as ``_issuer_allows``: the first condition that holds decides.
    conditions = [
        p2 == 62,
        d[:, 0] == 4,
        ((p2 >= 51) & (p2 <= 55)) | ((p4 >= 2221) & (p4 <= 2720)),
        (p2 == 34) | (p2 == 37),
        p2 == 35,
    ]
    choices = [
        np.full(d.shape[0], 16 <= n <= 19),
        np.full(d.shape[0], n in (16, 19)),
        np.full(d.shape[0], n == 16),
        np.full(d.shape[0], n == 15),
        (16 <= n <= 19) & (p4 >= 3528) & (p4 <= 3589),
    ]
    allowed: Mask = np.select(conditions, choices, default=False)
    return allowed


def check_bulk(d: Digits) -> tuple[Codes, tuple[Verdict, ...]]:
    if not 15 <= d.shape[1] <= 19:
        return vector.no_match(d), ()
    matched = (d[:, 0] >= 2) & (d[:, 0] <= 6)
    ok = _issuer_allows_bulk(d) & vector.luhn(d)
    if d.shape[1] == 18:
        ok &= ~valid_resident_id(d)
    return vector.codes(matched, ok), (_VALID,)


RULE = Rule(ENTITY, PATTERN, check, CONTEXT, applies=lambda p: p.has_run(15, 19), bulk=check_bulk)


class CnBankCardRecognizer(RuleRecognizer):
    RULE = RULE
