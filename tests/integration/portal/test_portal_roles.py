"""A role check on every portal route: the test walks the app's routes, so a new page without one fails.

For each route, each role it does not name gets 403 (before any handler code runs, POSTs included),
an anonymous browser is sent to the login page, and only the login/static routes are public.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from portal_support import ROLES, Portal, browser, login

from sandbox.gateway import create_app
from sandbox.portal.auth import Need

PUBLIC_ROUTES = {
    ("GET", "/portal/"),
    ("GET", "/portal/login"),
    ("POST", "/portal/login"),
    ("POST", "/portal/logout"),
    ("GET", "/portal/oauth/start"),
    ("GET", "/portal/oauth_callback"),
    ("GET", "/portal/static/{path:path}"),
}
SAMPLE = {"seq": "1", "jti": "00000000-0000-0000-0000-000000000000", "name": "tourism.tour_scenic_spot"}


def portal_routes(portal: Portal) -> list[tuple[str, str, frozenset[str] | None]]:
    """(method, path, roles or None when public) for every route under /portal, read from its Need."""
    found = []
    for route in walk(create_app(portal.settings).routes):
        if not route.path.startswith("/portal"):
            continue
        needs = [d.call for d in route.dependant.dependencies if isinstance(d.call, Need)]
        assert len(needs) == 1, f"{route.path} must declare exactly one Need (found {len(needs)})"
        for method in sorted(route.methods):
            found.append((method, route.path, None if needs[0].public else needs[0].roles))
    return found


def walk(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, including those of included routers (FastAPI wraps them in recent versions)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from walk(route.original_router.routes)


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:path)?\}", lambda m: SAMPLE.get(m.group(1), "x-0000"), path)


@pytest.fixture(scope="module")
def signed_in(portal_home: Portal, portal_url: str) -> Iterator[dict[str, httpx.Client]]:
    clients = {}
    for role in ROLES:
        client = browser(portal_url)
        assert login(client, portal_home.tokens[role]).status_code == 303
        clients[role] = client
    yield clients
    for client in clients.values():
        client.close()


def test_only_the_login_and_static_routes_are_public(portal_home: Portal) -> None:
    routes = portal_routes(portal_home)
    assert len(routes) >= 25
    assert {(m, p) for m, p, roles in routes if roles is None} == PUBLIC_ROUTES


def test_every_route_refuses_every_role_it_does_not_name(
    portal_home: Portal, signed_in: dict[str, httpx.Client]
) -> None:
    checked = 0
    for method, path, roles in portal_routes(portal_home):
        if roles is None:
            continue
        for role in set(ROLES) - roles:
            answer = signed_in[role].request(method, concrete(path), data={} if method == "POST" else None)
            assert answer.status_code == 403, (method, path, role, answer.status_code)
            assert "portal.forbidden" in answer.text
            checked += 1
    assert checked >= 60


def test_every_route_sends_an_anonymous_browser_to_the_login_page(portal_home: Portal, client: httpx.Client) -> None:
    for method, path, roles in portal_routes(portal_home):
        if roles is None:
            continue
        answer = client.request(method, concrete(path), data={} if method == "POST" else None)
        assert answer.status_code == 303, (method, path)
        assert answer.headers["location"].startswith("/portal/login?next=")


def test_each_role_lands_on_its_own_home_page(portal_home: Portal, signed_in: dict[str, httpx.Client]) -> None:
    homes = {
        "enterprise": "/portal/me",
        "reviewer": "/portal/review",
        "auditor": "/portal/audit/events",
        "department": "/portal/dept",
        "admin": "/portal/admin/grants",
    }
    for role, home in homes.items():
        landing = signed_in[role].get("/portal/")
        assert landing.status_code == 303 and landing.headers["location"] == home
        page = signed_in[role].get(home)
        assert page.status_code == 200, (role, page.text[:500])
