"""Shared setup for the portal's tests: a real home over the tiny warehouse, tokens per role, a session.

Imported by the portal test modules (``from portal_support import …``); pytest puts this folder on sys.path.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sandbox.gateway import create_app
from sandbox.grants.bootstrap import grant_service, init_grants
from sandbox.grants.pseudonyms import ensure_pseudonym_secret
from sandbox.services.catalog import dataset_scenarios
from sandbox.services.home import ensure_home
from sandbox.settings import Settings
from tests.integration.gateway_support import serve

ROLES = ("enterprise", "reviewer", "auditor", "department", "admin")
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
DEPARTMENT = "D01"  # owns the tourism datasets


def make_home(home: Path, warehouse: Path) -> Settings:
    """What `sandbox init` does, through the same service calls, over a copy of ``warehouse``."""
    home.mkdir(parents=True, exist_ok=True)
    copy = Path(shutil.copy(warehouse, home / "warehouse.duckdb"))
    settings = Settings.from_env({"SANDBOX_HOME": str(home), "SANDBOX_WAREHOUSE": str(copy)})
    ensure_home(settings)
    init_grants(settings)
    ensure_pseudonym_secret(settings)
    return settings


def staff_token(settings: Settings, role: str, user: str | None = None, department: str | None = None) -> str:
    with grant_service(settings) as service:
        dept = department or (DEPARTMENT if role == "department" else None)
        return service.issue_staff_token(user=user or f"{role}-one", role=role, department=dept, days=1).token


def grant_token(
    settings: Settings, user: str = "dev-tour", enterprise: str = "ent-a", scenario: str = "tourism"
) -> str:
    with grant_service(settings) as service:
        return service.issue_grant(
            user=user,
            enterprise=enterprise,
            scenario=scenario,
            known_datasets=dataset_scenarios(settings.policies),
            epsilon=2.0,
        ).token


@dataclass
class Portal:
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)


def tokens_for(settings: Settings) -> dict[str, str]:
    tokens = {role: staff_token(settings, role) for role in ROLES if role != "enterprise"}
    tokens["enterprise"] = grant_token(settings)
    return tokens


@contextmanager
def portal_server(settings: Settings) -> Iterator[str]:
    """The gateway app (portal included) over its real services, served over real HTTP."""
    with serve(create_app(settings)) as url:
        yield url


def browser(url: str) -> httpx.Client:
    """A fresh cookie jar, as a new browser would have; redirects are left to the test."""
    return httpx.Client(base_url=url, follow_redirects=False, timeout=60)


def csrf_of(page: httpx.Response) -> str:
    found = CSRF_FIELD.search(page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login(client: httpx.Client, token: str) -> httpx.Response:
    """Sign ``client`` in with ``token`` through the login form, as a browser does."""
    page = client.get("/portal/login")
    return client.post("/portal/login", data={"token": token, "csrf": csrf_of(page), "next": "/portal/"})
