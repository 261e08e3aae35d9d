"""Half-yearly security self-reports (安全自查报告, pilot plan §(五), requirement F3).

The platform prefills what it knows from metering (projects = grants, datasets touched, queries,
exports); the enterprise completes incidents, personnel changes and measures and submits once.
A half-year's report is overdue ``due_days`` after the half ends for every enterprise that held a
grant during it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sandbox.credits.errors import already_exists, report_incomplete
from sandbox.credits.periods import Period, half, halves_between
from sandbox.credits.service import CreditService
from sandbox.credits.signing import canonical
from sandbox.credits.store import StoredReport
from sandbox.grants.records import GrantRecord

FIELDS = ("incidents", "personnel_changes", "measures")
MAX_FIELD = 8000


def prefill(service: CreditService, enterprise: str, period: Period, grants: Sequence[GrantRecord]) -> dict[str, Any]:
    activity = service.enterprise_view(enterprise, period)
    projects = [
        {
            "grant": g.jti,
            "user": g.subject,
            "scenario": g.scenario,
            "datasets": list(g.datasets),
            "from": g.not_before.isoformat(),
            "until": g.expires_at.isoformat(),
            "revoked": g.revoked_at is not None,
        }
        for g in _held(grants, enterprise, period)
    ]
    return {
        "enterprise": enterprise,
        "half": period.name,
        "projects": projects,
        "datasets_touched": activity["datasets"],
        "queries": activity["queries"],
        "exports": activity["jobs"],
        "incidents": "",
        "personnel_changes": "",
        "measures": "",
    }


def submit(
    service: CreditService,
    enterprise: str,
    period: Period,
    grants: Sequence[GrantRecord],
    answers: dict[str, str],
    *,
    by: str,
    now: datetime,
) -> dict[str, Any]:
    """Store the completed report (once); raises when a field is empty or the report already exists."""
    if service.store.report(enterprise, period.name) is not None:
        raise already_exists("self-report", "自查报告")
    for name in FIELDS:
        value = answers.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_FIELD:
            raise report_incomplete(name)
    document = {**prefill(service, enterprise, period, grants), **{k: answers[k].strip() for k in FIELDS}}
    document |= {"submitted_by": by, "submitted_at": now.isoformat()}
    text = canonical(document).decode()
    digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    if not service.store.add_report(StoredReport(enterprise, period.name, by, now, digest, text)):
        raise already_exists("self-report", "自查报告")
    return {"report": document, "hash": digest}


def stored(service: CreditService, enterprise: str, name: str) -> dict[str, Any] | None:
    found = service.store.report(enterprise, name)
    return None if found is None else {"report": json.loads(found.document), "hash": found.hash}


def overdue(service: CreditService, grants: Sequence[GrantRecord], now: datetime) -> list[dict[str, Any]]:
    """Every (enterprise, half-year) whose report is past due and not submitted."""
    due_after = timedelta(days=service.params.report_due_days)
    out: list[dict[str, Any]] = []
    enterprise_grants = [g for g in grants if g.kind == "grant" and g.enterprise]
    if not enterprise_grants:
        return []
    first = min(g.not_before for g in enterprise_grants)
    for name in halves_between(first, now):
        period = half(name)
        due = period.until + due_after
        if due > now:
            continue
        submitted = {r.enterprise for r in service.store.reports(name)}
        held = sorted({g.enterprise or "" for g in enterprise_grants if _overlaps(g, period)})
        out.extend(
            {"enterprise": e, "half": name, "due": due.isoformat(), "days_overdue": (now - due).days}
            for e in held
            if e not in submitted
        )
    return out


def _held(grants: Sequence[GrantRecord], enterprise: str, period: Period) -> list[GrantRecord]:
    return [g for g in grants if g.kind == "grant" and g.enterprise == enterprise and _overlaps(g, period)]


def _overlaps(grant: GrantRecord, period: Period) -> bool:
    end = grant.revoked_at or grant.expires_at
    return grant.not_before < period.until and end > period.since
