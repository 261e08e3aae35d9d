"""Token-checked use cases behind /v1/credits, /v1/certificates and /v1/reports (and the CLI's reads).

Who sees what: admin and auditor (the bureau) see every department; a ``department`` staff login
sees only its own department's data; an enterprise (grant token) sees only its own activity and its
own self-reports. Every call, allowed or refused, is an audit event made durable before answering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.credits import certificates, reports, statements
from sandbox.credits.errors import CreditError, not_found
from sandbox.credits.periods import half, half_of, month, month_of
from sandbox.credits.service import CreditService
from sandbox.errors import GrantError, UsageError
from sandbox.grants import GrantClaims, GrantService, StaffClaims
from sandbox.queries.auditing import Auditor, outcome_of, rule_of
from sandbox.queries.errors import Forbidden, RequestRejected, missing_staff_token

BUREAU = frozenset({"admin", "auditor"})
MAX_DETAIL = 128
T = TypeVar("T")
Who = GrantClaims | StaffClaims


def forbidden(what: str, what_zh: str) -> Forbidden:
    return Forbidden(
        f"This login may not see {what}: a department sees only its own data, an enterprise only its own activity.",
        f"此登录身份无权查看{what_zh}：供数部门只能查看本部门数据的使用情况，企业只能查看本企业的活动。",
        code="credits.forbidden",
    )


@dataclass
class CreditApi:
    service: CreditService
    grants: GrantService
    auditor: Auditor
    signing_key: Ed25519PrivateKey
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def credits(self, token: str | None, department: str | None, period: str | None, *, cid: str) -> dict[str, Any]:
        def run(who: Who) -> dict[str, Any]:
            span = month(period or month_of(self.clock()))
            if isinstance(who, GrantClaims):
                if department is not None:
                    raise forbidden("department credits", "部门贡献积分")
                return self.service.enterprise_view(who.enterprise, span)
            dept = self._department(who, department)
            return self.service.totals(span) if dept is None else self.service.department_view(dept, span)

        return self._audited("credits.read", token, cid, {"department": department, "period": period}, run)

    def statement(self, token: str | None, department: str, period: str, *, freeze: bool, cid: str) -> dict[str, Any]:
        def run(who: Who) -> dict[str, Any]:
            span = month(period)
            if freeze:
                if not (isinstance(who, StaffClaims) and who.role == "admin"):
                    raise forbidden("statement freezing (admin only)", "冻结明细（仅管理员）")
                document, created = statements.freeze(self.service, self.signing_key, department, span, self.clock())
                if created:
                    self._record("credits.statement", who, cid, {"department": department, "period": period,
                                                                 "hash": document["hash"]})  # fmt: skip
                return document
            self._department(who, department)
            found = self.service.store.statement(department, span.name)
            if found is None:
                raise not_found("statement", "月度明细")
            import json

            return dict(json.loads(found.document))

        return self._audited("credits.read", token, cid, {"department": department, "period": period}, run)

    def certificate(
        self, token: str | None, department: str, dataset: str | None, period: str | None, *, cid: str
    ) -> dict[str, Any]:
        """One certificate ({"jws", "payload"}) or all of the department's ({"certificates": [...]})."""

        def run(who: Who) -> dict[str, Any]:
            self._department(who, department)
            span = month(period or month_of(self.clock()))
            names = [dataset] if dataset else self.service.department_datasets(department)
            issued = []
            for name in names:
                jws, payload = certificates.issue(self.service, self.signing_key, department, name, span, self.clock())
                self._record("credits.certificate", who, cid, {"department": department, "dataset": name,
                                                               "period": span.name, "jti": payload["jti"]})  # fmt: skip
                issued.append({"jws": jws, "payload": payload})
            return issued[0] if dataset else {"department": department, "certificates": issued}

        return self._audited("credits.read", token, cid, {"department": department, "dataset": dataset}, run)

    def report(self, token: str | None, half_name: str | None, enterprise: str | None, *, cid: str) -> dict[str, Any]:
        def run(who: Who) -> dict[str, Any]:
            ent = self._enterprise(who, enterprise)
            span = half(half_name or half_of(self.clock()))
            found = reports.stored(self.service, ent, span.name)
            if found is not None:
                return {"status": "submitted", **found}
            draft = reports.prefill(self.service, ent, span, self.grants.list_grants(include_revoked=True))
            return {"status": "draft", "report": draft}

        return self._audited("report.read", token, cid, {"half": half_name, "enterprise": enterprise}, run)

    def submit_report(self, token: str | None, half_name: str, answers: dict[str, str], *, cid: str) -> dict[str, Any]:
        def run(who: Who) -> dict[str, Any]:
            if not isinstance(who, GrantClaims):
                raise forbidden("self-report submission (enterprise only)", "提交自查报告（仅企业）")
            span = half(half_name)
            grants = self.grants.list_grants(include_revoked=True)
            done = reports.submit(self.service, who.enterprise, span, grants, answers, by=who.sub, now=self.clock())
            return {"status": "submitted", **done}

        return self._audited("report.submit", token, cid, {"half": half_name}, run)

    def overdue(self, token: str | None, *, cid: str) -> dict[str, Any]:
        def run(who: Who) -> dict[str, Any]:
            if not (isinstance(who, StaffClaims) and who.role in BUREAU):
                raise forbidden("the overdue list (bureau only)", "逾期名单（仅大数据局）")
            grants = self.grants.list_grants(include_revoked=True)
            return {"overdue": reports.overdue(self.service, grants, self.clock())}

        return self._audited("report.read", token, cid, {"action": "overdue"}, run)

    # ---- access ---------------------------------------------------------------------------------

    def _department(self, who: Who, asked: str | None) -> str | None:
        """The department the caller may see: any for the bureau, only its own for a department login."""
        if isinstance(who, StaffClaims) and who.role in BUREAU:
            return asked
        if isinstance(who, StaffClaims) and who.role == "department" and who.department:
            if asked not in (None, who.department):
                raise forbidden("another department's credits", "其他部门的贡献积分")
            return who.department
        raise forbidden("department credits", "部门贡献积分")

    def _enterprise(self, who: Who, asked: str | None) -> str:
        if isinstance(who, GrantClaims):
            if asked not in (None, who.enterprise):
                raise forbidden("another enterprise's self-report", "其他企业的自查报告")
            return who.enterprise
        if isinstance(who, StaffClaims) and who.role in BUREAU and asked:
            return asked
        raise forbidden("self-reports", "自查报告")

    def _audited(self, action: str, token: str | None, cid: str, detail: dict[str, Any], run: Callable[[Who], T]) -> T:
        who: Who | None = None
        # Request values are recorded clipped: an absurd path parameter must not make the audit write fail.
        detail = {k: str(v)[:MAX_DETAIL] for k, v in detail.items() if v is not None}
        try:
            if not token:
                raise missing_staff_token()
            who = self.grants.verify_any(token)
            answer = run(who)
        except Exception as error:
            refused = isinstance(error, GrantError | RequestRejected | Forbidden | UsageError | CreditError)
            outcome = "refused" if refused else outcome_of(error)
            failed = {**detail, "rule": rule_of(error), "code": getattr(error, "code", "internal.error")}
            self.auditor.record(action, grant=who, outcome=outcome, correlation_id=cid, detail=failed, target="credits")
            raise
        self._record(action, who, cid, detail)
        return answer

    def _record(self, action: str, who: Who, cid: str, detail: dict[str, Any]) -> None:
        self.auditor.record(action, grant=who, outcome="allowed", correlation_id=cid, detail=detail, target="credits")
