"""The bureau's signer for releases: builds the manifest of a request and publishes the revocation list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.exports import bundle as bundles
from sandbox.exports.blobs import write_durably
from sandbox.exports.model import ExportRequest
from sandbox.exports.views import ts
from sandbox.grants.keys import key_id


def manifest(
    request: ExportRequest, files: Sequence[tuple[str, bytes]], released_at: datetime, kid: str
) -> dict[str, Any]:
    import hashlib

    return {
        "request": {"id": request.id, "purpose": request.purpose, "context": request.context, "turn": request.turn},
        "enterprise": request.enterprise,
        "requester": request.requester,
        "grant": request.grant,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files)
        ],
        "source_queries": [
            {k: s.as_dict()[k] for k in ("result_id", "sql", "rewritten_sql", "datasets", "mode", "max_level")}
            for s in request.sources
        ],
        "checks": {
            "policy_version": request.policy_version,
            "run": list(request.checks_run),
            "findings": [f.as_dict() for f in request.findings],
        },
        "reviews": [
            {"reviewer": r.reviewer, "decision": r.decision, "decided_at": ts(r.decided_at)}
            for r in request.current_reviews()
        ],
        "created_at": ts(request.created_at),
        "released_at": ts(released_at),
        "signing_key_id": kid,
    }


class ReleaseSigner:
    def __init__(self, key: Ed25519PrivateKey, revocations_path: Path) -> None:
        self._key = key
        self.kid = key_id(key.public_key())
        self.revocations_path = revocations_path

    def bundle(self, request: ExportRequest, files: Sequence[tuple[str, bytes]], released_at: datetime) -> bytes:
        return bundles.build_bundle(manifest(request, files, released_at, self.kid), files, self._key)

    def revocation_list(self, entries: Sequence[dict[str, Any]], issued_at: str) -> dict[str, Any]:
        return bundles.revocation_list(entries, issued_at, self._key)

    def publish(self, signed: dict[str, Any]) -> None:
        """Write the signed revocation list where `sandbox bundle verify` looks by default."""
        self.revocations_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_durably(self.revocations_path, json.dumps(signed, ensure_ascii=False, indent=1).encode())
