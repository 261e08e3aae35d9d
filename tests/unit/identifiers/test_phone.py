"""Mobile and 0855 landline numbers: validators and generators."""

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_landline, is_valid_mobile
from sandbox.identifiers.generate import MOBILE_PREFIXES, landlines, mobiles

from ._support import DRAWS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", True),
        ("19212345678", True),
        ("12812345678", False),  # second digit 2 is not a mobile segment
        ("1381234567", False),
        ("138123456789", False),
        ("+8613812345678", False),
        ("138-1234-5678", False),
        ("１3812345678", False),
    ],
)
def test_when_mobile_checked_then_only_11_digit_1_3to9_passes(value: str, expected: bool) -> None:
    assert is_valid_mobile(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0855-8221234", True),
        ("08558221234", True),
        ("0855-0221234", False),  # local number starting with 0
        ("0855-1221234", False),  # local number starting with 1
        ("0855-822123", False),
        ("0855-82212345", False),
        ("0851-8221234", False),  # 贵阳, not 黔东南
        ("0855 8221234", False),
    ],
)
def test_when_landline_checked_then_only_0855_with_7_digits_passes(value: str, expected: bool) -> None:
    assert is_valid_landline(value) is expected


def test_when_mobiles_generated_then_valid_unique_and_from_rare_segments(rng: np.random.Generator) -> None:
    numbers = mobiles(rng, DRAWS)
    assert numbers.dtype == np.dtype("<U11")
    assert all(is_valid_mobile(v) for v in numbers.tolist())
    assert np.unique(numbers).size == DRAWS
    assert {v[:3] for v in numbers.tolist()} == set(MOBILE_PREFIXES)


def test_when_landlines_generated_then_valid_unique_and_hyphenated(rng: np.random.Generator) -> None:
    numbers = landlines(rng, DRAWS)
    assert numbers.dtype == np.dtype("<U12")
    assert all(is_valid_landline(v) and v.startswith("0855-") for v in numbers.tolist())
    assert np.unique(numbers).size == DRAWS


def test_when_count_is_zero_then_empty_array(rng: np.random.Generator) -> None:
    assert mobiles(rng, 0).shape == (0,)


def test_when_count_negative_then_value_error(rng: np.random.Generator) -> None:
    with pytest.raises(ValueError):
        landlines(rng, -1)
