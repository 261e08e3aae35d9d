"""Monthly statements (贡献收益明细): frozen once, hash-chained per department, signed by the bureau.

A statement's body carries the previous statement's hash, so removing, reordering or editing one
breaks the chain; the detached Ed25519 signature covers the canonical body bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sandbox.credits.errors import already_exists, chain_broken, period_open
from sandbox.credits.periods import Period
from sandbox.credits.signing import canonical, sign_document, verify_document
from sandbox.credits.store import StoredStatement

if TYPE_CHECKING:  # verifying a chain offline needs only the key
    from sandbox.credits.service import CreditService

STATEMENT_TYPE = "qdn.credits.statement"


def freeze(
    service: CreditService, key: Ed25519PrivateKey, department: str, period: Period, now: datetime
) -> tuple[dict[str, Any], bool]:
    """(signed statement, created): an existing statement is returned unchanged (frozen)."""
    if period.until > now:
        raise period_open()
    for _ in range(3):  # a concurrent freeze of another month may take our number: chain after it
        existing = service.store.statement(department, period.name)
        if existing is not None:
            return json.loads(existing.document), False
        document = _signed(service, key, department, period, now)
        body = document["body"]
        stored = StoredStatement(
            department, period.name, body["number"], document["hash"], body["prev_hash"], canonical(document).decode()
        )
        if service.store.add_statement(stored, now):
            return document, True
    raise already_exists("statement", "月度明细")


def _signed(
    service: CreditService, key: Ed25519PrivateKey, department: str, period: Period, now: datetime
) -> dict[str, Any]:
    view = service.department_view(department, period)  # meters first: the month is complete
    previous = service.store.last_statement(department)
    body = {
        "type": STATEMENT_TYPE,
        "version": 1,
        "number": 1 if previous is None else previous.number + 1,
        "prev_hash": None if previous is None else previous.hash,
        "issuer": service.params.issuer,
        "issued_at": now.isoformat(),
        "metered_through_seq": service.store.last_seq(),
        **view,
    }
    return sign_document(body, key)


def verify_chain(documents: Sequence[dict[str, Any]], public_key: Ed25519PublicKey) -> list[dict[str, Any]]:
    """Verify each statement's signature and that each links to the one before it (in number order)."""
    bodies = [verify_document(doc, public_key) for doc in documents]
    previous_hash: str | None = None
    for doc, body in zip(documents, bodies, strict=True):
        if body.get("type") != STATEMENT_TYPE or body.get("prev_hash") != previous_hash:
            raise chain_broken(str(body.get("period")))
        previous_hash = str(doc["hash"])
    return bodies
