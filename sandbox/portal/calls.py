"""Calling services from routes: in a worker thread (they block), domain errors turned into error pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from sandbox.portal import sessions
from sandbox.portal.errors import PortalError, bad_csrf, from_domain

T = TypeVar("T")


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return await run_in_threadpool(fn, *args, **kwargs)
    except PortalError:
        raise
    except Exception as error:
        raise from_domain(error) from None


async def form(request: Request) -> dict[str, str]:
    """The POSTed form after its CSRF token is checked against the session (refused before anything runs)."""
    data = await request.form()
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    session: sessions.Session = request.state.portal_session
    if not sessions.csrf_ok(session, request.app.state.portal_config.session_key, fields.get("csrf")):
        raise bad_csrf()
    return fields


def correlation_id(request: Request) -> str:
    return str(request.state.correlation_id)
