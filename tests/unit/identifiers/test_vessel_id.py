"""Inland vessel identification numbers (CN + 11 digits): validator and generator."""

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_vessel_id
from sandbox.identifiers.generate import VESSEL_FIRST_YEAR, VESSEL_LAST_YEAR, vessel_ids

from ._support import DRAWS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CN20081234567", True),
        ("cn20081234567", False),
        ("CN2008123456", False),
        ("CN200812345678", False),
        ("CN2008123456A", False),
        ("CH20081234567", False),
    ],
)
def test_when_vessel_id_checked_then_only_cn_plus_11_digits_passes(value: str, expected: bool) -> None:
    assert is_valid_vessel_id(value) is expected


def test_when_generated_then_valid_unique_with_plausible_keel_year(rng: np.random.Generator) -> None:
    values = vessel_ids(rng, DRAWS).tolist()
    assert all(is_valid_vessel_id(v) for v in values)
    assert len(set(values)) == DRAWS
    assert all(VESSEL_FIRST_YEAR <= int(v[2:6]) <= VESSEL_LAST_YEAR for v in values)
