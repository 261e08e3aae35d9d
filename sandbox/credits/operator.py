"""Operator use cases for the CLI: meter, freeze statements, issue and verify certificates — each audited."""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import audit
from sandbox.credits import certificates
from sandbox.credits.periods import month
from sandbox.grants.keys import load_public_key

if TYPE_CHECKING:  # the API pulls in the query stack; verifying needs only the key
    from sandbox.credits.api import CreditApi


def actor() -> str:
    return f"cli:{getpass.getuser()}"


def _record(api: CreditApi, type_: str, detail: dict[str, Any]) -> None:
    event = audit.AuditEvent(type=type_, actor=actor(), outcome="succeeded", target="credits", detail=detail)
    api.service.log.append(event)


def meter(api: CreditApi) -> tuple[int, int]:
    """(records stored now, last metered audit seq)."""
    stored = api.service.meter()
    return stored, api.service.store.last_seq()


def show(api: CreditApi, department: str | None, period: str) -> dict[str, Any]:
    """A department's view, or the totals; the read is audited like the API's."""
    span = month(period)
    view = api.service.department_view(department, span) if department else api.service.totals(span)
    _record(api, "credits.read", {"department": department or "", "period": period})
    return view


def freeze_statement(api: CreditApi, department: str, period: str) -> tuple[dict[str, Any], bool]:
    from sandbox.credits import statements

    document, created = statements.freeze(api.service, api.signing_key, department, month(period), datetime.now(UTC))
    if created:
        _record(api, "credits.statement", {"department": department, "period": period, "hash": document["hash"]})
    return document, created


def statement_chain(api: CreditApi, department: str) -> list[dict[str, Any]]:
    return [json.loads(s.document) for s in api.service.store.statements(department)]


def verify_statements(paths: Sequence[Path], public_key_path: Path) -> list[dict[str, Any]]:
    from sandbox.credits import statements

    documents = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    return statements.verify_chain(documents, load_public_key(public_key_path))


def issue_certificate(api: CreditApi, department: str, dataset: str, period: str) -> tuple[str, dict[str, Any]]:
    jws, payload = certificates.issue(
        api.service, api.signing_key, department, dataset, month(period), datetime.now(UTC)
    )
    _record(api, "credits.certificate", {"department": department, "dataset": dataset, "period": period,
                                         "jti": payload["jti"]})  # fmt: skip
    return jws, payload


def verify_certificate(path: Path, public_key_path: Path) -> dict[str, Any]:
    return certificates.verify(path.read_text(encoding="utf-8"), load_public_key(public_key_path))
