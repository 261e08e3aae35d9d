"""Bank cards: ISO/IEC 7812 Luhn check digit, card validator and generator."""

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_bank_card, is_valid_luhn, luhn_check_digit
from sandbox.identifiers.generate import bank_cards

from ._support import DRAWS, single_substitutions


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("7992739871", "3"),  # the textbook example: 7992739871 -> 79927398713
        ("0", "0"),
        ("1", "8"),
        ("621700000000000000", "4"),
    ],
)
def test_when_payload_completed_then_expected_luhn_digit(payload: str, expected: str) -> None:
    assert luhn_check_digit(payload) == expected
    assert is_valid_luhn(payload + expected)


@pytest.mark.parametrize("payload", ["", "79927a", "７９９"])
def test_when_payload_not_ascii_digits_then_luhn_raises(payload: str) -> None:
    with pytest.raises(ValueError):
        luhn_check_digit(payload)


@pytest.mark.parametrize("value", ["79927398710", "79927398713 ", "7", "", "7992739871X"])
def test_when_luhn_input_wrong_then_invalid(value: str) -> None:
    assert not is_valid_luhn(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6217000000000000004", True),
        ("4111111111111111", True),  # 16-digit Visa test number
        ("5555555555554444", True),  # 16-digit Mastercard test number
        ("6217000000000000000", False),  # Luhn fails
        ("3530111333300000", False),  # JCB prefix is not accepted
        ("411111111111111", False),  # 15 digits
        ("41111111111111111113", False),  # 20 digits
        ("6217 0000 0000 0000 007", False),
    ],
)
def test_when_card_checked_then_prefix_length_and_luhn_decide(value: str, expected: bool) -> None:
    assert is_valid_bank_card(value) is expected


def test_when_any_digit_is_substituted_then_invalid() -> None:
    accepted = [v for v in single_substitutions("6217000000000000004", "0123456789") if is_valid_bank_card(v)]
    assert accepted == []


@pytest.mark.parametrize("length", [16, 19])
def test_when_generated_then_every_card_validates_and_is_unique(rng: np.random.Generator, length: int) -> None:
    cards = bank_cards(rng, DRAWS, length=length)
    assert cards.dtype == np.dtype(f"<U{length}")
    assert all(is_valid_bank_card(c) and len(c) == length for c in cards.tolist())
    assert np.unique(cards).size == DRAWS
    assert {c[:6] for c in cards.tolist()} == {"621700", "622200", "622800"}


def test_when_bins_given_then_cards_use_only_those_bins(rng: np.random.Generator) -> None:
    cards = bank_cards(rng, 500, bins=("62", "45"), length=16)
    assert {c[:2] for c in cards.tolist()} == {"62", "45"}
    assert all(is_valid_bank_card(c) for c in cards.tolist())


@pytest.mark.parametrize(
    ("bins", "length"),
    [
        (("621700",), 15),
        (("621700",), 20),
        ((), 19),
        (("351200",), 19),  # not a 62/4/5 prefix
        (("6217", "621700"), 19),  # one BIN is a prefix of the other
        (("621700", "621700"), 19),
        (("62170a",), 19),
    ],
)
def test_when_generator_input_invalid_then_value_error(
    rng: np.random.Generator, bins: tuple[str, ...], length: int
) -> None:
    with pytest.raises(ValueError):
        bank_cards(rng, 10, bins=bins, length=length)
