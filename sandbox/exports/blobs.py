"""Frozen export files on disk: ``<root>/<request id>/<sha256>``, written temp + fsync + rename.

A blob's name is its SHA-256, so reading it back re-hashes and refuses bytes that changed on disk.
The service writes blobs before the database row commits and removes a new request's folder on any
failure, so nothing is stored half-way.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from sandbox.errors import SandboxError

_ID_RE = re.compile(r"^x-[0-9a-f]{32}$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, request_id: str) -> Path:
        if not _ID_RE.match(request_id):
            raise ValueError("not an export request id")
        return self.root / request_id

    def put(self, request_id: str, data: bytes) -> str:
        """Store ``data`` durably under its SHA-256 (idempotent) and return the digest."""
        digest = hashlib.sha256(data).hexdigest()
        folder = self.folder(request_id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_durably(folder / digest, data)
        return digest

    def get(self, request_id: str, digest: str) -> bytes:
        if not _SHA_RE.match(digest):
            raise ValueError("not a SHA-256 digest")
        data = (self.folder(request_id) / digest).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise SandboxError(
                "A frozen export file changed on disk since submission; the operators were told.",
                "已冻结的导出文件在提交后被改动；已通知运维人员。",
                code="export.storage_tampered",
            )
        return data

    def discard(self, request_id: str) -> None:
        shutil.rmtree(self.folder(request_id), ignore_errors=True)


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync it and the folder, then rename."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
