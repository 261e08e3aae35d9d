"""Result formats: JSON per the contract, or an Arrow IPC stream whose schema metadata carries the envelope."""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.responses import Response

from sandbox.queries import QueryResult
from sandbox.queries.results import ipc_bytes

ARROW_STREAM = "application/vnd.apache.arrow.stream"
ENVELOPE_KEY = b"sandbox"  # Arrow schema metadata key holding the JSON envelope (everything but rows)


def wants_arrow(accept: str | None) -> bool:
    return bool(accept) and ARROW_STREAM in str(accept).lower()


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def json_response(payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(payload), media_type="application/json", headers=headers)


def result_response(result: QueryResult, accept: str | None, headers: dict[str, str], started: float) -> Response:
    """``started`` is the route's perf_counter start: Server-Timing tells engine time from gateway time."""
    headers = {**headers, "X-Result-Id": result.result_id}
    if wants_arrow(accept):
        table = result.table.replace_schema_metadata({ENVELOPE_KEY: dumps(result.envelope())})
        body = ipc_bytes(table)
        media_type = ARROW_STREAM
    else:
        body = dumps(result.to_json())
        media_type = "application/json"
    total_ms = (time.perf_counter() - started) * 1000
    headers["Server-Timing"] = f"engine;dur={result.engine_ms:.3f}, total;dur={total_ms:.3f}"
    return Response(body, media_type=media_type, headers=headers)
