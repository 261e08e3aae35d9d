"""Composition for adapters: set up keys and state (``sandbox init``) and build the grant service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sandbox.grants.keys import KeyInfo, create_signing_key, load_signing_key
from sandbox.grants.service import GrantConfig, GrantService
from sandbox.grants.sessions import SessionService
from sandbox.settings import Settings
from sandbox.state.grant_store import SqlGrantStore
from sandbox.state.migrate import migrate
from sandbox.state.session_store import SqlSessionStore


def init_grants(settings: Settings) -> KeyInfo:
    """Create the signing key (kept if present) and migrate the state database; idempotent."""
    info = create_signing_key(settings.signing_key_path, settings.public_key_path, settings.key_passphrase)
    migrate(settings.state_url)
    return info


@contextmanager
def grant_service(settings: Settings, config: GrantConfig | None = None) -> Iterator[GrantService]:
    """The grant service over the configured key and state database, closed on exit."""
    key = load_signing_key(settings.signing_key_path, settings.key_passphrase)
    store = SqlGrantStore.from_url(settings.state_url)
    session_store = SqlSessionStore.from_url(settings.state_url)
    try:
        service = GrantService(store=store, signing_key=key, config=config or GrantConfig())
        service.sessions = SessionService(store=session_store, grants=service)
        yield service
    finally:
        session_store.close()
        store.close()
