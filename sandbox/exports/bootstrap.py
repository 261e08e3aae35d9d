"""Composition of the export service from settings (opened by the gateway's bootstrap)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import audit
from sandbox.catalog import Catalog
from sandbox.exports.blobs import BlobStore
from sandbox.exports.paths import exports_root, revocations_path
from sandbox.exports.release import ReleaseSigner
from sandbox.exports.service import ExportService
from sandbox.grants import GrantService
from sandbox.settings import Settings
from sandbox.state.export_store import SqlExportStore


@contextmanager
def open_export_service(
    settings: Settings, grants: GrantService, catalog: Catalog, log: audit.SequencedLog
) -> Iterator[ExportService]:
    store = SqlExportStore.from_url(settings.state_url)
    try:
        service = ExportService(
            store=store,
            blobs=BlobStore(exports_root(settings)),
            grants=grants,
            catalog=catalog,
            log=log,
            signer=ReleaseSigner(grants.signing_key, revocations_path(settings)),
        )
        service.signer.publish(service.revocations())  # a current signed list exists from the start
        yield service
    finally:
        store.close()
