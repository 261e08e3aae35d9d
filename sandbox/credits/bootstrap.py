"""Composition of the credit service from settings (used by the gateway's bootstrap and the CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import audit
from sandbox.catalog import load_catalog, read_registry
from sandbox.credits.api import CreditApi
from sandbox.credits.params import load_params
from sandbox.credits.service import CreditService
from sandbox.grants import GrantService
from sandbox.grants.bootstrap import grant_service
from sandbox.queries.auditing import Auditor
from sandbox.settings import Settings
from sandbox.state.credit_store import SqlCreditStore


def build_credit_api(settings: Settings, grants: GrantService, log: audit.SequencedLog, stack: ExitStack) -> CreditApi:
    """The credit API over an already open grant service and audit log; the store closes with ``stack``."""
    store = SqlCreditStore.from_url(settings.state_url)
    stack.callback(store.close)
    service = CreditService(
        store=store,
        log=log,
        catalog=load_catalog(settings.policies),
        registry=read_registry(settings.policies),
        params=load_params(settings.policies),
        grant_lookup=grants.store.get,
    )
    return CreditApi(service=service, grants=grants, auditor=Auditor(log), signing_key=grants.signing_key)


@contextmanager
def open_credit_api(settings: Settings) -> Iterator[CreditApi]:
    """Everything the CLI needs, opened and closed together."""
    with ExitStack() as stack:
        grants = stack.enter_context(grant_service(settings))
        log = stack.enter_context(audit.open_log(settings.audit_url, grants.signing_key))
        yield build_credit_api(settings, grants, log, stack)
