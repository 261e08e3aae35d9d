"""The hub's calls to the gateway's /v1/hub routes (authenticated with the hub service secret)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger("sandbox.hub")


class GatewayRefused(Exception):
    """The gateway answered with an error; ``code`` is its stable error code (safe to show)."""

    def __init__(self, status: int, code: str, message: str, message_zh: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.message_zh = message_zh


class HubGateway:
    def __init__(self, url: str, secret: str, *, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._secret = secret
        self._timeout = timeout

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.url, timeout=self._timeout, trust_env=False) as http:
            response = await http.post(path, json=body, headers={"Authorization": f"Bearer {self._secret}"})
        if response.status_code >= 400:
            raise _refusal(response)
        answer: dict[str, Any] = response.json()
        return answer


def _refusal(response: httpx.Response) -> GatewayRefused:
    try:
        error = response.json()["error"]
        return GatewayRefused(response.status_code, error["code"], error["message"], error["message_zh"])
    except (ValueError, KeyError, TypeError):
        code = f"http.{response.status_code}"
        return GatewayRefused(response.status_code, code, f"gateway HTTP {response.status_code}", code)
