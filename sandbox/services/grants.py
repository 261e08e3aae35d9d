"""Authorization use cases: every issue and revocation is recorded in the audit log before it is reported."""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.grants.bootstrap import grant_service
from sandbox.grants.records import RevokeResult
from sandbox.grants.service import IssuedGrant, IssuedStaffToken
from sandbox.services import audit
from sandbox.services.catalog import dataset_scenarios, department_codes
from sandbox.settings import Settings


def issue_grant(
    settings: Settings,
    *,
    user: str,
    enterprise: str,
    scenario: str,
    datasets: Sequence[str] | None = None,
    epsilon: float | None = None,
    days: int | None = None,
) -> IssuedGrant:
    with grant_service(settings) as service:
        issued = service.issue_grant(
            user=user,
            enterprise=enterprise,
            scenario=scenario,
            known_datasets=dataset_scenarios(settings.policies),
            datasets=datasets,
            epsilon=epsilon,
            days=days,
        )
    claims = issued.claims
    audit.record(
        settings,
        "grant.issue",
        issued.jti,
        enterprise=enterprise,
        grant=issued.jti,
        detail={
            "user": user,
            "scenario": scenario,
            "datasets": list(claims.datasets),
            "epsilon": claims.epsilon,
            "expires": claims.expires_at.isoformat(),
        },
    )
    return issued


def revoke_grant(settings: Settings, jti: str, *, by: str, reason: str | None) -> RevokeResult:
    with grant_service(settings) as service:
        result = service.revoke(jti, by=by, reason=reason)
    if not result.already_revoked:
        record = result.record
        audit.record(
            settings, "grant.revoke", jti, enterprise=record.enterprise, grant=jti, detail={"reason": reason or ""}
        )
    return result


def issue_staff_token(
    settings: Settings, *, user: str, role: str, department: str | None, days: int | None
) -> IssuedStaffToken:
    with grant_service(settings) as service:
        issued = service.issue_staff_token(
            user=user,
            role=role,
            department=department,
            days=days,
            known_departments=department_codes(settings.policies),
        )
    audit.record(
        settings, "token.issue", issued.jti, detail={"user": user, "role": role, "department": department or ""}
    )
    return issued
