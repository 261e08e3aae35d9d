"""Enterprise pages: their grants, the ε budget per dataset as a chart, export requests, reports."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sandbox.grants import GrantService
from sandbox.portal.auth import Need, Principal, flash, grant_service
from sandbox.portal.calls import call, correlation_id, form
from sandbox.portal.errors import unavailable
from sandbox.portal.rendering import paginate, redirect, render

router = APIRouter(prefix="/portal/me", include_in_schema=False)
Enterprise = Annotated[Principal, Depends(Need("enterprise"))]
HALF = re.compile(r"\d{4}-H[12]")
REPORT_FIELDS = ("incidents", "personnel_changes", "measures")


def _enterprise_grants(grants: GrantService, enterprise: str | None) -> list[dict[str, Any]]:
    now = grants.now()
    return [
        {"record": r, "status": r.status(now)}
        for r in reversed(grants.list_grants(include_revoked=True))
        if r.kind == "grant" and r.enterprise == enterprise
    ]


def budget_chart(budget: dict[str, Any]) -> dict[str, Any] | None:
    """Spent and remaining ε of the datasets DP queries are charged to (dp tables, and aggregate tables once a
    query opted into DP), for portal.js; None when there are none."""
    rows = [r for r in budget.get("datasets", []) if r.get("dp") == "always" or float(r.get("epsilon_spent", 0)) > 0]
    if not rows:
        return None
    return {
        "type": "bar",
        "labels": [r["dataset"] for r in rows],
        "series": [
            {"key": "spent", "values": [round(float(r["epsilon_spent"]), 6) for r in rows]},
            {"key": "remaining", "values": [round(float(r["epsilon_remaining"]), 6) for r in rows]},
        ],
        "stacked": True,
    }


@router.get("")
async def home(request: Request, who: Enterprise) -> Response:
    service = request.app.state.query_service
    cid = correlation_id(request)
    me: dict[str, Any] = await call(service.whoami, who.token, correlation_id=cid)
    budget: dict[str, Any] = await call(service.budget, who.token, correlation_id=cid)
    rows = await call(_enterprise_grants, grant_service(request), who.enterprise)
    return render(
        request,
        "enterprise/home.html",
        {"me": me, "budget": budget, "budget_chart": budget_chart(budget), "grants": rows},
    )


@router.get("/exports")
async def exports(request: Request, who: Enterprise) -> Response:
    service = getattr(request.app.state, "export_service", None)
    if service is None:
        return render(request, "enterprise/exports.html", {"available": False, "rows": []})
    answer: dict[str, Any] = await call(service.listing, who.token, None, correlation_id=correlation_id(request))
    rows = sorted(answer["exports"], key=lambda r: r.get("created_at") or "", reverse=True)
    return render(request, "enterprise/exports.html", {"available": True, **paginate(request, rows)})


@router.get("/exports/{request_id}")
async def export_detail(request: Request, request_id: str, who: Enterprise) -> Response:
    item: dict[str, Any] = await call(
        exports_service(request).get, who.token, request_id, correlation_id=correlation_id(request)
    )
    return render(request, "enterprise/export.html", {"item": item})


@router.get("/exports/{request_id}/bundle")
async def bundle(request: Request, request_id: str, who: Enterprise) -> Response:
    name, data = await call(
        exports_service(request).bundle, who.token, request_id, correlation_id=correlation_id(request)
    )
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type="application/zip", headers=headers)


def exports_service(request: Request) -> Any:
    service = getattr(request.app.state, "export_service", None)
    if service is None:
        raise unavailable("export", "导出")
    return service


def credit_api(request: Request) -> Any:
    return getattr(request.app.state, "credit_api", None)


def _half(request: Request, value: str | None) -> str:
    now = datetime.now(UTC)
    current = f"{now.year}-H{1 if now.month <= 6 else 2}"
    return value if value and HALF.fullmatch(value) else current


@router.get("/reports")
async def reports(request: Request, who: Enterprise) -> Response:
    api = credit_api(request)
    if api is None:
        return render(request, "enterprise/reports.html", {"available": False})
    half = _half(request, request.query_params.get("half"))
    answer: dict[str, Any] = await call(api.report, who.token, half, None, cid=correlation_id(request))
    return render(request, "enterprise/reports.html", {"available": True, "half": half, "answer": answer})


@router.post("/reports")
async def submit_report(request: Request, who: Enterprise) -> Response:
    fields = await form(request)
    api = credit_api(request)
    if api is None:
        raise unavailable("reports", "报告")
    half = _half(request, fields.get("half"))
    answers = {k: (fields.get(k) or "").strip()[:4000] for k in REPORT_FIELDS}
    await call(api.submit_report, who.token, half, answers, cid=correlation_id(request))
    flash(request, "ok", "Your half-yearly report was submitted.")
    return redirect(f"/portal/me/reports?half={half}")
