"""The platform home ($SANDBOX_HOME): creating it and telling what it holds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sandbox.errors import ConfigError
from sandbox.settings import Settings


@dataclass(frozen=True)
class HomeReport:
    home: Path
    created: bool


def ensure_home(settings: Settings) -> HomeReport:
    """Create the home (mode 0700) if needed and prove it is writable."""
    home = settings.home
    existed = home.is_dir()
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = home / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            f"The platform home {home} cannot be created or written ({reason}): set SANDBOX_HOME to a writable folder.",
            f"平台目录 {home} 无法创建或写入（{reason}）：请把 SANDBOX_HOME 设为可写的目录。",
            code="config.home_unwritable",
        ) from None
    os.chmod(home, 0o700)
    return HomeReport(home=home, created=not existed)
