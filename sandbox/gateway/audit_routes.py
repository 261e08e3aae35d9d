"""The auditor's /v1/audit routes: read the request, call the audit reader in a worker thread, format the answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sandbox.gateway import formats
from sandbox.gateway.models import ERRORS, AuditEventsResponse, AuditVerifyResponse
from sandbox.queries.audit_reader import AuditReader
from sandbox.queries.errors import audit_reader_unavailable

router = APIRouter(prefix="/v1/audit", tags=["audit"])
staff_bearer = HTTPBearer(
    auto_error=False, description="A staff login token (`sandbox token issue --role auditor`); auditor or admin."
)
StaffCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(staff_bearer)]
CSV = "text/csv"

_AUDIT_ERRORS: dict[int | str, dict[str, Any]] = {
    **{status: ERRORS[status] for status in (400, 401, 503)},
    403: ERRORS[403] | {"description": "Not an auditor or admin staff login (audit.forbidden)"},
}
_EVENTS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_AUDIT_ERRORS,
    200: {
        "model": AuditEventsResponse,
        "content": {CSV: {}},
        "description": "One page of events as JSON, or every matching event as CSV (Accept: text/csv or format=csv).",
    },
}


def _reader(request: Request) -> AuditReader:
    reader: AuditReader | None = request.app.state.audit_reader
    if reader is None:
        raise audit_reader_unavailable()
    return reader


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials else None


def _wants_csv(request: Request, fmt: str | None) -> bool:
    return fmt == "csv" or (fmt is None and CSV in request.headers.get("accept", "").lower())


@router.get("/events", responses=_EVENTS_RESPONSES, response_class=Response)
async def events(
    request: Request,
    credentials: StaffCredentials,
    actor: Annotated[str | None, Query(description="Exact actor (user) id.")] = None,
    enterprise: Annotated[str | None, Query(description="Exact enterprise code.")] = None,
    dataset: Annotated[str | None, Query(description="A dataset the event touched, schema.table.")] = None,
    event_type: Annotated[
        str | None, Query(alias="type", description="Event type, e.g. query, grant.issue, audit.read.")
    ] = None,
    since: Annotated[str | None, Query(description="ISO 8601 time, inclusive (UTC when no zone).")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 time, exclusive (UTC when no zone).")] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
    limit: Annotated[str | None, Query(description="Events per page, 1–1000 (default 100).")] = None,
    fmt: Annotated[
        Literal["json", "csv"] | None,
        Query(alias="format", description="csv: every matching event as CSV (as Accept: text/csv)."),
    ] = None,
) -> Response:
    """Search the audit log (auditor or admin); the search is itself recorded as an audit.read event."""
    reader = _reader(request)
    params = {
        "actor": actor,
        "enterprise": enterprise,
        "dataset": dataset,
        "type": event_type,
        "since": since,
        "until": until,
        "cursor": cursor,
        "limit": limit,
    }
    token, cid = _token(credentials), request.state.correlation_id
    headers = {"X-Request-Id": cid}
    if _wants_csv(request, fmt):
        text = await run_in_threadpool(reader.export_csv, token, params, correlation_id=cid)
        headers["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
        return Response(text, media_type=f"{CSV}; charset=utf-8", headers=headers)
    answer = await run_in_threadpool(reader.events, token, params, correlation_id=cid)
    return formats.json_response(answer, headers)


@router.get("/verify", responses={**_AUDIT_ERRORS, 200: {"model": AuditVerifyResponse}}, response_class=Response)
async def verify(request: Request, credentials: StaffCredentials) -> Response:
    """Verify the live log (chain, Merkle tree, signed checkpoints) against the bureau public key."""
    reader = _reader(request)
    cid = request.state.correlation_id
    answer = await run_in_threadpool(reader.verify, _token(credentials), correlation_id=cid)
    return formats.json_response(answer, {"X-Request-Id": cid})
