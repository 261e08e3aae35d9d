"""Fixtures for the identifier tests."""

import numpy as np
import pytest

from ._support import SEED


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed, so every test sees the same draws."""
    return np.random.default_rng(SEED)
