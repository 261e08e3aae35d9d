"""Fixtures for the audit tests: a signing key and SQLite logs in tmp_path (closed afterwards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import SequencedLog, SequencerSettings, open_log


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def make_log(tmp_path: Path, signing_key: Ed25519PrivateKey) -> Iterator[Callable[..., SequencedLog]]:
    opened: list[SequencedLog] = []

    def make(name: str = "audit.db", **kwargs: Any) -> SequencedLog:
        kwargs.setdefault("settings", SequencerSettings(checkpoint_every=10, checkpoint_interval_s=60))
        log = open_log(tmp_path / name, kwargs.pop("key", signing_key), **kwargs)
        opened.append(log)
        return log

    yield make
    for log in opened:
        log.close()
