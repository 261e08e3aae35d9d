"""The airlock use cases: submit, check, review, release, download, revoke — each transition audited.

Who may act: the requester (a grant token) submits, resubmits, reads and downloads their own requests;
bureau reviewers (staff role ``reviewer``/``admin``) list and review others' requests; an admin revokes.
A reviewer never reviews a request they made, nor one from an enterprise they hold a grant in.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import audit
from sandbox.catalog import Catalog, Role
from sandbox.exports import views
from sandbox.exports.blobs import BlobStore
from sandbox.exports.checks import CHECKS, CheckContext, CheckLimits, EarlierTable, SubmittedFile, run_checks
from sandbox.exports.errors import ExportForbidden, forbidden, not_found, rejected
from sandbox.exports.intake import intake, require_text
from sandbox.exports.model import POLICY_VERSION, ExportRequest, FrozenFile, Review, SourceQuery
from sandbox.exports.release import ReleaseSigner
from sandbox.exports.sources import DEFAULT_K, resolve_sources
from sandbox.exports.states import State, transition
from sandbox.exports.store import ExportStore
from sandbox.grants import GrantClaims, GrantService, StaffClaims
from sandbox.pii import FileRejected
from sandbox.queries.errors import AuditUnavailable, missing_token

log = logging.getLogger("sandbox.exports")

REVIEWER_ROLES = frozenset({"reviewer", "admin"})
DECISIONS = ("approve", "return", "reject")
SEVERE = frozenset({"block", "review"})
TWO_REVIEWER_KINDS = frozenset({"notebook", "model_json", "model_onnx", "model_skops"})
_RETRIES = 5


@dataclass(frozen=True)
class ReviewInput:
    decision: str
    comment: str = ""
    file_comments: dict[str, str] | None = None
    turn: int | None = None  # the turn the reviewer looked at; a stale one is refused


class ExportService:
    def __init__(
        self,
        *,
        store: ExportStore,
        blobs: BlobStore,
        grants: GrantService,
        catalog: Catalog,
        log: audit.SequencedLog,
        signer: ReleaseSigner,
        limits: CheckLimits | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.grants = grants
        self.catalog = catalog
        self._log = log
        self.signer = signer
        self.limits = limits or CheckLimits()
        self._now = clock

    # -- requester ---------------------------------------------------------------------------------------

    def submit(
        self,
        token: str | None,
        files: list[tuple[str, bytes]],
        *,
        purpose: str | None,
        context: str | None,
        source_result_ids: Sequence[str],
        correlation_id: str,
    ) -> dict[str, Any]:
        """Freeze, check and file a new request; any refusal stores nothing (and is audited)."""
        grant = self._requester(token, "export.request", correlation_id)
        try:
            purpose_text = require_text(purpose, "purpose", "用途")
            context_text = require_text(context, "context", "背景说明")
            sources = resolve_sources(source_result_ids, grant.enterprise, self._log, self.catalog)
            submitted = intake(files)
        except Exception as error:
            self._refused("export.request", grant, error, correlation_id)
            raise
        now = self._now()
        request = ExportRequest(
            id=f"x-{uuid.uuid4().hex}",
            requester=grant.sub,
            enterprise=grant.enterprise,
            grant=grant.jti,
            purpose=purpose_text,
            context=context_text,
            state=State.DRAFT,
            turn=0,
            files=(),
            sources=sources,
            findings=(),
            required_reviews=0,
            policy_version=POLICY_VERSION,
            created_at=now,
            updated_at=now,
        )
        checked = self._check(request, submitted, grant, correlation_id, action="submit")
        # Files durable → audit events durable → row committed: no request exists without its audit trail.
        try:
            self._audit_checked(checked, grant, correlation_id)
            self.store.create(checked)
        except Exception as error:
            self.blobs.discard(request.id)
            if not isinstance(error, AuditUnavailable):
                self._refused("export.request", grant, error, correlation_id, request.id)
            raise
        return views.requester_view(checked)

    def resubmit(
        self,
        token: str | None,
        request_id: str,
        files: list[tuple[str, bytes]],
        *,
        context: str | None,
        correlation_id: str,
    ) -> dict[str, Any]:
        """A new turn with new files (a changed file loses every review); checks run again."""
        grant = self._requester(token, "export.request", correlation_id)
        request, version = self._own(grant, request_id)
        try:
            transition(request.state, "resubmit")
            submitted = intake(files)
            context_text = require_text(context, "context", "背景说明") if context else request.context
        except Exception as error:
            self._refused("export.request", grant, error, correlation_id, request_id)
            raise
        base = replace(request, context=context_text, updated_at=self._now())
        checked = self._check(base, submitted, grant, correlation_id, action="resubmit")
        self._audit_checked(checked, grant, correlation_id)
        if not self.store.save(checked, version=version):
            changed = rejected("changed", "The request changed meanwhile; reload it.", "申请已被更改；请刷新后重试。")
            self._refused("export.request", grant, changed, correlation_id, request_id)
            raise changed
        return views.requester_view(checked)

    def get(self, token: str | None, request_id: str, *, correlation_id: str) -> dict[str, Any]:
        claims = self._identify(token)
        if isinstance(claims, GrantClaims):
            return views.requester_view(self._own(claims, request_id)[0])
        staff = self._reviewer(claims, "export.review", correlation_id)
        request = self._load(request_id)[0]
        self._audit("export.review", staff, request, "allowed", correlation_id, {"action": "view"})
        return views.reviewer_view(request, staff.sub)

    def listing(self, token: str | None, state: str | None, *, correlation_id: str) -> dict[str, Any]:
        """A requester's own requests, or (reviewers) every request in ``state`` (default AWAITING_REVIEW)."""
        claims = self._identify(token)
        wanted = _states(state)
        if isinstance(claims, GrantClaims):
            found = self.store.list(enterprise=claims.enterprise, requester=claims.sub, states=wanted)
            return {"exports": [views.requester_view(r) for r in found]}
        staff = self._reviewer(claims, "export.review", correlation_id)
        found = self.store.list(states=wanted or {State.AWAITING_REVIEW})
        return {"exports": [views.reviewer_view(r, staff.sub) for r in found]}

    def bundle(self, token: str | None, request_id: str, *, correlation_id: str) -> tuple[str, bytes]:
        """(file name, bytes) of the signed bundle: the requester only, released requests only, audited."""
        grant = self._requester(token, "export.download", correlation_id)
        request = self._own(grant, request_id)[0]
        if request.state is not State.RELEASED or request.bundle_sha256 is None:
            error = rejected(
                "not_released",
                f"Request {request.id} has no released bundle (state {request.state.value}).",
                f"申请 {request.id} 没有可下载的发布包（状态 {request.state.value}）。",
            )
            self._refused("export.download", grant, error, correlation_id, request.id)
            raise error
        data = self.blobs.get(request.id, request.bundle_sha256)
        self._audit(
            "export.download", grant, request, "allowed", correlation_id, {"bundle_sha256": request.bundle_sha256}
        )
        return f"{request.id}.zip", data

    # -- reviewers and admin -----------------------------------------------------------------------------

    def view_file(self, token: str | None, request_id: str, name: str, *, correlation_id: str) -> bytes:
        """A reviewer reads a frozen file (in the portal); every view is audited."""
        staff = self._reviewer(self._identify(token), "export.review", correlation_id)
        request = self._load(request_id)[0]
        frozen = next((f for f in request.files if f.name == name), None)
        if frozen is None:
            raise not_found(request_id)
        self._audit(
            "export.review",
            staff,
            request,
            "allowed",
            correlation_id,
            {"action": "view_file", "file": name, "sha256": frozen.sha256},
        )
        return self.blobs.get(request.id, frozen.sha256)

    def review(self, token: str | None, request_id: str, given: ReviewInput, *, correlation_id: str) -> dict[str, Any]:
        staff = self._reviewer(self._identify(token), "export.review", correlation_id)
        for _ in range(_RETRIES):
            request, version = self._load(request_id)
            try:
                review, action = self._decide(staff, request, given)
                target = transition(request.state, action).target
            except Exception as error:
                self._refused("export.review", staff, error, correlation_id, request_id)
                raise
            updated = replace(request, state=target, updated_at=review.decided_at, reviews=(*request.reviews, review))
            if self.store.save(updated, version=version, review=review):
                break
        else:
            raise rejected("busy", "The request is being changed by others; try again.", "该申请正被他人修改；请重试。")
        detail = {"action": action, "decision": review.decision, "turn": review.turn, "file_hashes": _hashes(updated)}
        self._audit("export.review", staff, updated, "allowed", correlation_id, detail)
        if updated.state is State.APPROVED:
            updated = self._release(updated, version + 1, correlation_id)
        return views.reviewer_view(updated, staff.sub)

    def revoke(self, token: str | None, request_id: str, reason: str | None, *, correlation_id: str) -> dict[str, Any]:
        claims = self._identify(token)
        if not isinstance(claims, StaffClaims) or claims.role != "admin":
            error = forbidden("admin_only", "Only a bureau admin may revoke a release.", "仅数据局管理员可撤销发布。")
            self._refused("export.revoke", claims, error, correlation_id, request_id)
            raise error
        text = require_text(reason, "reason", "撤销原因")
        request, version = self._load(request_id)
        target = transition(request.state, "revoke").target
        now = self._now()
        updated = replace(request, state=target, revoked_at=now, revoke_reason=text, updated_at=now)
        if not self.store.save(updated, version=version):
            raise rejected("changed", "The request changed meanwhile; reload it.", "申请已被更改；请刷新后重试。")
        self.signer.publish(self.revocations())
        self._audit(
            "export.revoke",
            claims,
            updated,
            "allowed",
            correlation_id,
            {"reason": text, "bundle_sha256": updated.bundle_sha256},
        )
        return views.reviewer_view(updated, claims.sub)

    def release(self, token: str | None, request_id: str, *, correlation_id: str) -> dict[str, Any]:
        """Build the bundle of an APPROVED request whose release failed part-way (admin; the same code path)."""
        claims = self._identify(token)
        if not isinstance(claims, StaffClaims) or claims.role != "admin":
            error = forbidden("admin_only", "Only a bureau admin may retry a release.", "仅数据局管理员可重试发布。")
            self._refused("export.release", claims, error, correlation_id, request_id)
            raise error
        request, version = self._load(request_id)
        transition(request.state, "release")
        return views.reviewer_view(self._release(request, version, correlation_id), claims.sub)

    def revocations(self) -> dict[str, Any]:
        """The signed, published revocation list (anyone may read it; bundles are checked against it)."""
        entries = [
            {
                "request_id": r.id,
                "bundle_sha256": r.bundle_sha256,
                "revoked_at": views.ts(r.revoked_at),
                "reason": r.revoke_reason,
            }
            for r in self.store.list(states={State.REVOKED})
        ]
        return self.signer.revocation_list(entries, views.ts(self._now()) or "")

    # -- internals ---------------------------------------------------------------------------------------

    def _check(
        self, request: ExportRequest, submitted: list[SubmittedFile], grant: GrantClaims, cid: str, *, action: str
    ) -> ExportRequest:
        """Run every check, then freeze the files durably; returns the request in BLOCKED or AWAITING_REVIEW."""
        checking = transition(request.state, action).target
        ctx = CheckContext(
            files=tuple(submitted),
            sources=request.sources,
            k=max((s.k for s in request.sources), default=DEFAULT_K),
            identifier_columns=self._identifiers(request.sources),
            earlier=self._earlier(request),
            limits=self.limits,
        )
        try:
            findings = run_checks(ctx)
        except FileRejected as error:
            from sandbox.exports.intake import refused_file

            refusal = refused_file(error)
            self._refused("export.request", grant, refusal, cid, request.id)
            raise refusal from None
        blocked = any(f.severity == "block" for f in findings)
        outcome = transition(checking, "block" if blocked else "pass").target
        frozen = []
        try:
            for f in submitted:
                frozen.append(FrozenFile(f.name, self.blobs.put(request.id, f.data), len(f.data), f.kind))
        except Exception:
            if request.turn == 0:
                self.blobs.discard(request.id)
            raise
        clean = not any(f.severity in SEVERE for f in findings)
        simple = clean and request.max_level <= 2 and not any(f.kind in TWO_REVIEWER_KINDS for f in submitted)
        return replace(
            request,
            state=outcome,
            turn=request.turn + 1,
            files=tuple(frozen),
            findings=tuple(findings),
            required_reviews=1 if simple else 2,
            checks_run=tuple(name for name, _ in CHECKS),
            policy_version=POLICY_VERSION,
        )

    def _decide(self, staff: StaffClaims, request: ExportRequest, given: ReviewInput) -> tuple[Review, str]:
        if staff.sub == request.requester:
            raise forbidden("self_review", "A requester never reviews their own request.", "申请人不得审核自己的申请。")
        if any(
            g.subject == staff.sub and g.enterprise == request.enterprise
            for g in self.grants.list_grants(include_revoked=True)
        ):
            raise forbidden(
                "same_enterprise",
                "A reviewer may not review a request from an enterprise they hold an authorization in.",
                "审核员不得审核其持有授权的企业提交的申请。",
            )
        if any(r.reviewer == staff.sub for r in request.current_reviews()):
            raise forbidden("already_reviewed", "You already decided on this turn.", "您已对本轮作出决定。")
        if given.turn is not None and given.turn != request.turn:
            raise rejected(
                "stale_turn", "The request changed since you looked at it; reload it.", "您查看后申请已更改；请刷新。"
            )
        if given.decision not in DECISIONS:
            raise rejected(
                "bad_decision",
                "decision must be approve, return or reject.",
                "decision 须为 approve、return 或 reject。",
            )
        comments = {k: v.strip() for k, v in (given.file_comments or {}).items() if isinstance(v, str) and v.strip()}
        if given.decision == "return" and any(f.name not in comments for f in request.files):
            raise rejected(
                "comment_per_file",
                "Returning a request needs a comment on every file (rule: return comments).",
                "退回申请须对每个文件填写意见（规则：退回意见）。",
            )
        if given.decision == "reject" and not given.comment.strip():
            raise rejected("reason_required", "Rejecting needs a reason.", "驳回须填写理由。")
        review = Review(staff.sub, request.turn, given.decision, given.comment.strip(), comments, self._now())
        decided = [*request.current_reviews(), review]
        if len(decided) < request.required_reviews:
            return review, "review"
        verdicts = {r.decision for r in decided}  # the strictest decision wins
        return review, "reject" if "reject" in verdicts else "return" if "return" in verdicts else "approve"

    def _release(self, request: ExportRequest, version: int, cid: str) -> ExportRequest:
        files = [(f.name, self.blobs.get(request.id, f.sha256)) for f in request.files]
        now = self._now()
        data = self.signer.bundle(request, files, now)
        digest = self.blobs.put(request.id, data)
        target = transition(request.state, "release").target
        released = replace(request, state=target, bundle_sha256=digest, released_at=now, updated_at=now)
        if not self.store.save(released, version=version):
            raise rejected("changed", "The request changed meanwhile; reload it.", "申请已被更改；请刷新后重试。")
        detail = {
            "source_result_ids": released.source_result_ids,
            "datasets": released.datasets,
            "files": _hashes(released),
            "bundle_sha256": digest,
            "reviewers": sorted({r.reviewer for r in released.current_reviews()}),
            "policy_version": released.policy_version,
        }
        self._audit("export.release", None, released, "allowed", cid, detail)
        return released

    def _identifiers(self, sources: tuple[SourceQuery, ...]) -> frozenset[str]:
        names = set()
        for source in sources:
            for name in source.datasets:
                dataset = self.catalog.dataset(name)
                if dataset is not None:
                    names |= {c.name.lower() for c in dataset.columns if c.role is Role.IDENTIFIER}
        return frozenset(names)

    def _earlier(self, request: ExportRequest) -> tuple[EarlierTable, ...]:
        from sandbox.exports.checks.base import as_numbers
        from sandbox.exports.intake import TABLE_KINDS
        from sandbox.pii import FileKind, read_table

        tables = []
        for old in self.store.list(enterprise=request.enterprise, states={State.RELEASED, State.REVOKED}):
            for f in old.files:
                if f.kind in TABLE_KINDS:
                    try:
                        table = as_numbers(read_table(FileKind(f.kind), self.blobs.get(old.id, f.sha256)))
                    except FileRejected:
                        continue
                    tables.append(EarlierTable(old.id, f.name, table))
        return tuple(tables)

    def _identify(self, token: str | None) -> GrantClaims | StaffClaims:
        if not token:
            raise missing_token()
        return self.grants.verify_any(token)

    def _requester(self, token: str | None, action: str, cid: str) -> GrantClaims:
        claims = self._identify(token)
        if not isinstance(claims, GrantClaims):
            error = forbidden(
                "requester_only",
                "Only an enterprise authorization (grant token) may request or download exports.",
                "仅企业授权令牌可申请或下载导出。",
            )
            self._refused(action, claims, error, cid)
            raise error
        return claims

    def _reviewer(self, claims: GrantClaims | StaffClaims, action: str, cid: str) -> StaffClaims:
        if not isinstance(claims, StaffClaims) or claims.role not in REVIEWER_ROLES:
            error = forbidden(
                "reviewer_only", "Only a bureau reviewer or admin may do this.", "仅数据局审核员或管理员可执行此操作。"
            )
            self._refused(action, claims, error, cid)
            raise error
        return claims

    def _own(self, grant: GrantClaims, request_id: str) -> tuple[ExportRequest, int]:
        request, version = self._load(request_id)
        if request.requester != grant.sub or request.enterprise != grant.enterprise:
            raise not_found(request_id)  # another's request does not exist for this caller
        return request, version

    def _load(self, request_id: str) -> tuple[ExportRequest, int]:
        found = self.store.get(request_id) if len(request_id) <= 64 else None
        if found is None:
            raise not_found(request_id)
        return found

    def _audit_checked(self, request: ExportRequest, grant: GrantClaims, cid: str) -> None:
        self._audit(
            "export.request",
            grant,
            request,
            "allowed",
            cid,
            {
                "turn": request.turn,
                "files": _hashes(request),
                "source_result_ids": request.source_result_ids,
                "purpose": request.purpose[:500],
            },
        )
        detail = {
            "turn": request.turn,
            "state": request.state.value,
            "policy_version": request.policy_version,
            "checks_run": list(request.checks_run),
            "findings": [
                {k: f.as_dict()[k] for k in ("check", "rule", "file", "location", "severity")}
                for f in request.findings[:200]
            ],
            "required_reviews": request.required_reviews,
        }
        self._audit("export.check", None, request, "allowed", cid, detail)

    def _refused(
        self,
        action: str,
        who: GrantClaims | StaffClaims | None,
        error: Exception,
        cid: str,
        request_id: str = "",
    ) -> None:
        code = getattr(error, "code", "internal.error")
        outcome = (
            "refused"
            if isinstance(error, ExportForbidden) or str(code).startswith(("export.", "token.", "grant."))
            else "error"
        )
        self._write(action, who, None, request_id, outcome, cid, {"code": code})

    def _audit(
        self,
        action: str,
        who: GrantClaims | StaffClaims | None,
        request: ExportRequest,
        outcome: str,
        cid: str,
        detail: dict[str, Any],
    ) -> None:
        self._write(action, who, request, request.id, outcome, cid, detail)

    def _write(
        self,
        action: str,
        who: GrantClaims | StaffClaims | None,
        request: ExportRequest | None,
        target: str,
        outcome: str,
        cid: str,
        detail: dict[str, Any],
    ) -> None:
        enterprise = request.enterprise if request else who.enterprise if isinstance(who, GrantClaims) else None
        event = audit.AuditEvent(
            type=action,
            actor=who.sub if who else "system",
            outcome=outcome,  # type: ignore[arg-type]
            target=target,
            enterprise=enterprise,
            grant=request.grant if request else who.jti if who else None,
            correlation_id=cid,
            detail={"role": getattr(who, "role", "requester" if isinstance(who, GrantClaims) else "system"), **detail},
        )
        try:
            self._log.append(event)
        except Exception:
            log.exception("audit append failed for %s %s", action, cid)
            raise AuditUnavailable() from None


def _hashes(request: ExportRequest) -> list[dict[str, str]]:
    return [{"name": f.name, "sha256": f.sha256} for f in request.files]


def _states(state: str | None) -> set[State] | None:
    if not state:
        return None
    try:
        return {State(state.upper())}
    except ValueError:
        raise rejected(
            "bad_state", f"state must be one of {', '.join(s.value for s in State)}.", "state 参数不是有效的状态名。"
        ) from None
