"""组织机构代码 (GB 11714-1997): check character and validator."""

import pytest

from sandbox.identifiers.checks import is_valid_org_code, org_code_check_char

from ._support import single_substitutions


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("D2143569", "X"),  # GB 11714-1997 example
        ("M000100Y", "4"),  # organisation code inside the GB 32100-2015 sample 91350100M000100Y43
        ("12345678", "8"),
        ("87654321", "0"),  # 11 - (sum mod 11) == 11 maps to 0
        ("MA1FL0LY", "9"),
    ],
)
def test_when_known_body_then_expected_check_char(body: str, expected: str) -> None:
    assert org_code_check_char(body) == expected


@pytest.mark.parametrize("body", ["D214356", "D21435690", "d2143569", "D2143-69", "D214356９"])
def test_when_body_malformed_then_check_char_raises(body: str) -> None:
    with pytest.raises(ValueError):
        org_code_check_char(body)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("D2143569X", True),
        ("M000100Y4", True),
        ("D21435690", False),
        ("D2143569x", False),
        ("D2143569-X", False),  # printed form with hyphen is not the machine form
        ("D2143569", False),
        ("", False),
    ],
)
def test_when_org_code_checked_then_only_correct_machine_form_passes(value: str, expected: bool) -> None:
    assert is_valid_org_code(value) is expected


def test_when_any_digit_is_substituted_then_invalid() -> None:
    # Digit-for-digit changes shift the weighted sum by less than 11, so MOD 11 always catches them.
    accepted = [v for v in single_substitutions("123456788", "0123456789") if is_valid_org_code(v)]
    assert is_valid_org_code("123456788")
    assert accepted == []
