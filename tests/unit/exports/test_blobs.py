"""Frozen files: stored under their SHA-256, re-hashed on every read; a request folder goes away whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sandbox.errors import SandboxError
from sandbox.exports.blobs import BlobStore

RID = "x-" + "c" * 32


def test_a_blob_is_named_by_its_hash_and_reads_back(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(RID, b"county_code,n\n522601,30\n")
    assert digest == hashlib.sha256(b"county_code,n\n522601,30\n").hexdigest()
    assert store.get(RID, digest) == b"county_code,n\n522601,30\n"
    assert [p.name for p in (tmp_path / RID).iterdir()] == [digest]  # no temp file left behind


def test_when_a_frozen_file_changes_on_disk_then_reading_it_fails(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(RID, b"n\n30\n")
    (tmp_path / RID / digest).write_bytes(b"n\n3\n")
    with pytest.raises(SandboxError) as caught:
        store.get(RID, digest)
    assert caught.value.code == "export.storage_tampered"


@pytest.mark.parametrize("bad", ["../etc", "x-../../a", "", "x-" + "g" * 32])
def test_request_ids_and_digests_are_never_paths(tmp_path: Path, bad: str) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(ValueError):
        store.put(bad, b"a")
    with pytest.raises(ValueError):
        store.get(RID, "../" + bad)


def test_discard_removes_the_whole_request_folder(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    store.put(RID, b"a")
    store.put(RID, b"b")
    store.discard(RID)
    assert not (tmp_path / RID).exists()
