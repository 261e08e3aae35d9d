"""The notebook library: SQL in, pandas DataFrame out, through the gateway and its policy.

Self-contained on purpose (httpx, pyarrow, pandas only): the notebook image carries the client,
not the platform.
"""

from __future__ import annotations

import json
import os
from types import TracebackType
from typing import Any

import httpx
import pandas as pd
import pyarrow as pa

from sandbox.client.errors import ClientError, PolicyError

URL_VAR = "SANDBOX_GATEWAY_URL"
TOKEN_VAR = "SANDBOX_TOKEN"
DEFAULT_URL = "http://127.0.0.1:8080"
ARROW_STREAM = "application/vnd.apache.arrow.stream"


class Client:
    """A connection to the gateway under one grant token."""

    def __init__(
        self, url: str, token: str, *, timeout: float = 120.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            trust_env=False,
            transport=transport,
        )

    def sql(self, query: str) -> pd.DataFrame:
        """Run ``query``; the frame's ``.attrs`` hold result_id, rewritten_sql, notices, privacy and columns."""
        response = self._send("POST", "/v1/query", json={"sql": query}, headers={"Accept": ARROW_STREAM})
        if not response.headers.get("content-type", "").startswith(ARROW_STREAM):
            return _frame_from_json(response.json())
        with pa.ipc.open_stream(response.content) as reader:
            table = reader.read_all()
        envelope = json.loads((table.schema.metadata or {}).get(b"sandbox", b"{}"))
        frame: pd.DataFrame = table.replace_schema_metadata(None).to_pandas()
        frame.attrs.update(envelope)
        return frame

    def catalog(self) -> dict[str, Any]:
        """The datasets this grant may query, their columns and the policy that applies to each."""
        return self._get("/v1/catalog")

    def budget(self) -> dict[str, Any]:
        """The privacy budget (ε) per granted dataset."""
        return self._get("/v1/budget")

    def whoami(self) -> dict[str, Any]:
        """The user, enterprise, scenario and grant this token speaks for."""
        return self._get("/v1/whoami")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<sandbox.client.Client {self.url}>"

    def _get(self, path: str) -> dict[str, Any]:
        answer: dict[str, Any] = self._send("GET", path).json()
        return answer

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ClientError(f"cannot reach the gateway at {self.url}: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise _policy_error(response)
        return response


def connect(url: str | None = None, token: str | None = None) -> Client:
    """A client for the gateway; ``url`` and ``token`` default to SANDBOX_GATEWAY_URL and SANDBOX_TOKEN."""
    token = token or os.environ.get(TOKEN_VAR)
    if not token:
        raise ClientError(f"no grant token: pass token=… or set {TOKEN_VAR}")
    return Client(url or os.environ.get(URL_VAR) or DEFAULT_URL, token.strip())


def _policy_error(response: httpx.Response) -> PolicyError:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        error = {"code": f"http.{response.status_code}", "message": f"HTTP {response.status_code}"}
    return PolicyError(response.status_code, error)


def _frame_from_json(payload: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(payload["rows"], columns=[c["name"] for c in payload["columns"]])
    frame.attrs.update({k: v for k, v in payload.items() if k != "rows"})
    return frame
