"""/v1/credits, /v1/certificates and /v1/reports: read the request, call the credit API in a worker thread."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from sandbox.credits import certificates
from sandbox.credits.api import CreditApi
from sandbox.credits.errors import CreditError
from sandbox.errors import SandboxError
from sandbox.gateway import errors, formats
from sandbox.gateway.models import ERRORS

router = APIRouter(prefix="/v1", tags=["credits"])
bearer = HTTPBearer(
    auto_error=False,
    description="A staff login (admin/auditor: every department; department: its own) or an enterprise grant.",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    **{status: ERRORS[status] for status in (400, 401, 503)},
    403: ERRORS[403] | {"description": "This login may not see that department's or enterprise's data"},
}


class SelfReport(BaseModel):
    half: str = Field(description="Half-year, e.g. 2026-H2.")
    incidents: str = Field(description="Security incidents in the half-year (无 if none).")
    personnel_changes: str = Field(description="Changes of the security officer or developers (无 if none).")
    measures: str = Field(description="Security measures taken.")


def _api(request: Request) -> CreditApi:
    api: CreditApi | None = getattr(request.app.state, "credit_api", None)
    if api is None:
        raise SandboxError(
            "The credits API is not configured on this gateway.",
            "此网关未配置贡献积分接口。",
            code="credits.not_configured",
        )
    return api


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials else None


def _json(request: Request, answer: Any) -> Response:
    return formats.json_response(answer, {"X-Request-Id": request.state.correlation_id})


@router.get("/credits", responses=_RESPONSES, response_class=Response)
async def credits_view(
    request: Request,
    credentials: Credentials,
    department: Annotated[str | None, Query(description="Department code, e.g. D12 (bureau: omit for totals).")] = None,
    period: Annotated[str | None, Query(description="Month YYYY-MM (default: the current month).")] = None,
) -> Response:
    """A department's usage and credits with their job lines; the bureau's totals; or an enterprise's own activity."""
    api, cid = _api(request), request.state.correlation_id
    answer = await run_in_threadpool(api.credits, _token(credentials), department, period, cid=cid)
    return _json(request, answer)


@router.get("/credits/statements/{department}/{period}", responses=_RESPONSES, response_class=Response)
async def statement(request: Request, credentials: Credentials, department: str, period: str) -> Response:
    """A frozen monthly statement (signed, hash-chained)."""
    api, cid = _api(request), request.state.correlation_id
    answer = await run_in_threadpool(api.statement, _token(credentials), department, period, freeze=False, cid=cid)
    return _json(request, answer)


@router.post("/credits/statements/{department}/{period}", responses=_RESPONSES, response_class=Response)
async def freeze_statement(request: Request, credentials: Credentials, department: str, period: str) -> Response:
    """Freeze, sign and chain a finished month's statement (admin); returns the existing one if frozen."""
    api, cid = _api(request), request.state.correlation_id
    answer = await run_in_threadpool(api.statement, _token(credentials), department, period, freeze=True, cid=cid)
    return _json(request, answer)


async def _certificates(
    request: Request, credentials: Credentials, department: str, dataset: str | None, period: str | None, fmt: str
) -> Response:
    api, cid = _api(request), request.state.correlation_id
    answer = await run_in_threadpool(api.certificate, _token(credentials), department, dataset, period, cid=cid)
    if fmt != "html":
        return _json(request, answer)
    issued = [answer] if dataset else answer["certificates"]
    pages = "\n".join(certificates.render_html(c["payload"], c["jws"]) for c in issued)
    return HTMLResponse(pages, headers={"X-Request-Id": cid})


@router.get("/certificates/{department}", responses=_RESPONSES, response_class=Response)
async def department_certificates(
    request: Request,
    credentials: Credentials,
    department: str,
    period: Annotated[str | None, Query(description="Month YYYY-MM (default: current).")] = None,
    fmt: Annotated[Literal["json", "html"], Query(alias="format")] = "json",
) -> Response:
    """数据要素凭证 for every dataset the department supplies (JWS + payload, or printable HTML)."""
    return await _certificates(request, credentials, department, None, period, fmt)


@router.get("/certificates/{department}/{dataset}", responses=_RESPONSES, response_class=Response)
async def dataset_certificate(
    request: Request,
    credentials: Credentials,
    department: str,
    dataset: str,
    period: Annotated[str | None, Query(description="Month YYYY-MM (default: current).")] = None,
    fmt: Annotated[Literal["json", "html"], Query(alias="format")] = "json",
) -> Response:
    """One dataset's 数据要素凭证."""
    return await _certificates(request, credentials, department, dataset, period, fmt)


@router.get("/reports/security", responses=_RESPONSES, response_class=Response)
async def security_report(
    request: Request,
    credentials: Credentials,
    half: Annotated[str | None, Query(description="Half-year YYYY-H1 / YYYY-H2 (default: current).")] = None,
    enterprise: Annotated[str | None, Query(description="Bureau only: which enterprise.")] = None,
) -> Response:
    """The enterprise's half-yearly security self-report: submitted, or a draft prefilled from metering."""
    api, cid = _api(request), request.state.correlation_id
    answer = await run_in_threadpool(api.report, _token(credentials), half, enterprise, cid=cid)
    return _json(request, answer)


@router.post("/reports/security", responses=_RESPONSES, response_class=Response)
async def submit_security_report(request: Request, credentials: Credentials, body: SelfReport) -> Response:
    """Submit the completed self-report (once per enterprise and half-year)."""
    api, cid = _api(request), request.state.correlation_id
    answers = {"incidents": body.incidents, "personnel_changes": body.personnel_changes, "measures": body.measures}
    answer = await run_in_threadpool(api.submit_report, _token(credentials), body.half, answers, cid=cid)
    return _json(request, answer)


@router.get("/reports/security/overdue", responses=_RESPONSES, response_class=Response)
async def overdue_reports(request: Request, credentials: Credentials) -> Response:
    """Enterprises whose self-report is past due (bureau)."""
    api, cid = _api(request), request.state.correlation_id
    return _json(request, await run_in_threadpool(api.overdue, _token(credentials), cid=cid))


_STATUS = {"credits.not_found": 404, "credits.exists": 409, "credits.period_open": 409}


def install(app: FastAPI) -> None:
    """Add the routes and the status mapping of credit errors (one line in ``create_app``)."""

    async def on_credit_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, CreditError)
        body = errors.error_body(error.code, error.message, error.message_zh, rule=error.code)
        return JSONResponse(
            body, status_code=_STATUS.get(error.code, 400), headers={"X-Request-Id": request.state.correlation_id}
        )

    app.include_router(router)
    app.add_exception_handler(CreditError, on_credit_error)
