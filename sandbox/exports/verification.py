"""Offline verification of a release bundle from files: the bundle, the bureau public key, the revocation list."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.errors import ConfigError, UsageError
from sandbox.exports.bundle import BundleReport, verify_bundle
from sandbox.grants.keys import load_public_key

MAX_BUNDLE_BYTES = 1024 * 1024 * 1024


def verify_bundle_file(bundle: Path, public_key: Path, revocations: Path | None) -> BundleReport:
    """The report for ``bundle``; ``revocations`` None skips the revocation check (the caller says so)."""
    if not bundle.is_file():
        raise UsageError(f"No bundle file at {bundle}.", f"{bundle} 处没有发布包文件。", code="bundle.missing")
    if bundle.stat().st_size > MAX_BUNDLE_BYTES:
        raise UsageError("The bundle is larger than 1 GiB.", "发布包大于 1 GiB。", code="bundle.too_large")
    key = load_public_key(public_key)
    listing = None
    if revocations is not None:
        try:
            listing = json.loads(revocations.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ConfigError(
                f"The revocation list {revocations} cannot be read as JSON.",
                f"撤销列表 {revocations} 无法读取为 JSON。",
                code="bundle.revocations_unreadable",
            ) from None
        if not isinstance(listing, dict):
            listing = {}
    return verify_bundle(bundle.read_bytes(), key, listing)
