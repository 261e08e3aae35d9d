"""Reviewer pages: the queue (filters, ages, risk), one request with its files rendered and findings in
place, the source queries, earlier releases to the same enterprise, and the decision form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sandbox.exports.service import ExportService, ReviewInput
from sandbox.portal.auth import Need, Principal, flash
from sandbox.portal.calls import call, correlation_id, form
from sandbox.portal.errors import not_found, unavailable
from sandbox.portal.filerender import render_file
from sandbox.portal.rendering import paginate, redirect, render

router = APIRouter(prefix="/portal/review", include_in_schema=False)
Reviewer = Annotated[Principal, Depends(Need("reviewer", "admin"))]
STATES = ("AWAITING_REVIEW", "BLOCKED", "RETURNED", "APPROVED", "RELEASED", "REJECTED", "REVOKED")
RISKS = ("high", "medium", "low")
SEVERITY_RANK = {"block": 3, "review": 2, "info": 1}


def exports(request: Request) -> ExportService:
    service: ExportService | None = getattr(request.app.state, "export_service", None)
    if service is None:
        raise unavailable("export review", "导出审核")
    return service


def risk_of(item: dict[str, Any]) -> str:
    """high: a blocking finding or level-4 data; medium: findings to review, level 3 or two reviewers; low: else."""
    worst = max((SEVERITY_RANK.get(f["severity"], 0) for f in item.get("findings", [])), default=0)
    level = int(item.get("max_level") or 0)
    if worst >= 3 or level >= 4:
        return "high"
    if worst == 2 or level == 3 or item.get("required_reviews", 1) > 1:
        return "medium"
    return "low"


def age_hours(stamp: str | None, now: datetime) -> int:
    if not stamp:
        return 0
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return max(0, int((now - moment).total_seconds() // 3600))


@router.get("")
async def queue(request: Request, who: Reviewer) -> Response:
    state = request.query_params.get("state") or "AWAITING_REVIEW"
    state = state if state in STATES else "AWAITING_REVIEW"
    enterprise = (request.query_params.get("enterprise") or "").strip()
    risk = request.query_params.get("risk") or ""
    answer: dict[str, Any] = await call(
        exports(request).listing, who.token, state, correlation_id=correlation_id(request)
    )
    now = datetime.now(UTC)
    items = [
        item | {"risk": risk_of(item), "age_hours": age_hours(item.get("updated_at"), now)}
        for item in answer["exports"]
        if enterprise in ("", item["enterprise"])
    ]
    items = [i for i in items if risk in ("", i["risk"])]
    items.sort(key=lambda i: (-RISKS[::-1].index(i["risk"]), -i["age_hours"]))
    return render(
        request,
        "review/queue.html",
        {**paginate(request, items), "state": state, "states": STATES, "enterprise": enterprise, "risk": risk}
        | {"risks": RISKS},
    )


@router.get("/{request_id}")
async def detail(request: Request, request_id: str, who: Reviewer) -> Response:
    service = exports(request)
    cid = correlation_id(request)
    item: dict[str, Any] = await call(service.get, who.token, request_id, correlation_id=cid)
    files = []
    for f in item["files"]:
        data: bytes = await call(service.view_file, who.token, request_id, f["name"], correlation_id=cid)
        own = [x for x in item["findings"] if x["file"] == f["name"]]
        files.append({**f, "findings": own, "view": render_file(f["kind"], data, own)})
    released: dict[str, Any] = await call(service.listing, who.token, "RELEASED", correlation_id=cid)
    earlier = [r for r in released["exports"] if r["enterprise"] == item["enterprise"] and r["id"] != item["id"]]
    mine = [r for r in item["reviews"] if r.get("reviewer") == who.user and r["turn"] == item["turn"]]
    return render(
        request,
        "review/request.html",
        {
            "item": item,
            "files": files,
            "general": [x for x in item["findings"] if x["file"] not in {f["name"] for f in item["files"]}],
            "earlier": earlier,
            "risk": risk_of(item),
            "decided": bool(mine),
            "can_decide": item["state"] == "AWAITING_REVIEW" and not mine,
        },
    )


@router.post("/{request_id}/decision")
async def decide(request: Request, request_id: str, who: Reviewer) -> Response:
    fields = await form(request)
    decision = fields.get("decision", "")
    prefix = "file_comment::"
    comments = {k[len(prefix) :]: v for k, v in fields.items() if k.startswith(prefix) and v.strip()}
    turn = fields.get("turn", "")
    given = ReviewInput(
        decision=decision,
        comment=fields.get("comment", ""),
        file_comments=comments,
        turn=int(turn) if turn.isdigit() else None,
    )
    if not request_id.startswith("x-"):
        raise not_found("export request", "导出申请")
    await call(exports(request).review, who.token, request_id, given, correlation_id=correlation_id(request))
    flash(request, "ok", "Your decision was recorded.")
    return redirect(f"/portal/review/{request_id}")
