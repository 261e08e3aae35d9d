"""The notebook library: SQL in, pandas DataFrame out, through the gateway and its policy.

Self-contained on purpose (httpx, pyarrow, pandas only): the notebook image carries the client,
not the platform.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pandas as pd
import pyarrow as pa

from sandbox.client import exports
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

    def sql(
        self,
        query: str,
        *,
        epsilon: float | None = None,
        dry_run: bool = False,
        max_groups_per_unit: int | None = None,
        max_rows_per_unit: int | None = None,
        mechanism: str | None = None,
    ) -> pd.DataFrame:
        """Run ``query``; the frame's ``.attrs`` hold result_id, rewritten_sql, notices, privacy and columns.

        On dp tables, and on aggregate tables when ``epsilon`` is given (DP on request, never weaker than the
        k threshold): ``epsilon`` is the ε to spend (default from ``budget()["per_query"]``), ``dry_run``
        reports the cost in ``.attrs["privacy"]`` without charging, the contribution bounds trade noise for
        rows kept, ``mechanism="gaussian"`` asks for Gaussian noise (it spends δ as well), and each aggregate
        column ``x`` comes with ``x_ci95``, its 95 % error bound.
        """
        body: dict[str, Any] = {"sql": query}
        options = {
            "epsilon": epsilon,
            "max_groups_per_unit": max_groups_per_unit,
            "max_rows_per_unit": max_rows_per_unit,
            "mechanism": mechanism,
        }
        body |= {k: v for k, v in options.items() if v is not None}
        if dry_run:
            body["dry_run"] = True
        response = self._send("POST", "/v1/query", json=body, headers={"Accept": ARROW_STREAM})
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
        """The privacy budget per granted dataset: ε (and δ) allocated, spent and remaining, from the ledger."""
        return self._get("/v1/budget")

    def train(
        self,
        query: str,
        estimator: str,
        features: Sequence[str],
        *,
        label: str | None = None,
        classes: Sequence[str | int] | None = None,
        params: dict[str, int | float] | None = None,
        epsilon: float | None = None,
    ) -> dict[str, Any]:
        """Fit a differentially private model (LinearRegression, GaussianNB, KMeans, RandomForestClassifier) on
        ``query`` over dp tables; returns its parameters and the ε spent. The rows never leave the gateway."""
        body: dict[str, Any] = {"sql": query, "estimator": estimator, "features": list(features)}
        optional = {"label": label, "classes": None if classes is None else list(classes), "params": params}
        body |= {k: v for k, v in optional.items() if v is not None}
        if epsilon is not None:
            body["epsilon"] = epsilon
        answer: dict[str, Any] = self._send("POST", "/v1/train", json=body).json()
        return answer

    def whoami(self) -> dict[str, Any]:
        """The user, enterprise, scenario and grant this token speaks for."""
        return self._get("/v1/whoami")

    def request_export(
        self, files: Sequence[Any], *, purpose: str, context: str, source: Iterable[Any] = ()
    ) -> dict[str, Any]:
        """Ask the airlock to export ``files`` (paths or (name, bytes)); ``source``: the frames they came from."""
        return exports.request_export(self, files, purpose=purpose, context=context, source=source)

    def exports(self, state: str | None = None) -> list[dict[str, Any]]:
        """My export requests with their state and findings."""
        return exports.list_exports(self, state)

    def download(self, request_id: str, path: str | os.PathLike[str]) -> Path:
        """Save a released request's signed bundle (verify it with `sandbox bundle verify`)."""
        return exports.download(self, request_id, path)

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
