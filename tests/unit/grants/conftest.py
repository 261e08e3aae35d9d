"""Fixtures for the grants tests: a fixed clock, keys, a migrated SQLite register and the service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.grants.service import GrantService
from sandbox.state.grant_store import SqlGrantStore
from sandbox.state.migrate import migrate

NOW = 1_800_000_000  # 2027-01-15, a fixed instant so time rules are exact

_KNOWN_DATASETS = {
    "common.dim_region": "common",
    "common.dim_date": "common",
    "tourism.lodging_checkin": "tourism",
    "tourism.tour_ticket_entry": "tourism",
    "transit.bus_card_tap": "transit",
    "housing_fund.hpf_account": "housing_fund",
}


@dataclass
class Clock:
    now: float

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def now() -> int:
    return NOW


@pytest.fixture
def known_datasets() -> dict[str, str]:
    """Catalogue stand-in: dataset -> scenario (``common`` for shared dimensions)."""
    return dict(_KNOWN_DATASETS)


@pytest.fixture
def clock() -> Clock:
    return Clock(float(NOW))


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    migrate(url)
    return url


@pytest.fixture
def store(state_url: str) -> Iterator[SqlGrantStore]:
    grant_store = SqlGrantStore.from_url(state_url)
    yield grant_store
    grant_store.close()


@pytest.fixture
def service(store: SqlGrantStore, signing_key: Ed25519PrivateKey, clock: Clock) -> GrantService:
    return GrantService(store=store, signing_key=signing_key, clock=clock)
