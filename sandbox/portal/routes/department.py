"""Department pages: usage of their datasets over time (charts), credits by enterprise and scenario,
monthly statements and data-element certificates to download."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sandbox.credits.api import CreditApi
from sandbox.portal.auth import Need, Principal
from sandbox.portal.calls import call, correlation_id, form
from sandbox.portal.errors import PortalError, unavailable
from sandbox.portal.rendering import render

router = APIRouter(prefix="/portal/dept", include_in_schema=False)
Department = Annotated[Principal, Depends(Need("department"))]
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
HISTORY = 6  # months of usage in the charts


def credit_api(request: Request) -> CreditApi:
    api: CreditApi | None = getattr(request.app.state, "credit_api", None)
    if api is None:
        raise unavailable("credits", "贡献积分")
    return api


def recent_months(now: datetime, count: int = HISTORY) -> list[str]:
    months, year, month = [], now.year, now.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _period(request: Request, months: list[str]) -> str:
    asked = request.query_params.get("period") or months[-1]
    return asked if MONTH.fullmatch(asked) else months[-1]


def by_key(jobs: list[dict[str, Any]], key: str) -> dict[str, int]:
    """Credits (micro units) of the department's job lines summed per enterprise or scenario."""
    out: dict[str, int] = defaultdict(int)
    for job in jobs:
        out[str(job.get(key) or "")] += sum(int(s.get("credit_micro", 0)) for s in job.get("sources", []))
    return dict(sorted(out.items()))


def usage_chart(history: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    datasets = sorted({u["dataset"] for _, view in history for u in view["usage"]})
    series = []
    for name in datasets:
        values = [sum(u["queries"] for u in view["usage"] if u["dataset"] == name) for _, view in history]
        series.append({"key": name, "values": values})
    return {"type": "line", "labels": [m for m, _ in history], "series": series}


def credit_chart(totals: dict[str, int]) -> dict[str, Any]:
    return {
        "type": "bar",
        "labels": list(totals),
        "series": [{"key": "credits", "values": [v / 1e6 for v in totals.values()]}],
    }


@router.get("")
async def usage(request: Request, who: Department) -> Response:
    api, cid = credit_api(request), correlation_id(request)
    months = recent_months(datetime.now(UTC))
    period = _period(request, months)
    history = []
    for month in months:
        view: dict[str, Any] = await call(api.credits, who.token, who.department, month, cid=cid)
        history.append((month, view))
    current = (
        dict(history)[period]
        if period in dict(history)
        else await call(api.credits, who.token, who.department, period, cid=cid)
    )
    per_enterprise, per_scenario = by_key(current["jobs"], "enterprise"), by_key(current["jobs"], "scenario")
    return render(
        request,
        "department/usage.html",
        {
            "view": current,
            "period": period,
            "months": months,
            "usage_chart": usage_chart(history),
            "enterprise_chart": credit_chart(per_enterprise),
            "scenario_chart": credit_chart(per_scenario),
            "per_enterprise": per_enterprise,
            "per_scenario": per_scenario,
        },
    )


@router.get("/documents")
async def documents(request: Request, who: Department) -> Response:
    api, cid = credit_api(request), correlation_id(request)
    months = recent_months(datetime.now(UTC), 12)
    statements = []
    for month in months[::-1]:
        try:
            document = await call(api.statement, who.token, who.department or "", month, freeze=False, cid=cid)
            body = document.get("body", {})
            statements.append(
                {"period": month, "number": body.get("number"), "credits": body.get("totals", {}).get("credits"),
                 "hash": document.get("hash", "")}
            )  # fmt: skip
        except PortalError as missing:
            if missing.status != 404:
                raise
    datasets = api.service.department_datasets(who.department or "")
    return render(
        request,
        "department/documents.html",
        {"statements": statements, "datasets": datasets, "months": months[::-1]},
    )


@router.get("/statements/{period}.json")
async def statement_file(request: Request, period: str, who: Department) -> Response:
    document: dict[str, Any] = await call(
        credit_api(request).statement,
        who.token,
        who.department or "",
        period,
        freeze=False,
        cid=correlation_id(request),
    )
    body = json.dumps(document, ensure_ascii=False, indent=2)
    headers = {"Content-Disposition": f'attachment; filename="statement-{who.department}-{period}.json"'}
    return Response(body, media_type="application/json", headers=headers)


@router.post("/certificates")
async def certificate(request: Request, who: Department) -> Response:
    """Issue (and audit) a signed certificate for one dataset and month; the browser saves the JWS."""
    fields = await form(request)
    dataset, period = fields.get("dataset", ""), fields.get("period", "")
    api = credit_api(request)
    if dataset not in api.service.department_datasets(who.department or "") or not MONTH.fullmatch(period):
        raise PortalError(
            400,
            "usage.invalid",
            "Choose one of your department's datasets and a month (rule usage.invalid).",
            "请选择本部门的数据集和月份（规则 usage.invalid）。",
        )
    issued: dict[str, Any] = await call(
        api.certificate, who.token, who.department or "", dataset, period, cid=correlation_id(request)
    )
    name = f"certificate-{dataset}-{period}.jws"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(issued["jws"] + "\n", media_type="application/jose", headers=headers)
