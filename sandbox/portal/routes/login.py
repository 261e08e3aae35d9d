"""Signing in and out: the bureau-token form, JupyterHub OAuth (PKCE), the landing redirect, static files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import FileResponse, Response

from sandbox.portal import hub_oauth, sessions
from sandbox.portal.auth import PUBLIC, Principal, grant_service, safe_next, signed_in
from sandbox.portal.calls import call, correlation_id, form
from sandbox.portal.errors import not_found
from sandbox.portal.nav import HOME
from sandbox.portal.rendering import redirect, render

router = APIRouter(prefix="/portal", include_in_schema=False)
Public = Annotated[Principal | None, Depends(PUBLIC)]
STATIC = (Path(__file__).parent.parent / "static").resolve()
MAX_TOKEN = 4096


@router.get("/")
async def landing(request: Request, _: Public) -> Response:
    session: sessions.Session = request.state.portal_session
    return redirect(HOME.get(session.role or "", "/portal/login") if session.signed_in else "/portal/login")


@router.get("/login")
async def login_page(request: Request, _: Public) -> Response:
    reason = request.query_params.get("reason")
    return render(request, "login.html", {"next": safe_next(request.query_params.get("next")), "reason": reason})


@router.post("/login")
async def login(request: Request, _: Public) -> Response:
    fields = await form(request)
    token = fields.get("token", "").strip()
    target = safe_next(fields.get("next"))
    grants = grant_service(request)
    auditor = request.app.state.query_service.auditor
    claims = None
    if 0 < len(token) <= MAX_TOKEN:
        try:
            claims = await call(grants.verify_any, token)
        except Exception:  # every refusal looks the same to the browser: no oracle on why
            claims = None
    if claims is None:
        await call(
            auditor.record,
            "login",
            grant=None,
            outcome="refused",
            correlation_id=correlation_id(request),
            detail={"via": "portal", "rule": "portal.login"},
            target="portal",
        )
        return render(request, "login.html", {"next": target, "failed": True}, status=401)
    lifetime = request.app.state.portal_config.session_seconds
    request.state.portal_session = signed_in(request.state.portal_session, claims, token, lifetime)
    await call(
        auditor.record,
        "login",
        grant=claims,
        outcome="allowed",
        correlation_id=correlation_id(request),
        detail={"via": "portal", "role": request.state.portal_session.role},
        target="portal",
    )
    return redirect(target if target != "/portal/" else HOME.get(request.state.portal_session.role, "/portal/"))


@router.post("/logout")
async def logout(request: Request, _: Public) -> Response:
    await form(request)
    session: sessions.Session = request.state.portal_session
    if session.signed_in and session.token:
        try:
            claims = await call(grant_service(request).verify_any, session.token)
        except Exception:  # an expired or revoked login still logs out, anonymously
            claims = None
        await call(
            request.app.state.query_service.auditor.record,
            "logout",
            grant=claims,
            outcome="allowed",
            correlation_id=correlation_id(request),
            detail={"via": "portal"},
            target="portal",
        )
    request.state.portal_session = sessions.fresh(request.app.state.portal_config.session_seconds)
    return redirect("/portal/login")


@router.get("/oauth/start")
async def oauth_start(request: Request, _: Public) -> Response:
    return await hub_oauth.start(request)


@router.get("/oauth_callback")
async def oauth_callback(request: Request, _: Public) -> Response:
    return await hub_oauth.finish(request)


@router.get("/static/{path:path}")
async def static(path: str, _: Public) -> Response:
    target = (STATIC / path).resolve()
    if not target.is_file() or not target.is_relative_to(STATIC):
        raise not_found("file", "文件")
    return FileResponse(target, headers={"Cache-Control": "public, max-age=3600"})
