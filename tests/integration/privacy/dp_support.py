"""A real home (keys, state DB, audit log) over a copy of the `tiny` warehouse, and the query service on it."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import audit
from sandbox.queries import QueryResult, QueryService
from sandbox.queries.bootstrap import open_query_service
from sandbox.queries.dp_answers import DpOptions
from sandbox.settings import Settings
from tests.integration.gateway_support import issue, make_home


def home(base: Path, warehouse: Path, state_url: str | None = None) -> Settings:
    base.mkdir(parents=True, exist_ok=True)
    target = Path(shutil.copy(warehouse, base / "warehouse.duckdb"))
    if state_url is None:
        return make_home(base, target)
    env = {"SANDBOX_HOME": str(base), "SANDBOX_WAREHOUSE": str(target), "SANDBOX_STATE_URL": state_url}
    settings = Settings.from_env(env)
    from sandbox.grants.bootstrap import init_grants
    from sandbox.grants.pseudonyms import ensure_pseudonym_secret
    from sandbox.services.home import ensure_home

    ensure_home(settings)
    init_grants(settings)
    ensure_pseudonym_secret(settings)
    return settings


def grant(settings: Settings, epsilon: float) -> str:
    token, _ = issue(settings, "dev-hpf", "housing_fund", epsilon=epsilon)
    return token


@contextmanager
def service(settings: Settings) -> Iterator[QueryService]:
    with open_query_service(settings) as opened:
        yield opened


def ask(svc: QueryService, token: str, sql: str, **options: Any) -> QueryResult:
    return svc.query(token, sql, correlation_id=f"c-{uuid.uuid4().hex}", options=DpOptions(**options))


def events(settings: Settings, kind: str) -> list[audit.AuditEvent]:
    with audit.open_log(settings.audit_url) as log:
        return [e.event for e in log.iter_events() if e.event.type == kind]
