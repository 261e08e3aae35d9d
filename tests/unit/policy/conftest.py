"""Fixtures for the policy pipeline tests (see policy_support for the golden-file format)."""

from __future__ import annotations

import pytest
from policy_support import catalog

from sandbox.catalog.model import Catalog


@pytest.fixture(scope="session")
def policies() -> Catalog:
    loaded: Catalog = catalog()
    return loaded
