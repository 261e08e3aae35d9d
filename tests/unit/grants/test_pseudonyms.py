"""The pseudonym secret and per-grant keys: private on disk, stable, joinable within a grant only."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import threading
from pathlib import Path

import pytest

from sandbox.errors import ConfigError
from sandbox.grants.pseudonyms import (
    SECRET_BYTES,
    derive_hash_key,
    ensure_pseudonym_secret,
    grant_hash_key,
    load_pseudonym_secret,
    pseudonym_secret_path,
)
from sandbox.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", warehouse=str(tmp_path / "w.duckdb"), state_url="sqlite://")


def _pseudonym(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def test_when_ensured_then_the_secret_is_32_private_bytes_in_a_private_directory(settings: Settings) -> None:
    created = ensure_pseudonym_secret(settings)

    path = pseudonym_secret_path(settings)
    assert created is True
    assert path == settings.home / "keys" / "pseudonym.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(path.read_bytes()) == SECRET_BYTES
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_when_ensured_twice_then_the_secret_is_kept(settings: Settings) -> None:
    ensure_pseudonym_secret(settings)
    first = load_pseudonym_secret(settings)

    assert ensure_pseudonym_secret(settings) is False
    assert load_pseudonym_secret(settings) == first


def test_when_many_threads_ensure_at_once_then_exactly_one_secret_is_created(settings: Settings) -> None:
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(ensure_pseudonym_secret(settings))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 1
    assert len(load_pseudonym_secret(settings)) == SECRET_BYTES


def test_when_two_homes_are_initialised_then_their_secrets_differ(tmp_path: Path) -> None:
    a = Settings(home=tmp_path / "a", warehouse="a.duckdb", state_url="sqlite://")
    b = Settings(home=tmp_path / "b", warehouse="b.duckdb", state_url="sqlite://")
    ensure_pseudonym_secret(a)
    ensure_pseudonym_secret(b)

    assert load_pseudonym_secret(a) != load_pseudonym_secret(b)


def test_when_the_secret_is_missing_then_loading_says_to_run_init(settings: Settings) -> None:
    with pytest.raises(ConfigError) as caught:
        grant_hash_key(settings, "jti-1")

    assert caught.value.code == "key.missing"
    assert "sandbox init" in caught.value.message


def test_when_the_secret_is_group_readable_then_it_is_refused(settings: Settings) -> None:
    ensure_pseudonym_secret(settings)
    os.chmod(pseudonym_secret_path(settings), 0o640)

    with pytest.raises(ConfigError) as caught:
        load_pseudonym_secret(settings)

    assert caught.value.code == "key.permissions"


def test_when_the_secret_has_the_wrong_length_then_it_is_refused(settings: Settings) -> None:
    ensure_pseudonym_secret(settings)
    path = pseudonym_secret_path(settings)
    path.write_bytes(b"short")

    with pytest.raises(ConfigError) as caught:
        load_pseudonym_secret(settings)

    assert caught.value.code == "key.invalid"
    assert "short" not in caught.value.message


def test_grant_key_is_hmac_of_the_jti_under_the_secret(settings: Settings) -> None:
    ensure_pseudonym_secret(settings)
    secret = load_pseudonym_secret(settings)

    key = grant_hash_key(settings, "jti-1")

    assert key == hmac.new(secret, b"jti-1", hashlib.sha256).digest()
    assert key == derive_hash_key(secret, "jti-1")
    assert len(key) == 32


def test_pseudonyms_are_joinable_within_a_grant_and_unlinkable_across_grants(settings: Settings) -> None:
    ensure_pseudonym_secret(settings)
    id_numbers = [f"5226011990010{i:04d}X" for i in range(50)]

    grant_a = grant_hash_key(settings, "jti-a")
    again_a = grant_hash_key(settings, "jti-a")
    grant_b = grant_hash_key(settings, "jti-b")
    in_a = {_pseudonym(grant_a, v) for v in id_numbers}

    # The same grant sees the same pseudonym for the same person (joins work) ...
    assert [_pseudonym(grant_a, v) for v in id_numbers] == [_pseudonym(again_a, v) for v in id_numbers]
    # ... and a different grant shares no pseudonym with it, nor do unkeyed hashes.
    assert in_a.isdisjoint({_pseudonym(grant_b, v) for v in id_numbers})
    assert in_a.isdisjoint({hashlib.sha256(v.encode()).hexdigest() for v in id_numbers})


def test_when_the_jti_is_empty_then_no_key_is_derived() -> None:
    with pytest.raises(ValueError):
        derive_hash_key(b"s" * 32, "")
