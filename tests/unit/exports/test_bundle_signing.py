"""Release bundles: a signed manifest covering every file; any tampering or a revocation fails verification."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.exports.bundle import MANIFEST, SIGNATURE, build_bundle, revocation_list, verify_bundle

FILES = [("by_county.csv", b"county_code,n\n522601,31\n522622,44\n"), ("notes.md", "# 说明\n汇总表".encode())]


def manifest(request_id: str = "x-" + "a" * 32) -> dict[str, Any]:
    files = [{"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in FILES]
    return {"request": {"id": request_id}, "enterprise": "ent-a", "files": files}


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The bundle with members replaced (bytes), removed (None) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in change:
                dst.writestr(info.filename, src.read(info))
        for name, content in change.items():
            if content is not None:
                dst.writestr(name, content)
    return out.getvalue()


def test_a_fresh_bundle_verifies_and_is_reproducible(key: Ed25519PrivateKey) -> None:
    data = build_bundle(manifest(), FILES, key)
    report = verify_bundle(data, key.public_key())
    assert report.ok, report.problems
    assert report.manifest is not None and report.manifest["enterprise"] == "ent-a"
    assert build_bundle(manifest(), FILES, key) == data


def test_when_the_manifest_does_not_list_the_files_then_no_bundle_is_built(key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError, match="manifest"):
        build_bundle(manifest(), [*FILES, ("extra.csv", b"a\n1\n")], key)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"files/by_county.csv": b"county_code,n\n522601,3\n522622,44\n"}, "bundle.hash_mismatch"),
        ({"files/by_county.csv": None}, "bundle.missing_file"),
        ({"files/smuggled.csv": b"id_no\n522601199001011234\n"}, "bundle.extra_file"),
        ({MANIFEST: b'{"files":[],"request":{"id":"x"}}'}, "bundle.bad_signature"),
        ({SIGNATURE: b"AAAA"}, "bundle.bad_signature"),
        ({SIGNATURE: None}, "bundle.incomplete"),
    ],
)
def test_when_a_bundle_is_tampered_with_then_verification_fails(
    key: Ed25519PrivateKey, change: dict[str, bytes | None], code: str
) -> None:
    report = verify_bundle(rezip(build_bundle(manifest(), FILES, key), change), key.public_key())
    assert not report.ok
    assert code in {p.code for p in report.problems}


def test_when_signed_by_another_key_then_verification_fails(key: Ed25519PrivateKey) -> None:
    data = build_bundle(manifest(), FILES, Ed25519PrivateKey.generate())
    assert [p.code for p in verify_bundle(data, key.public_key()).problems] == ["bundle.bad_signature"]


def test_when_not_a_zip_then_verification_fails_cleanly(key: Ed25519PrivateKey) -> None:
    assert [p.code for p in verify_bundle(b"not a zip", key.public_key()).problems] == ["bundle.corrupt"]


def test_a_revoked_release_fails_and_a_forged_revocation_list_is_not_trusted(key: Ed25519PrivateKey) -> None:
    rid = "x-" + "b" * 32
    data = build_bundle(manifest(rid), FILES, key)
    entry = {"request_id": rid, "revoked_at": "2026-11-25T10:00:00.000000Z", "reason": "breach"}
    listed = revocation_list([entry], "2026-11-25T10:00:00.000000Z", key)
    assert [p.code for p in verify_bundle(data, key.public_key(), listed).problems] == ["bundle.revoked"]

    empty = revocation_list([], "2026-11-25T10:00:00.000000Z", key)
    clean = verify_bundle(data, key.public_key(), empty)
    assert clean.ok and clean.revocation_checked

    forged = json.loads(json.dumps(listed))
    forged["revocations"]["entries"] = []  # an attacker drops the entry: the signature no longer holds
    assert [p.code for p in verify_bundle(data, key.public_key(), forged).problems] == ["bundle.revocations_unsigned"]
