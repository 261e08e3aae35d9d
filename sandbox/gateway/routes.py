"""The /v1 routes: read the request, call the query service in a worker thread, format the answer."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sandbox.gateway import formats
from sandbox.gateway.models import ERRORS, QueryRequest, QueryResponse, TrainBody, TrainResponse
from sandbox.queries import QueryService
from sandbox.queries.dp_answers import DpOptions, bad_option
from sandbox.queries.errors import bad_body, body_too_large
from sandbox.queries.training import TrainRequest, bad_training

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


async def _read_sql(request: Request, limit: int) -> tuple[str, DpOptions]:
    payload = await _read_json(request, limit)
    if not isinstance(payload.get("sql"), str):
        raise bad_body()
    return str(payload["sql"]), _options(payload)


def _options(payload: dict[str, Any]) -> DpOptions:
    """The optional DP fields; types are checked here, ranges by the service."""
    eps = payload.get("epsilon")
    if eps is not None and (isinstance(eps, bool) or not isinstance(eps, int | float)):
        raise bad_option("epsilon", "a number", "数字")
    dry = payload.get("dry_run", False)
    if not isinstance(dry, bool):
        raise bad_option("dry_run", "true or false", "true 或 false")
    mechanism = payload.get("mechanism")
    if mechanism is not None and not isinstance(mechanism, str):
        raise bad_option("mechanism", '"gaussian" or absent', '"gaussian" 或省略')
    bounds: dict[str, int | None] = {}
    for name in ("max_groups_per_unit", "max_rows_per_unit"):
        value = payload.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise bad_option(name, "an integer", "整数")
        bounds[name] = value
    return DpOptions(None if eps is None else float(eps), dry, mechanism=mechanism, **bounds)


@router.post("/query", openapi_extra=_QUERY_BODY, responses=_QUERY_RESPONSES, response_class=Response)
async def query(request: Request, credentials: Credentials) -> Response:
    """Run one SELECT under the grant's policy; the answer is audited before it is sent."""
    started = time.perf_counter()
    service = _service(request)
    token = _token(credentials)
    cid = request.state.correlation_id
    try:
        sql, options = await _read_sql(request, request.app.state.max_body_bytes)
    except Exception as error:
        await run_in_threadpool(service.refuse, "query", token, error, correlation_id=cid)
        raise
    result = await run_in_threadpool(service.query, token, sql, correlation_id=cid, options=options)
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
    """The ε (and δ) budget per granted dataset, from the ledger: allocated, spent, remaining."""
    answer = await run_in_threadpool(
        _service(request).budget, _token(credentials), correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))


_TRAIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": TrainBody.model_json_schema()}},
    }
}


async def _read_json(request: Request, limit: int) -> dict[str, Any]:
    """A JSON object body of at most ``limit`` bytes, refused early when its declared length is over."""
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
    if not isinstance(payload, dict):
        raise bad_body()
    return payload


def _train_request(payload: dict[str, Any]) -> TrainRequest:
    """Shape checks only (types); the service checks the estimator, parameters and columns."""
    try:
        body = TrainBody.model_validate(payload)
    except ValidationError:
        raise bad_training(
            'The body must be {"sql", "estimator", "features": [...], "label"?, "classes"?, "params"?, "epsilon"?}.',
            '请求体须为 {"sql", "estimator", "features": [...], "label"?, "classes"?, "params"?, "epsilon"?}。',
        ) from None
    classes = None if body.classes is None else tuple(body.classes)
    return TrainRequest(body.sql, body.estimator, tuple(body.features), body.label, classes, body.params, body.epsilon)


@router.post("/train", openapi_extra=_TRAIN_BODY, responses={**ERRORS, 200: {"model": TrainResponse}})
async def train(request: Request, credentials: Credentials) -> Response:
    """Fit an allowlisted diffprivlib model on a query over dp tables; only its parameters come back."""
    service = _service(request)
    token = _token(credentials)
    cid = request.state.correlation_id
    try:
        train_request = _train_request(await _read_json(request, request.app.state.max_body_bytes))
    except Exception as error:
        await run_in_threadpool(service.refuse, "model.train", token, error, correlation_id=cid)
        raise
    answer = await run_in_threadpool(service.train, token, train_request, correlation_id=cid)
    return formats.json_response(answer, _ids(request))
