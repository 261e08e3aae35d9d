"""The /v1/exports routes (the airlock): read the request, call the export service in a worker thread, answer.

Domain refusals go through the gateway's one translator; the two outcomes it has no status for here —
an unknown request (404) and an action the state table forbids (409) — are mapped in ``_mapped``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response

from sandbox.errors import SandboxError
from sandbox.exports.errors import ExportNotFound, InvalidTransition, rejected
from sandbox.exports.intake import MAX_FILES, MAX_REQUEST_BYTES
from sandbox.exports.service import ExportService, ReviewInput
from sandbox.gateway import formats
from sandbox.gateway.errors import error_body
from sandbox.gateway.models import ERRORS
from sandbox.queries.errors import RequestRejected

router = APIRouter(prefix="/v1/exports", tags=["exports"])
bearer = HTTPBearer(
    auto_error=False,
    description="The requester's grant token, or a staff login (`sandbox token issue --role reviewer|admin`).",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
ZIP = "application/zip"
_MULTIPART_SLACK = 1024 * 1024  # boundaries, headers and the text fields around the files
_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: ERRORS[400] | {"description": "No such export request visible to the caller (export.not_found)"},
    409: ERRORS[400] | {"description": "The state table does not allow this now (export.invalid_transition)"},
}
P = ParamSpec("P")
_FILES = {"type": "array", "items": {"type": "string", "format": "binary"}}
_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files", "purpose", "context", "source"],
                    "properties": {
                        "files": _FILES,
                        "purpose": {"type": "string", "maxLength": 4000},
                        "context": {"type": "string", "maxLength": 4000},
                        "source": {"type": "array", "items": {"type": "string"}, "description": "result ids"},
                    },
                }
            }
        },
    }
}
_RESUBMIT = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {"files": _FILES, "context": {"type": "string", "maxLength": 4000}},
                }
            }
        },
    }
}


def _mapped(endpoint: Callable[P, Awaitable[Response]]) -> Callable[P, Awaitable[Response]]:
    @functools.wraps(endpoint)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            return await endpoint(*args, **kwargs)
        except (ExportNotFound, InvalidTransition) as error:
            status = 404 if isinstance(error, ExportNotFound) else 409
            request = kwargs["request"]
            assert isinstance(request, Request)
            headers = {"X-Request-Id": request.state.correlation_id}
            return JSONResponse(error_body(error.code, error.message, error.message_zh), status, headers)

    return wrapper


def _service(request: Request) -> ExportService:
    service: ExportService | None = getattr(request.app.state, "export_service", None)
    if service is None:
        raise SandboxError("The export airlock is not configured.", "未配置导出审核。", code="export.not_configured")
    return service


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials else None


def _ids(request: Request) -> dict[str, str]:
    return {"X-Request-Id": request.state.correlation_id}


async def _form(request: Request) -> tuple[list[tuple[str, bytes]], dict[str, list[str]]]:
    """(files, text fields) of a bounded multipart body; the size is refused before it is read."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_REQUEST_BYTES + _MULTIPART_SLACK:
        limit = MAX_REQUEST_BYTES // (1024 * 1024)
        raise RequestRejected(
            f"The upload must declare its length and be at most {limit} MiB.",
            f"上传须声明长度且不超过 {limit} MiB。",
            code="export.too_large",
        )
    try:
        form = await request.form(max_files=MAX_FILES + 1, max_fields=200, max_part_size=64 * 1024)
    except Exception:
        raise rejected(
            "bad_form",
            "The body must be multipart/form-data (files, purpose, context, source).",
            "请求体须为 multipart/form-data。",
        ) from None
    files: list[tuple[str, bytes]] = []
    fields: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            files.append((value.filename or "", await value.read()))
        else:
            fields.setdefault(key, []).append(value)
    await form.close()
    return files, fields


def _field(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def _sources(fields: dict[str, list[str]]) -> list[str]:
    raw = fields.get("source", []) + fields.get("source_result_ids", [])
    return [part.strip() for item in raw for part in item.split(",") if part.strip()]


@router.post("", responses=_RESPONSES, response_class=Response, status_code=201, openapi_extra=_UPLOAD)
@_mapped
async def submit(request: Request, credentials: Credentials) -> Response:
    """Request an export (multipart: ``files`` ×N, ``purpose``, ``context``, ``source`` result ids ×N)."""
    files, fields = await _form(request)
    answer = await run_in_threadpool(
        _service(request).submit,
        _token(credentials),
        files,
        purpose=_field(fields, "purpose"),
        context=_field(fields, "context"),
        source_result_ids=_sources(fields),
        correlation_id=request.state.correlation_id,
    )
    return Response(formats.dumps(answer), 201, _ids(request), media_type="application/json")


@router.get("", responses=_RESPONSES, response_class=Response)
@_mapped
async def listing(
    request: Request,
    credentials: Credentials,
    state: Annotated[str | None, Query(description="A state, e.g. AWAITING_REVIEW (reviewers' default).")] = None,
) -> Response:
    """The requester's own requests, or (reviewers) the requests in ``state``."""
    answer = await run_in_threadpool(
        _service(request).listing, _token(credentials), state, correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))


@router.get("/revocations", response_class=Response)
@_mapped
async def revocations(request: Request) -> Response:
    """The bureau-signed list of revoked releases (public: bundles are verified against it offline)."""
    answer = await run_in_threadpool(_service(request).revocations)
    return formats.json_response(answer, _ids(request))


@router.get("/{request_id}", responses=_RESPONSES, response_class=Response)
@_mapped
async def detail(request: Request, credentials: Credentials, request_id: str) -> Response:
    """One request: state, files, findings; reviewers also see the source SQL (blind to each other)."""
    answer = await run_in_threadpool(
        _service(request).get, _token(credentials), request_id, correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))


@router.post("/{request_id}/files", responses=_RESPONSES, response_class=Response, openapi_extra=_RESUBMIT)
@_mapped
async def resubmit(request: Request, credentials: Credentials, request_id: str) -> Response:
    """Resubmit changed files (multipart ``files`` ×N, optional ``context``): a new turn, checks re-run."""
    files, fields = await _form(request)
    answer = await run_in_threadpool(
        _service(request).resubmit,
        _token(credentials),
        request_id,
        files,
        context=_field(fields, "context"),
        correlation_id=request.state.correlation_id,
    )
    return formats.json_response(answer, _ids(request))


@router.get("/{request_id}/files/{name}", responses=_RESPONSES, response_class=Response)
@_mapped
async def view_file(request: Request, credentials: Credentials, request_id: str, name: str) -> Response:
    """A reviewer reads one frozen file (audited); shown as plain bytes, never executed."""
    data = await run_in_threadpool(
        _service(request).view_file, _token(credentials), request_id, name, correlation_id=request.state.correlation_id
    )
    headers = _ids(request) | {"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"}
    return Response(data, media_type="application/octet-stream", headers=headers)


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > 256 * 1024:
        raise rejected("too_large", "The review body is too large.", "审核请求体过大。")
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise rejected("bad_body", "The body must be a JSON object.", "请求体须为 JSON 对象。")
    return payload


@router.post("/{request_id}/reviews", responses=_RESPONSES, response_class=Response)
@_mapped
async def review(request: Request, credentials: Credentials, request_id: str) -> Response:
    """A reviewer's decision: {"decision": "approve|return|reject", "comment", "file_comments": {file: text},
    "turn"}."""
    payload = await _json(request)
    comments = payload.get("file_comments")
    turn = payload.get("turn")
    given = ReviewInput(
        decision=str(payload.get("decision", "")),
        comment=str(payload.get("comment") or ""),
        file_comments={str(k): str(v) for k, v in comments.items()} if isinstance(comments, dict) else None,
        turn=turn if isinstance(turn, int) else None,
    )
    answer = await run_in_threadpool(
        _service(request).review, _token(credentials), request_id, given, correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))


@router.post("/{request_id}/revoke", responses=_RESPONSES, response_class=Response)
@_mapped
async def revoke(request: Request, credentials: Credentials, request_id: str) -> Response:
    """Revoke a release (admin): {"reason": "..."}; the signed revocation list is republished."""
    payload = await _json(request)
    answer = await run_in_threadpool(
        _service(request).revoke,
        _token(credentials),
        request_id,
        str(payload.get("reason") or ""),
        correlation_id=request.state.correlation_id,
    )
    return formats.json_response(answer, _ids(request))


@router.post("/{request_id}/release", responses=_RESPONSES, response_class=Response)
@_mapped
async def release(request: Request, credentials: Credentials, request_id: str) -> Response:
    """Retry building the bundle of an APPROVED request whose release failed (admin)."""
    answer = await run_in_threadpool(
        _service(request).release, _token(credentials), request_id, correlation_id=request.state.correlation_id
    )
    return formats.json_response(answer, _ids(request))


@router.get("/{request_id}/bundle", responses={**_RESPONSES, 200: {"content": {ZIP: {}}}}, response_class=Response)
@_mapped
async def download(request: Request, credentials: Credentials, request_id: str) -> Response:
    """The signed release bundle (zip): the requester only; every download is audited."""
    name, data = await run_in_threadpool(
        _service(request).bundle, _token(credentials), request_id, correlation_id=request.state.correlation_id
    )
    headers = _ids(request) | {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=ZIP, headers=headers)
