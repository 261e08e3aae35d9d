"""The navigation each role sees: (path, label msgid). Labels are translated in the layout."""

from __future__ import annotations

from typing import Final, NamedTuple


class NavItem(NamedTuple):
    path: str
    label: str
    current: bool


NAV: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "auditor": (
        ("/portal/audit/events", "Audit events"),
        ("/portal/audit/integrity", "Integrity"),
    ),
    "admin": (
        ("/portal/admin/grants", "Grants"),
        ("/portal/admin/catalog", "Catalogue"),
        ("/portal/admin/reports", "Overdue reports"),
        ("/portal/audit/events", "Audit events"),
        ("/portal/audit/integrity", "Integrity"),
    ),
    "enterprise": (
        ("/portal/me", "My grants"),
        ("/portal/me/exports", "Export requests"),
        ("/portal/me/reports", "Half-yearly report"),
    ),
    "reviewer": (("/portal/review", "Review queue"),),
    "department": (
        ("/portal/dept", "Usage and credits"),
        ("/portal/dept/documents", "Statements and certificates"),
    ),
}

HOME: Final = {role: items[0][0] for role, items in NAV.items()}


def nav_for(role: str | None, path: str) -> list[NavItem]:
    items = NAV.get(role or "", ())
    # The longest matching prefix is the current page (so /portal/me/exports does not also light /portal/me).
    best = max((p for p, _ in items if path == p or path.startswith(p + "/")), key=len, default=None)
    return [NavItem(p, label, p == best) for p, label in items]
