"""贵H vehicle plates (GA 36-2018), stored without the middle dot: validator and generator."""

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_plate
from sandbox.identifiers.generate import plates

from ._support import DRAWS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("贵H12345", True),
        ("贵HA1234", True),
        ("贵HAB123", True),
        ("贵HD12345", True),  # new-energy, small car
        ("贵HFA1234", True),  # new-energy, letter in second position
        ("贵H·D12345", False),  # middle dot is not stored
        ("贵HI1234", False),  # I is never used
        ("贵HO1234", False),  # O is never used
        ("贵Ha1234", False),
        ("贵H1234", False),
        ("贵HD1234A", False),  # new-energy tail must be digits
        ("贵HA123456", False),  # 6 characters but not new-energy
        ("贵A12345", False),  # 贵阳, not 黔东南
        ("黔H12345", False),
    ],
)
def test_when_plate_checked_then_only_guih_formats_pass(value: str, expected: bool) -> None:
    assert is_valid_plate(value) is expected


@pytest.mark.parametrize("share", [0.0, 0.25, 1.0])
def test_when_generated_then_valid_unique_and_new_energy_share_exact(rng: np.random.Generator, share: float) -> None:
    values = plates(rng, DRAWS, new_energy_share=share).tolist()
    assert all(is_valid_plate(v) for v in values)
    assert len(set(values)) == DRAWS
    assert sum(len(v) == 8 for v in values) == round(DRAWS * share)
    assert all(v[2] in "DF" for v in values if len(v) == 8)


@pytest.mark.parametrize("share", [-0.1, 1.1])
def test_when_share_out_of_range_then_value_error(rng: np.random.Generator, share: float) -> None:
    with pytest.raises(ValueError):
        plates(rng, 10, new_energy_share=share)
