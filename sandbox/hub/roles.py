"""RBAC for the hub: only the enterprise group gets servers; each staff group gets only its portal scope.

The built-in ``user`` role is redefined without ``servers``/``tokens``: staff cannot spawn and nobody
can mint API tokens. ``users:activity!user`` is kept where servers run, or activity posts fail and
the culler would stop busy servers.
"""

from __future__ import annotations

from typing import Any

GROUPS = ("enterprise", "reviewers", "auditors", "departments", "operators")

CUSTOM_SCOPES: dict[str, dict[str, str]] = {
    "custom:exports:review": {"description": "Review export requests · 审核导出申请"},
    "custom:audit:read": {"description": "Read the audit log · 查阅审计日志"},
    "custom:credits:read": {"description": "Read a department's contribution credits · 查看部门贡献积分"},
}
STAFF_SCOPES = {
    "reviewers": "custom:exports:review",
    "auditors": "custom:audit:read",
    "departments": "custom:credits:read",
}


def roles(portal_service: str | None) -> list[dict[str, Any]]:
    """The hub's roles; ``portal_service`` names the portal service once one is configured."""
    portal = [f"access:services!service={portal_service}"] if portal_service else []
    staff = [
        {"name": f"sandbox-{group}", "groups": [group], "scopes": [scope, *portal]}
        for group, scope in STAFF_SCOPES.items()
    ]
    return [
        {"name": "user", "scopes": ["read:users!user", "read:users:activity!user", "read:groups!user"]},
        {
            "name": "enterprise-sandbox",
            "groups": ["enterprise"],
            "scopes": [
                "servers!user",
                "access:servers!user",
                "read:servers!user",
                "delete:servers!user",
                "users:activity!user",
                *portal,  # their grants, budget, exports and reports
            ],
        },
        *staff,
        {
            "name": "sandbox-operators",
            "groups": ["operators"],
            "scopes": ["admin-ui", "list:users", "admin:servers", "read:users", *portal],
        },
        {
            "name": "idle-culler",
            "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        },
    ]
