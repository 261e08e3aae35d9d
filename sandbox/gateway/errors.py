"""The gateway's one error translator: every failure becomes the contract's error shape and a status.

Only messages written for people are passed on (grant, policy, request, rate and uniform query
errors); anything else becomes a fixed text, so no data value, server path or stack trace can leak.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sandbox.errors import GrantError, SandboxError, UsageError, WarehouseError
from sandbox.policy import PolicyViolation
from sandbox.privacy.ledger import BudgetExhausted
from sandbox.queries.errors import AuditUnavailable, Forbidden, RateLimited, RequestRejected

log = logging.getLogger("sandbox.gateway")

FIELDS = ("code", "message", "message_zh", "rule", "dataset", "column", "line", "col")
SYNTAX_RULES = frozenset({"syntax", "parse"})

_INTERNAL = (
    "internal.error",
    "The gateway could not answer this request; it has been logged for the operators.",
    "网关无法应答此请求；已记录供运维人员排查。",
)
_UNAVAILABLE = (
    "service.unavailable",
    "The service is temporarily unavailable; try again later.",
    "服务暂不可用；请稍后重试。",
)
_HTTP_CODES = {404: "http.not_found", 405: "http.method_not_allowed", 406: "http.not_acceptable"}


def error_body(code: str, message: str, message_zh: str, **where: Any) -> dict[str, Any]:
    body = dict.fromkeys(FIELDS)
    body |= {"code": code, "message": message, "message_zh": message_zh}
    body |= {k: v for k, v in where.items() if k in FIELDS}
    return {"error": body}


def translate(error: BaseException) -> tuple[int, dict[str, Any], dict[str, str]]:
    """(status, body, extra headers) for ``error``."""
    if isinstance(error, PolicyViolation):
        status = 400 if str(error.rule) in SYNTAX_RULES or error.code.endswith(".syntax") else 403
        where = {name: getattr(error, name, None) for name in ("rule", "dataset", "column", "line", "col")}
        return status, error_body(error.code, error.message, error.message_zh, **where), {}
    if isinstance(error, GrantError) or (isinstance(error, RequestRejected) and error.code == "token.missing"):
        headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{error.code}"'}
        return 401, _said(error, rule=error.code), headers
    if isinstance(error, Forbidden):
        return 403, _said(error, rule=error.code), {}
    if isinstance(error, BudgetExhausted):
        return 403, _said(error, rule="budget", dataset=error.dataset), {}
    if isinstance(error, RateLimited):
        return 429, _said(error, rule="rate_limit"), {"Retry-After": str(max(1, round(error.retry_after + 0.5)))}
    if isinstance(error, RequestRejected):
        return (413 if error.code.endswith("too_large") else 400), _said(error), {}
    if isinstance(error, UsageError):
        return 400, _said(error), {}
    if isinstance(error, WarehouseError) and error.code in ("query.failed", "query.timeout"):
        return (504 if error.code == "query.timeout" else 422), _said(error), {}
    if isinstance(error, AuditUnavailable):
        return 503, _said(error), {}
    if isinstance(error, SandboxError):  # configuration, catalogue, warehouse plumbing: may name paths
        return 503, error_body(*_UNAVAILABLE), {}
    return 500, error_body(*_INTERNAL), {}


def _said(error: SandboxError, **where: Any) -> dict[str, Any]:
    return error_body(error.code, error.message, error.message_zh, **where)


def error_response(request: Request, error: BaseException) -> JSONResponse:
    status, body, headers = translate(error)
    if status >= 500:
        log.error("request %s failed", getattr(request.state, "correlation_id", "-"), exc_info=error)
    request_id = getattr(request.state, "correlation_id", None)
    if request_id:
        headers["X-Request-Id"] = request_id
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Route every exception the app can meet through ``translate``."""

    async def on_domain(request: Request, error: Exception) -> JSONResponse:
        return error_response(request, error)

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        code = _HTTP_CODES.get(error.status_code, f"http.{error.status_code}")
        text = "No such endpoint or method; see /openapi.json."
        body = error_body(code, text, "没有此接口或方法；请参阅 /openapi.json。")
        return JSONResponse(body, status_code=error.status_code, headers=getattr(error, "headers", None))

    async def on_invalid(request: Request, error: Exception) -> JSONResponse:
        # FastAPI's default echoes the input back; the input may be data.
        body = error_body(
            "request.invalid", "The request is malformed; see /openapi.json.", "请求格式错误；请参阅 /openapi.json。"
        )
        return JSONResponse(body, status_code=400)

    app.add_exception_handler(SandboxError, on_domain)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(Exception, on_domain)
