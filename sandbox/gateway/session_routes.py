"""The hub's /v1/hub routes: check a login token, mint and revoke notebook session tokens.

Only the hub may call them: it presents the hub service secret as its bearer token. Every login,
spawn and stop is audited here, where the audit log lives, whatever the outcome.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sandbox.errors import GrantError
from sandbox.gateway import formats
from sandbox.gateway.models import ERRORS
from sandbox.grants import GrantClaims, StaffClaims
from sandbox.grants.hub_secret import hub_secret_matches, load_hub_secret
from sandbox.grants.sessions import SessionService
from sandbox.queries import QueryService
from sandbox.queries.errors import Forbidden

router = APIRouter(prefix="/v1/hub", tags=["hub"])
hub_bearer = HTTPBearer(auto_error=False, description="The hub service secret ($SANDBOX_HOME/keys/hub_service.token).")
HubCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(hub_bearer)]

# Staff roles → hub groups; an enterprise grant → "enterprise" (the only group that gets servers).
ROLE_GROUPS = {"reviewer": "reviewers", "auditor": "auditors", "department": "departments", "admin": "operators"}
ENTERPRISE_GROUP = "enterprise"


class LoginCheck(BaseModel):
    user: str = Field(max_length=64)
    token: str = Field(max_length=16 * 1024)


class GrantCheck(BaseModel):
    user: str = Field(max_length=64)
    jti: str = Field(max_length=64)


class SessionRequest(BaseModel):
    user: str = Field(max_length=64)
    server: str = Field(default="", max_length=64)
    jti: str = Field(max_length=64)


class SessionStop(BaseModel):
    user: str = Field(max_length=64)
    server: str = Field(default="", max_length=64)


def _service(request: Request, credentials: HTTPAuthorizationCredentials | None) -> QueryService:
    expected = load_hub_secret(request.app.state.settings)
    if not hub_secret_matches(credentials.credentials if credentials else None, expected):
        raise Forbidden(
            "Only the hub may call /v1/hub (hub service secret required).",
            "仅 Hub 可调用 /v1/hub（需要 Hub 服务密钥）。",
            code="hub.forbidden",
        )
    service: QueryService = request.app.state.query_service
    return service


def _sessions(service: QueryService) -> SessionService:
    if service.grants.sessions is None:
        raise GrantError("Session tokens are not enabled.", "未启用会话令牌。", code="session.disabled")
    return service.grants.sessions


def _identity(claims: GrantClaims | StaffClaims) -> dict[str, Any]:
    extra: dict[str, Any]
    if isinstance(claims, GrantClaims):
        extra = {"groups": [ENTERPRISE_GROUP], "enterprise": claims.enterprise, "scenario": claims.scenario}
    else:
        groups = [ROLE_GROUPS[claims.role]]
        if claims.department:  # the portal reads the department code from a dept-<CODE> group
            groups.append(f"dept-{claims.department}")
        extra = {"groups": groups, "role": claims.role, "department": claims.department}
    return {"user": claims.sub, "kind": claims.kind, "jti": claims.jti, "exp": claims.exp, **extra}


def _login(service: QueryService, body: LoginCheck, cid: str) -> dict[str, Any]:
    detail: dict[str, Any] = {"user": body.user}
    try:
        claims = service.grants.verify(body.token)
        if claims.sub != body.user:
            raise GrantError(
                "The token was issued to another user than the one logging in.",
                "该令牌签发给的用户与登录用户不一致。",
                code="login.user_mismatch",
            )
    except Exception as error:
        detail["code"] = getattr(error, "code", "internal.error")
        service.auditor.record("login", grant=None, outcome="refused", correlation_id=cid, detail=detail)
        raise
    service.auditor.record("login", grant=claims, outcome="allowed", correlation_id=cid, detail=detail)
    return _identity(claims)


def _check(service: QueryService, body: GrantCheck) -> dict[str, Any]:
    try:
        record = _sessions(service).check_grant(user=body.user, grant_jti=body.jti)
    except GrantError as error:
        return {"active": False, "code": error.code}
    return {"active": True, "exp": int(record.expires_at.timestamp())}


def _mint(service: QueryService, body: SessionRequest, cid: str) -> dict[str, Any]:
    target = f"{body.user}/{body.server}"
    try:
        issued = _sessions(service).mint(user=body.user, server=body.server, grant_jti=body.jti)
    except Exception as error:
        detail = {"user": body.user, "grant_jti": body.jti, "code": getattr(error, "code", "internal.error")}
        service.auditor.record("spawn", grant=None, outcome="refused", correlation_id=cid, detail=detail, target=target)
        raise
    record = issued.record
    detail = {"session_id": record.session_id, "expires": record.expires_at.isoformat()}
    service.auditor.record(
        "spawn",
        grant=_sessions(service).claims_for(record),
        outcome="allowed",
        correlation_id=cid,
        detail=detail,
        target=target,
    )
    return {
        "token": issued.token,
        "session_id": record.session_id,
        "expires": int(record.expires_at.timestamp()),
        "enterprise": issued.grant.enterprise,
    }


def _stop(service: QueryService, body: SessionStop, cid: str) -> dict[str, Any]:
    sessions = _sessions(service)
    revoked = sessions.revoke(user=body.user, server=body.server)
    detail = {"user": body.user, "sessions_revoked": [r.session_id for r in revoked]}
    service.auditor.record(
        "spawn.stop",
        grant=sessions.claims_for(revoked[0]) if revoked else None,
        outcome="allowed",
        correlation_id=cid,
        detail=detail,
        target=f"{body.user}/{body.server}",
    )
    return {"revoked": len(revoked)}


@router.post("/login", responses=ERRORS)
async def login(request: Request, body: LoginCheck, credentials: HubCredentials) -> Response:
    """Verify a bureau token for a hub login (grant or staff) and return who it is; audited."""
    service = _service(request, credentials)
    answer = await run_in_threadpool(_login, service, body, request.state.correlation_id)
    return formats.json_response(answer, {"X-Request-Id": request.state.correlation_id})


@router.post("/check", responses=ERRORS)
async def check(request: Request, body: GrantCheck, credentials: HubCredentials) -> Response:
    """Is the user's grant or login still active (not revoked, not expired)? Used by the hub's refresh."""
    service = _service(request, credentials)
    answer = await run_in_threadpool(_check, service, body)
    return formats.json_response(answer, {"X-Request-Id": request.state.correlation_id})


@router.post("/sessions", responses=ERRORS)
async def mint(request: Request, body: SessionRequest, credentials: HubCredentials) -> Response:
    """Mint a session token for a notebook server about to start (audited as ``spawn``)."""
    service = _service(request, credentials)
    answer = await run_in_threadpool(_mint, service, body, request.state.correlation_id)
    return formats.json_response(answer, {"X-Request-Id": request.state.correlation_id})


@router.post("/sessions/revoke", responses=ERRORS)
async def revoke(request: Request, body: SessionStop, credentials: HubCredentials) -> Response:
    """Revoke the session tokens of a stopped notebook server (audited as ``spawn.stop``)."""
    service = _service(request, credentials)
    answer = await run_in_threadpool(_stop, service, body, request.state.correlation_id)
    return formats.json_response(answer, {"X-Request-Id": request.state.correlation_id})
