"""The secret the hub presents to the gateway's /v1/hub routes (login checks, session tokens).

Kept in ``$SANDBOX_HOME/keys/hub_service.token`` (mode 0600, created by ``sandbox up``), or given as
``SANDBOX_HUB_SECRET`` where hub and gateway run in separate containers.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from sandbox.grants.keys import ensure_private_dir, read_private_file, write_new_private
from sandbox.settings import Settings

HUB_SECRET_VAR = "SANDBOX_HUB_SECRET"
MIN_SECRET_CHARS = 32


def hub_secret_path(settings: Settings) -> Path:
    return settings.keys_dir / "hub_service.token"


def ensure_hub_secret(settings: Settings) -> bool:
    """Create the secret file unless it exists; return whether it was created."""
    path = hub_secret_path(settings)
    ensure_private_dir(path.parent)
    return False if path.exists() else write_new_private(path, secrets.token_urlsafe(32).encode())


def load_hub_secret(settings: Settings) -> str | None:
    """The secret, or None when none is configured (the hub routes then refuse everyone)."""
    given = os.environ.get(HUB_SECRET_VAR)
    if given:
        return given if len(given) >= MIN_SECRET_CHARS else None
    if not hub_secret_path(settings).exists():
        return None
    value = read_private_file(hub_secret_path(settings), "hub service secret", "Hub 服务密钥").decode().strip()
    return value if len(value) >= MIN_SECRET_CHARS else None


def hub_secret_matches(presented: str | None, expected: str | None) -> bool:
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())


def ensure_portal_oauth_secret(settings: Settings) -> str:
    """The portal's OAuth client secret with the hub (``SANDBOX_PORTAL_OAUTH_SECRET``), made once."""
    path = settings.keys_dir / "portal_oauth.secret"
    ensure_private_dir(path.parent)
    if not path.exists():
        write_new_private(path, secrets.token_urlsafe(32).encode())
    return read_private_file(path, "portal OAuth secret", "门户 OAuth 密钥").decode().strip()
