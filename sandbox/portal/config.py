"""The portal's settings, read once from the environment and the platform home."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sandbox.errors import ConfigError
from sandbox.settings import Settings

HUB_URL_VAR = "SANDBOX_HUB_URL"
PUBLIC_URL_VAR = "SANDBOX_PORTAL_URL"  # how the browser reaches the portal (the OAuth redirect is built on it)
OAUTH_SECRET_VAR = "SANDBOX_PORTAL_OAUTH_SECRET"  # the hub service's api_token, used as client secret
SESSION_KEY_FILE = "portal_session.key"
CLIENT_ID = "service-portal"


@dataclass(frozen=True)
class PortalConfig:
    session_key: bytes
    hub_url: str | None = None
    public_url: str | None = None
    oauth_secret: str | None = None
    session_seconds: int = 8 * 3600
    secure_cookies: bool = False  # set when served over HTTPS (a public URL starting with https://)

    @classmethod
    def load(cls, settings: Settings, env: Mapping[str, str] | None = None) -> PortalConfig:
        env = os.environ if env is None else env
        public = (env.get(PUBLIC_URL_VAR) or "").rstrip("/") or None
        return cls(
            session_key=session_key(settings.keys_dir / SESSION_KEY_FILE),
            hub_url=(env.get(HUB_URL_VAR) or "").rstrip("/") or None,
            public_url=public,
            oauth_secret=env.get(OAUTH_SECRET_VAR) or None,
            secure_cookies=bool(public and public.startswith("https://")),
        )


def session_key(path: Path) -> bytes:
    """The HMAC key signing session cookies: created once (0600) in the home, read afterwards."""
    try:
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
        key = bytes.fromhex(path.read_text().strip())
    except FileExistsError:  # another worker created it between the check and the open
        key = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        raise ConfigError(
            f"The portal session key {path} cannot be created or read: check SANDBOX_HOME.",
            f"门户会话密钥 {path} 无法创建或读取：请检查 SANDBOX_HOME。",
            code="config.portal_key",
        ) from None
    if len(key) < 32:
        raise ConfigError(
            f"The portal session key {path} is too short; delete it to have a new one made.",
            f"门户会话密钥 {path} 过短；删除后会重新生成。",
            code="config.portal_key",
        )
    return key
