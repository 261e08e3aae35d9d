"""Export requests from the notebook: ask, list, download (the airlock decides; see docs/exports.md)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sandbox.client.errors import ClientError

if TYPE_CHECKING:
    from sandbox.client.client import Client

FileArg = str | os.PathLike[str] | tuple[str, bytes]


def source_ids(source: Iterable[pd.DataFrame | str]) -> list[str]:
    """Result ids of the query results the files were made from (a DataFrame carries it in ``.attrs``)."""
    ids = []
    for item in source:
        rid = item if isinstance(item, str) else item.attrs.get("result_id")
        if not isinstance(rid, str) or not rid:
            raise ClientError("a source DataFrame has no attrs['result_id']: pass frames returned by db.sql()")
        ids.append(rid)
    return ids


def _read(files: Sequence[FileArg]) -> list[tuple[str, tuple[str, bytes, str]]]:
    parts = []
    for item in files:
        if isinstance(item, tuple):
            name, data = item
        else:
            path = Path(item)
            name, data = path.name, path.read_bytes()
        parts.append(("files", (name, data, "application/octet-stream")))
    return parts


def request_export(
    client: Client,
    files: Sequence[FileArg],
    *,
    purpose: str,
    context: str,
    source: Iterable[pd.DataFrame | str] = (),
) -> dict[str, Any]:
    fields = {"purpose": purpose, "context": context, "source": source_ids(source)}
    response = client._send("POST", "/v1/exports", files=_read(files), data=fields)
    answer: dict[str, Any] = response.json()
    return answer


def resubmit_export(client: Client, request_id: str, files: Sequence[FileArg], *, context: str = "") -> dict[str, Any]:
    data = {"context": context} if context else {}
    answer: dict[str, Any] = client._send(
        "POST", f"/v1/exports/{request_id}/files", files=_read(files), data=data
    ).json()
    return answer


def list_exports(client: Client, state: str | None = None) -> list[dict[str, Any]]:
    params = {"state": state} if state else None
    answer: list[dict[str, Any]] = client._send("GET", "/v1/exports", params=params).json()["exports"]
    return answer


def download(client: Client, request_id: str, path: str | os.PathLike[str]) -> Path:
    """Save the signed bundle of a released request to ``path`` (a folder gets ``<id>.zip`` inside)."""
    response = client._send("GET", f"/v1/exports/{request_id}/bundle")
    target = Path(path)
    if target.is_dir():
        target = target / f"{request_id}.zip"
    target.write_bytes(response.content)
    return target
