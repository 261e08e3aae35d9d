"""Composition root of the query service: builds it from settings and closes what it opened."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import audit
from sandbox.catalog import load_catalog
from sandbox.grants.bootstrap import grant_service
from sandbox.grants.pseudonyms import derive_hash_key, load_pseudonym_secret
from sandbox.queries.audit_reader import AuditReader
from sandbox.queries.auditing import Auditor
from sandbox.queries.service import QueryConfig, QueryService
from sandbox.settings import Settings
from sandbox.state.ledger_store import SqlBudgetLedger
from sandbox.warehouse.executor import open_executor


@dataclass(frozen=True)
class GatewayServices:
    """What the gateway serves, over ONE audit log per process (one sequencer: gap-free, in order)."""

    query: QueryService
    audit: AuditReader
    credits: Any = None  # sandbox.credits.api.CreditApi (typed loosely: credits imports from queries)
    exports: Any = None  # sandbox.exports.service.ExportService (typed loosely: exports imports from queries)


@contextmanager
def open_query_service(settings: Settings, config: QueryConfig | None = None) -> Iterator[QueryService]:
    with open_gateway_services(settings, config) as services:
        yield services.query


@contextmanager
def open_gateway_services(settings: Settings, config: QueryConfig | None = None) -> Iterator[GatewayServices]:
    with ExitStack() as stack:
        grants = stack.enter_context(grant_service(settings))
        secret = load_pseudonym_secret(settings)  # read once: a missing or exposed secret fails at startup
        catalog = load_catalog(settings.policies)
        executor = open_executor(settings)
        stack.callback(executor.close)
        audit_log = audit.open_log(settings.audit_url, grants.signing_key)
        stack.callback(_close, audit_log)
        ledger = SqlBudgetLedger.from_url(settings.state_url)  # the state DB is migrated by grant_service
        stack.callback(ledger.close)
        query = QueryService(
            grants=grants,
            catalog=catalog,
            executor=executor,
            auditor=Auditor(audit_log),
            hash_key=functools.lru_cache(maxsize=4096)(functools.partial(derive_hash_key, secret)),
            config=config,
            ledger=ledger,
        )
        reader = AuditReader(grants=grants, log=audit_log, public_key_path=settings.public_key_path)
        from sandbox.credits.bootstrap import build_credit_api  # metering reads this same audit log

        credit_api = build_credit_api(settings, grants, audit_log, stack)
        from sandbox.exports.bootstrap import open_export_service  # the airlock shares this audit log

        exports = stack.enter_context(open_export_service(settings, grants, catalog, audit_log))
        yield GatewayServices(query=query, audit=reader, credits=credit_api, exports=exports)


def _close(resource: Any) -> None:
    close = getattr(resource, "close", None)
    if callable(close):
        close()
