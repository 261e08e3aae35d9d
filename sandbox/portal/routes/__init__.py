"""The portal's routers, one module per audience; every route declares its roles with ``Need``."""

from __future__ import annotations

from fastapi import APIRouter

from sandbox.portal.routes import admin, audit, department, enterprise, login, review

ROUTERS: tuple[APIRouter, ...] = (
    login.router,
    audit.router,
    admin.router,
    enterprise.router,
    review.router,
    department.router,
)
