"""Bureau admin pages: grants (list, issue, revoke) and the catalogue with its classification."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sandbox.catalog.model import Catalog
from sandbox.grants import GrantService
from sandbox.grants.claims import SCENARIOS
from sandbox.portal.auth import Need, Principal, flash, grant_service
from sandbox.portal.calls import call, correlation_id, form
from sandbox.portal.errors import PortalError
from sandbox.portal.rendering import paginate, redirect, render
from sandbox.services.grants import issue_grant, revoke_grant

router = APIRouter(prefix="/portal/admin", include_in_schema=False)
Admin = Annotated[Principal, Depends(Need("admin"))]
STATUSES = ("active", "pending", "expired", "revoked")


def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.query_service.catalog
    return catalog


def _grant_rows(grants: GrantService, status: str | None) -> list[dict[str, Any]]:
    now = grants.now()
    rows = [
        {"record": r, "status": r.status(now)}
        for r in reversed(grants.list_grants(include_revoked=True))
        if r.kind == "grant"
    ]
    return [row for row in rows if status in (None, row["status"])]


def _bad_number(field: str, field_zh: str) -> PortalError:
    return PortalError(
        400,
        "usage.invalid",
        f"{field} must be a number (rule usage.invalid).",
        f"{field_zh}须为数字（规则 usage.invalid）。",
    )


@router.get("/grants")
async def grants_page(request: Request, who: Admin) -> Response:
    status = request.query_params.get("status") or None
    status = status if status in STATUSES else None
    rows = await call(_grant_rows, grant_service(request), status)
    return render(request, "admin/grants.html", _grants_context(request, rows, status))


def _grants_context(request: Request, rows: list[dict[str, Any]], status: str | None, **extra: Any) -> dict[str, Any]:
    catalog = _catalog(request)
    return {
        **paginate(request, rows),
        "status": status,
        "statuses": STATUSES,
        "scenarios": SCENARIOS,
        "datasets": sorted(d.name for d in catalog.datasets),
        **extra,
    }


@router.post("/grants")
async def issue(request: Request, who: Admin) -> Response:
    fields = await form(request)
    data = await request.form()
    datasets = [str(v) for v in data.getlist("datasets") if str(v)] or None
    try:
        epsilon = float(fields["epsilon"]) if fields.get("epsilon") else None
    except ValueError:
        raise _bad_number("epsilon", "隐私预算 epsilon") from None
    days_text = fields.get("days") or ""
    if days_text and not days_text.isdigit():
        raise _bad_number("days", "期限天数")
    issued = await call(
        issue_grant,
        request.app.state.settings,
        user=fields.get("user", "").strip(),
        enterprise=fields.get("enterprise", "").strip(),
        scenario=fields.get("scenario", ""),
        datasets=datasets,
        epsilon=epsilon,
        days=int(days_text) if days_text else None,
    )
    rows = await call(_grant_rows, grant_service(request), None)
    # The token is shown once, on this answer only: it is not kept in the session or the page's URL.
    return render(request, "admin/grants.html", _grants_context(request, rows, None, issued=issued), status=201)


@router.post("/grants/{jti}/revoke")
async def revoke(request: Request, jti: str, who: Admin) -> Response:
    fields = await form(request)
    reason = (fields.get("reason") or "").strip()[:200] or None
    result = await call(revoke_grant, request.app.state.settings, jti, by=who.user, reason=reason)
    flash(request, "ok", "Grant already revoked." if result.already_revoked else "Grant revoked.")
    return redirect("/portal/admin/grants")


@router.get("/catalog")
async def catalog_page(request: Request, who: Admin) -> Response:
    catalog = _catalog(request)
    scenario = request.query_params.get("scenario") or None
    datasets = [d for d in catalog.datasets if scenario in (None, d.scenario.value)]
    return render(
        request,
        "admin/catalog.html",
        {
            **paginate(request, datasets),
            "departments": catalog.departments,
            "scenario": scenario,
            "scenarios": sorted({d.scenario.value for d in catalog.datasets}),
        },
    )


@router.get("/catalog/{name}")
async def dataset_page(request: Request, name: str, who: Admin) -> Response:
    found = [d for d in _catalog(request).datasets if d.name == name]
    if not found:
        raise PortalError(404, "portal.not_found", "No such dataset in the catalogue.", "目录中没有此数据集。")
    return render(request, "admin/dataset.html", {"d": found[0], "departments": _catalog(request).departments})


@router.get("/reports")
async def overdue_reports(request: Request, who: Admin) -> Response:
    api = getattr(request.app.state, "credit_api", None)
    if api is None:
        return render(request, "admin/reports.html", {"available": False, "rows": []})
    answer: dict[str, Any] = await call(api.overdue, who.token, cid=correlation_id(request))
    rows = sorted(answer["overdue"], key=lambda r: -int(r["days_overdue"]))
    return render(request, "admin/reports.html", {"available": True, "rows": rows})
