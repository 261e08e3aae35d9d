"""JSON views of a request: what the requester sees, and what a reviewer sees (blind until the quorum is in)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.exports.model import ExportRequest, Review

TS = "%Y-%m-%dT%H:%M:%S.%fZ"


def ts(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime(TS)


def _review(r: Review, *, with_reviewer: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "turn": r.turn,
        "decision": r.decision,
        "comment": r.comment,
        "file_comments": r.file_comments,
        "decided_at": ts(r.decided_at),
    }
    if with_reviewer:
        out["reviewer"] = r.reviewer
    return out


def _base(req: ExportRequest) -> dict[str, Any]:
    return {
        "id": req.id,
        "state": req.state.value,
        "turn": req.turn,
        "requester": req.requester,
        "enterprise": req.enterprise,
        "purpose": req.purpose,
        "context": req.context,
        "files": [{"name": f.name, "sha256": f.sha256, "size": f.size, "kind": f.kind} for f in req.files],
        "findings": [f.as_dict() for f in req.findings],
        "checks_run": list(req.checks_run),
        "policy_version": req.policy_version,
        "required_reviews": req.required_reviews,
        "source_result_ids": req.source_result_ids,
        "created_at": ts(req.created_at),
        "updated_at": ts(req.updated_at),
        "bundle_sha256": req.bundle_sha256,
        "released_at": ts(req.released_at),
        "revoked_at": ts(req.revoked_at),
    }


def turn_complete(req: ExportRequest) -> bool:
    return len(req.current_reviews()) >= req.required_reviews


def requester_view(req: ExportRequest) -> dict[str, Any]:
    """Decisions and comments of finished turns only; reviewers stay anonymous to the requester."""
    done = [r for r in req.reviews if r.turn < req.turn or turn_complete(req)]
    return _base(req) | {"reviews": [_review(r, with_reviewer=False) for r in done]}


def reviewer_view(req: ExportRequest, reviewer: str) -> dict[str, Any]:
    """Everything needed to decide, including the source SQL; the other reviewer's decision on this turn
    stays hidden until every required review is in (blind, independent reviews)."""
    visible = [r for r in req.reviews if r.turn < req.turn or turn_complete(req) or r.reviewer == reviewer]
    return _base(req) | {
        "sources": [s.as_dict() for s in req.sources],
        "datasets": req.datasets,
        "max_level": req.max_level,
        "reviews": [_review(r, with_reviewer=True) for r in visible],
        "reviews_pending": max(0, req.required_reviews - len(req.current_reviews())),
    }
