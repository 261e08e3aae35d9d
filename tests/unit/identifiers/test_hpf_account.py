"""Synthetic 公积金 account numbers (5226 + 8 digits): validator and generator."""

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_hpf_account
from sandbox.identifiers.generate import hpf_account_nos

from ._support import DRAWS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("522600012345", True),
        ("522700012345", False),
        ("52260001234", False),
        ("5226000123456", False),
        ("52260001234X", False),
    ],
)
def test_when_account_checked_then_only_5226_plus_8_digits_passes(value: str, expected: bool) -> None:
    assert is_valid_hpf_account(value) is expected


def test_when_generated_then_valid_and_unique(rng: np.random.Generator) -> None:
    values = hpf_account_nos(rng, DRAWS)
    assert values.dtype == np.dtype("<U12")
    assert all(is_valid_hpf_account(v) for v in values.tolist())
    assert np.unique(values).size == DRAWS
