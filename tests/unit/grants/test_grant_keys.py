"""The bureau signing key: created private and once, loaded only when safe, named by its thumbprint."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sandbox.errors import ConfigError
from sandbox.grants.keys import create_signing_key, key_id, load_public_key, load_signing_key


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    keys = tmp_path / "home" / "keys"
    return keys / "bureau_ed25519.pem", keys / "bureau_ed25519.pub.pem"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, so only our explicit modes can explain private files."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def refused(code: str, path: Path, passphrase: bytes | None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_signing_key(path, passphrase)
    assert caught.value.code == code
    return caught.value


def test_kid_is_the_rfc_7638_thumbprint_of_rfc_8037_example_key() -> None:
    # RFC 8037 appendix A.2 (public key) and A.3 (its JWK thumbprint).
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "="))
    assert key_id(public) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_when_created_then_key_is_0600_in_a_0700_dir_even_with_open_umask(
    paths: tuple[Path, Path], open_umask: None
) -> None:
    private, public = paths
    info = create_signing_key(private, public, None)
    assert info.created
    assert mode(private) == 0o600
    assert mode(private.parent) == 0o700
    assert sorted(p.name for p in private.parent.iterdir()) == [private.name, public.name]  # no temp files
    assert b"BEGIN PRIVATE KEY" in private.read_bytes()  # PKCS8


def test_when_created_then_public_key_matches_and_kid_names_it(paths: tuple[Path, Path]) -> None:
    private, public = paths
    info = create_signing_key(private, public, None)
    loaded = load_signing_key(private, None)
    assert key_id(load_public_key(public)) == info.kid == key_id(loaded.public_key())
    assert load_public_key(public).verify(loaded.sign(b"m"), b"m") is None


def test_when_created_twice_then_the_first_key_is_kept(paths: tuple[Path, Path]) -> None:
    private, public = paths
    first = create_signing_key(private, public, None)
    before = private.read_bytes()
    second = create_signing_key(private, public, None)
    assert not second.created
    assert second.kid == first.kid
    assert private.read_bytes() == before


def test_when_public_key_was_lost_then_it_is_rewritten_from_the_private_key(paths: tuple[Path, Path]) -> None:
    private, public = paths
    info = create_signing_key(private, public, None)
    public.unlink()
    create_signing_key(private, public, None)
    assert key_id(load_public_key(public)) == info.kid


def test_when_passphrase_given_then_key_is_encrypted_and_needs_it(paths: tuple[Path, Path]) -> None:
    private, public = paths
    create_signing_key(private, public, b"correct horse")
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in private.read_bytes()
    assert load_signing_key(private, b"correct horse") is not None
    error = refused("key.passphrase_required", private, None)
    assert "SANDBOX_KEY_PASSPHRASE" in error.message and "SANDBOX_KEY_PASSPHRASE" in error.message_zh


def test_when_passphrase_is_wrong_then_refused_clearly(paths: tuple[Path, Path]) -> None:
    private, public = paths
    create_signing_key(private, public, b"correct horse")
    error = refused("key.passphrase_wrong", private, b"battery staple")
    assert "battery" not in error.message  # the passphrase itself is never echoed


def test_when_encrypted_key_is_recreated_without_passphrase_then_refused_not_replaced(
    paths: tuple[Path, Path],
) -> None:
    private, public = paths
    create_signing_key(private, public, b"pw")
    before = private.read_bytes()
    with pytest.raises(ConfigError) as caught:
        create_signing_key(private, public, None)
    assert caught.value.code == "key.passphrase_required"
    assert private.read_bytes() == before


def test_when_passphrase_is_set_for_a_plain_key_then_refused(paths: tuple[Path, Path]) -> None:
    private, public = paths
    create_signing_key(private, public, None)
    refused("key.passphrase_unexpected", private, b"pw")


def test_when_key_is_missing_then_told_to_run_init(paths: tuple[Path, Path]) -> None:
    error = refused("key.missing", paths[0], None)
    assert "sandbox init" in error.message and "sandbox init" in error.message_zh


@pytest.mark.parametrize("loose", [0o640, 0o604, 0o644, 0o660])
def test_when_key_is_readable_by_group_or_other_then_refused(paths: tuple[Path, Path], loose: int) -> None:
    private, public = paths
    create_signing_key(private, public, None)
    private.chmod(loose)
    refused("key.permissions", private, None)


def test_when_key_file_is_not_an_ed25519_pem_then_invalid(paths: tuple[Path, Path]) -> None:
    private, public = paths
    create_signing_key(private, public, None)
    private.write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    refused("key.invalid", private, None)
    rsa_pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    private.write_bytes(rsa_pem)
    refused("key.invalid", private, None)


def test_when_public_key_is_missing_then_told_to_run_init(paths: tuple[Path, Path]) -> None:
    with pytest.raises(ConfigError) as caught:
        load_public_key(paths[1])
    assert caught.value.code == "key.missing"
