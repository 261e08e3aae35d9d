"""Auditor pages: event search with filters and pages, one event's detail, CSV export, integrity status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from audit import EVENT_TYPES
from sandbox.portal.auth import Need, Principal
from sandbox.portal.calls import call, correlation_id
from sandbox.portal.errors import not_found, unavailable
from sandbox.portal.rendering import render
from sandbox.queries.audit_reader import AuditReader

router = APIRouter(prefix="/portal/audit", include_in_schema=False)
Reader = Annotated[Principal, Depends(Need("auditor", "admin"))]
FILTERS = ("actor", "enterprise", "dataset", "type", "since", "until")
PAGE_SIZES = ("25", "50", "100")


def _reader(request: Request) -> AuditReader:
    reader: AuditReader | None = request.app.state.audit_reader
    if reader is None:
        raise unavailable("audit", "审计")
    return reader


def _filters(request: Request) -> dict[str, str | None]:
    return {name: (request.query_params.get(name) or "").strip() or None for name in FILTERS}


def type_label(event_type: str, lang: str) -> str:
    en, zh = EVENT_TYPES.get(event_type, (event_type, event_type))
    return en if lang == "en" else zh


@router.get("/events")
async def events(request: Request, who: Reader) -> Response:
    reader = _reader(request)
    filters = _filters(request)
    limit = request.query_params.get("limit") or "50"
    limit = limit if limit in PAGE_SIZES else "50"
    params = {**filters, "cursor": request.query_params.get("cursor") or None, "limit": limit}
    page: dict[str, Any] = await call(reader.events, who.token, params, correlation_id=correlation_id(request))
    return render(
        request,
        "audit/events.html",
        {
            "events": page["events"],
            "next_cursor": page["next_cursor"],
            "filters": filters,
            "limit": limit,
            "page_sizes": PAGE_SIZES,
            "types": sorted(EVENT_TYPES),
            "type_label": type_label,
            "first_page": bool(request.query_params.get("cursor")),
        },
    )


@router.get("/events.csv")
async def events_csv(request: Request, who: Reader) -> Response:
    text: str = await call(
        _reader(request).export_csv, who.token, _filters(request), correlation_id=correlation_id(request)
    )
    headers = {"Content-Disposition": 'attachment; filename="audit-events.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/events/{seq}")
async def event_detail(request: Request, seq: int, who: Reader) -> Response:
    if not 1 <= seq < 10**17:
        raise not_found("audit event", "审计事件")
    params: dict[str, str | None] = {"cursor": str(seq - 1), "limit": "1"}
    page: dict[str, Any] = await call(
        _reader(request).events, who.token, params, correlation_id=correlation_id(request)
    )
    found = [e for e in page["events"] if e["seq"] == seq]
    if not found:
        raise not_found("audit event", "审计事件")
    return render(request, "audit/event.html", {"event": found[0], "type_label": type_label})


@router.get("/integrity")
async def integrity(request: Request, who: Reader) -> Response:
    report: dict[str, Any] = await call(_reader(request).verify, who.token, correlation_id=correlation_id(request))
    return render(request, "audit/integrity.html", {"report": report})
