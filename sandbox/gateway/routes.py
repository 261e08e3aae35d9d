"""The /v1 routes: read the request, call the query service in a worker thread, format the answer."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sandbox.gateway import formats
from sandbox.gateway.models import ERRORS, QueryRequest, QueryResponse
from sandbox.queries import QueryService
from sandbox.queries.errors import bad_body, body_too_large

router = APIRouter(prefix="/v1")
bearer = HTTPBearer(auto_error=False, description="A grant token issued by `sandbox grant issue`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

_QUERY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": QueryRequest.model_json_schema()}},
    }
}
_QUERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "model": QueryResponse,
        "content": {formats.ARROW_STREAM: {}},
        "description": "The result as JSON, or as an Arrow IPC stream when asked for in Accept.",
    },
    422: ERRORS[400] | {"description": "Uniform runtime failure (query.failed)"},
    504: ERRORS[400] | {"description": "Statement timeout (query.timeout)"},
}


def _service(request: Request) -> QueryService:
    service: QueryService = request.app.state.query_service
    return service


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials else None


def _ids(request: Request) -> dict[str, str]:
    return {"X-Request-Id": request.state.correlation_id}


async def _read_sql(request: Request, limit: int) -> str:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise body_too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise body_too_large(limit)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise bad_body() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("sql"), str):
        raise bad_body()
    return str(payload["sql"])


@router.post("/query", openapi_extra=_QUERY_BODY, responses=_QUERY_RESPONSES, response_class=Response)
async def query(request: Request, credentials: Credentials) -> Response:
    """Run one SELECT under the grant's policy; the answer is audited before it is sent."""
    started = time.perf_counter()
    service = _service(request)
    token = _token(credentials)
    cid = request.state.correlation_id
    try:
        sql = await _read_sql(request, request.app.state.max_body_bytes)
    except Exception as error:
        await run_in_threadpool(service.refuse, "query", token, error, correlation_id=cid)
        raise
    result = await run_in_threadpool(service.query, token, sql, correlation_id=cid)
    return formats.result_response(result, request.headers.get("accept"), _ids(request), started)


@router.get("/catalog", responses=ERRORS)
async def catalog(request: Request, credentials: Credentials) -> Response:
    """The granted datasets, their columns (Chinese names, role, handling) and the policy that applies."""
    answer = await run_in_threadpool(
        _service(request).catalog_for, _token(credentials), correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))


@router.get("/whoami", responses=ERRORS)
async def whoami(request: Request, credentials: Credentials) -> Response:
    """Who the token speaks for: user, enterprise, scenario, grant id, datasets, ε, expiry."""
    answer = await run_in_threadpool(
        _service(request).whoami, _token(credentials), correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))


@router.get("/budget", responses=ERRORS)
async def budget(request: Request, credentials: Credentials) -> Response:
    """The ε budget per granted dataset: allocated, spent, remaining."""
    answer = await run_in_threadpool(
        _service(request).budget, _token(credentials), correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))
