"""Where the airlock keeps its files under the platform home."""

from __future__ import annotations

from pathlib import Path

from sandbox.settings import Settings


def exports_root(settings: Settings) -> Path:
    return settings.home / "exports"


def revocations_path(settings: Settings) -> Path:
    """The published, signed revocation list (`sandbox bundle verify` reads it by default)."""
    return exports_root(settings) / "revocations.json"
