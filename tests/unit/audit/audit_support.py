"""Event factories shared by the audit unit tests."""

from __future__ import annotations

from audit import AuditEvent


def query_event(
    i: int, *, actor: str = "analyst-1", enterprise: str = "E001", dataset: str = "tourism.visits"
) -> AuditEvent:
    return AuditEvent(
        "query",
        actor,
        "allowed",
        target=dataset,
        enterprise=enterprise,
        grant="jti-1",
        correlation_id=f"req-{i}",
        detail={"sql": f"SELECT count(*) FROM {dataset} WHERE k = {i}", "datasets": [dataset], "rows": 1},
    )
