"""Who is asking and may they: the ``Need`` dependency every portal route declares, and token logins.

A route's roles are data on its dependency, so a test can enumerate the router and prove that each
route refuses every other role. The session's token is verified again on every request: a revoked or
expired authorization ends the portal session at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from sandbox.errors import GrantError
from sandbox.grants import GrantClaims, GrantService, StaffClaims
from sandbox.portal import sessions
from sandbox.portal.errors import LoginRequired, forbidden

ROLES: Final = ("enterprise", "reviewer", "auditor", "department", "admin")
ROLE_NAMES: Final = {
    "enterprise": ("enterprise", "开发利用主体"),
    "reviewer": ("reviewer", "审核员"),
    "auditor": ("auditor", "审计员"),
    "department": ("department", "供数部门"),
    "admin": ("bureau admin", "数据局管理员"),
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the routes see them, with the token to call services on their behalf."""

    user: str
    role: str
    token: str
    enterprise: str | None = None
    department: str | None = None


def claims_role(claims: GrantClaims | StaffClaims) -> str:
    return "enterprise" if isinstance(claims, GrantClaims) else claims.role


def signed_in(
    session: sessions.Session, claims: GrantClaims | StaffClaims, token: str, lifetime: int
) -> sessions.Session:
    """A new session (new id: no fixation) for ``claims``, keeping nothing of the anonymous one."""
    return sessions.fresh(
        lifetime,
        role=claims_role(claims),
        user=claims.sub,
        token=token,
        enterprise=claims.enterprise if isinstance(claims, GrantClaims) else None,
        department=claims.department if isinstance(claims, StaffClaims) else None,
    )


def grant_service(request: Request) -> GrantService:
    service: GrantService = request.app.state.query_service.grants
    return service


class Need:
    """Dependency: the session's user, who must hold one of ``roles`` (``public`` routes need no login)."""

    def __init__(self, *roles: str, public: bool = False) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown or (not roles and not public):
            raise ValueError(f"unknown or missing portal roles: {sorted(unknown)}")
        self.roles = frozenset(roles)
        self.public = public

    async def __call__(self, request: Request) -> Principal | None:
        session: sessions.Session = request.state.portal_session
        if self.public:
            return None
        if not session.signed_in or session.token is None or session.role is None or session.user is None:
            raise LoginRequired(_here(request))
        try:
            claims = await run_in_threadpool(grant_service(request).verify_any, session.token)
        except GrantError:
            request.state.portal_session = sessions.fresh(request.app.state.portal_config.session_seconds)
            raise LoginRequired(_here(request), "expired") from None
        if claims_role(claims) != session.role or claims.sub != session.user:
            request.state.portal_session = sessions.fresh(request.app.state.portal_config.session_seconds)
            raise LoginRequired(_here(request), "expired")
        if session.role not in self.roles:
            raise forbidden(" / ".join(ROLE_NAMES[r][0] for r in sorted(self.roles)))
        return Principal(session.user, session.role, session.token, session.enterprise, session.department)


PUBLIC: Final = Need(public=True)


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def safe_next(path: str | None) -> str:
    """Only a path inside the portal: never another site (an open redirect would aid phishing)."""
    if path and path.startswith("/portal/") and not path.startswith("/portal//") and "\\" not in path:
        return path
    return "/portal/"


def flash(request: Request, kind: str, message: str) -> None:
    session: sessions.Session = request.state.portal_session
    request.state.portal_session = replace(session, flash=[*session.flash, (kind, message)])
