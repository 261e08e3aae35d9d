"""Helpers shared by the PII tests: valid identifiers built with the real check algorithms, detection."""

from __future__ import annotations

from sandbox.identifiers.checks import luhn_check_digit, org_code_check_char, resident_id_check_char, uscc_check_char
from sandbox.pii.text import text_spans


def resident_id(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


def bank_card(prefix: str, length: int) -> str:
    body = prefix + "3" * (length - len(prefix) - 1)
    return body + luhn_check_digit(body)


def uscc(prefix2: str, region: str = "522601", org_body: str = "MA6DGK1B") -> str:
    org = org_body + org_code_check_char(org_body)
    body = prefix2 + region + org
    return body + uscc_check_char(body)


ID_A = resident_id("52260119900101123")  # 凯里, 1990-01-01
ID_X = "11010519491231002X"  # the standard's own example, check character X
CARD_UNIONPAY = bank_card("622848", 19)
CARD_VISA = bank_card("436742", 16)
USCC_PERSONAL = uscc("92")
USCC_COMPANY = uscc("91")


def detect(text: str) -> list[tuple[str, str]]:
    """(entity, matched text) for every resolved hit at or above threshold, in text order."""
    return [(s.entity, text[s.start : s.end]) for s in text_spans(text)]


def entities(text: str) -> set[str]:
    return {e for e, _ in detect(text)}
