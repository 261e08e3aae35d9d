"""Errors the notebook client raises."""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """The client cannot talk to the gateway (no URL or token, network failure, unexpected answer)."""


class PolicyError(ClientError):
    """The gateway refused or failed the request; carries the server's code, messages and location."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        self.status = status
        self.code: str = str(error.get("code") or "unknown")
        self.message: str = str(error.get("message") or "")
        self.message_zh: str = str(error.get("message_zh") or self.message)
        self.rule: str | None = error.get("rule")
        self.dataset: str | None = error.get("dataset")
        self.column: str | None = error.get("column")
        self.line: int | None = error.get("line")
        self.col: int | None = error.get("col")
        super().__init__(f"{self.code}: {self.message}")

    def __str__(self) -> str:
        return f"{self.code}: {self.message}\n{self.message_zh}"
