"""Domain errors: a stable code and a safe, bilingual message.

Messages are shown to people (CLI, HTTP); they name the rule, file or column involved and never carry
data values or stack traces. Adapters translate these errors in exactly one place each.
"""

from __future__ import annotations


class SandboxError(Exception):
    """Base of every error the platform reports to a user.

    ``code`` is stable (programs match on it); ``message`` is English, ``message_zh`` Chinese.
    """

    code = "sandbox.error"
    exit_code = 1

    def __init__(self, message: str, message_zh: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message
        if code is not None:
            self.code = code


class UsageError(SandboxError):
    """The command or request itself is wrong (bad option value, missing argument)."""

    code = "usage.invalid"
    exit_code = 2


class ConfigError(SandboxError):
    """The environment or the platform home is not usable."""

    code = "config.invalid"


class CatalogError(SandboxError):
    """The catalogue in policies/ is malformed or does not match the warehouse."""

    code = "catalog.invalid"


class WarehouseError(SandboxError):
    """The warehouse cannot be built, reached or loaded."""

    code = "warehouse.error"


class GrantError(SandboxError):
    """An authorization or login token is invalid, expired, revoked or unknown."""

    code = "grant.invalid"
