"""CN_BANK_CARD: issuer prefix and length, Luhn; IDs that pass Luhn stay IDs."""

from __future__ import annotations

import pytest

from sandbox.pii.checks import luhn_ok
from sandbox.pii.recognizers.bank_card import check
from tests.unit.pii._support import CARD_UNIONPAY, CARD_VISA, bank_card, detect, resident_id

SPACED_VISA = " ".join(CARD_VISA[i : i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CARD_UNIONPAY, CARD_UNIONPAY),
        (CARD_VISA, CARD_VISA),
        (f"卡号{CARD_UNIONPAY}开户行凯里支行", CARD_UNIONPAY),
        (SPACED_VISA, SPACED_VISA),
        (bank_card("522094", 16), bank_card("522094", 16)),  # Mastercard 51-55
        (bank_card("371234", 15), bank_card("371234", 15)),  # Amex
    ],
)
def test_when_luhn_valid_card_with_issuer_prefix_then_found(text: str, expected: str) -> None:
    assert ("CN_BANK_CARD", expected) in detect(text)


@pytest.mark.parametrize(
    "value",
    [
        CARD_UNIONPAY[:-1] + str((int(CARD_UNIONPAY[-1]) + 1) % 10),  # Luhn fails
        bank_card("912345", 16),  # no issuer starts with 9
        bank_card("436742", 17),  # Visa is 16 or 19 digits
        bank_card("6901234", 13),  # EAN-13 barcode shape
    ],
)
def test_when_card_invalid_then_not_found(value: str) -> None:
    assert check(value) is None
    assert "CN_BANK_CARD" not in {e for e, _ in detect(value)}


def test_when_valid_id_also_passes_luhn_then_reported_as_id_only() -> None:
    # Search a valid ID that is also Luhn-valid (about one in ten are) and starts like a Visa card.
    for seq in range(1000):
        candidate = resident_id(f"41010519900101{seq:03d}")
        if luhn_ok(candidate):
            break
    found = {e for e, _ in detect(candidate)}
    assert found == {"CN_RESIDENT_ID"}
