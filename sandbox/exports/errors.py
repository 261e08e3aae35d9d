"""The airlock's domain errors: stable codes, bilingual messages naming the rule and file, never data values.

Refusals of input are ``RequestRejected`` and refusals of a person are ``Forbidden`` so the gateway's one
translator maps them (400/413, 403); ``ExportNotFound`` (404) and ``InvalidTransition`` (409) are mapped by
the export routes.
"""

from __future__ import annotations

from sandbox.errors import SandboxError
from sandbox.queries.errors import Forbidden, RequestRejected


class ExportRejected(RequestRejected):
    """The request or one of its files is unusable; nothing was stored."""

    code = "export.rejected"


class ExportForbidden(Forbidden):
    """The caller may not do this to this request (self-review, same enterprise, not the requester)."""

    code = "export.forbidden"


class ExportNotFound(SandboxError):
    code = "export.not_found"


class InvalidTransition(SandboxError):
    code = "export.invalid_transition"


def rejected(code: str, en: str, zh: str) -> ExportRejected:
    return ExportRejected(en, zh, code=f"export.{code}")


def forbidden(code: str, en: str, zh: str) -> ExportForbidden:
    return ExportForbidden(en, zh, code=f"export.{code}")


def not_found(request_id: str) -> ExportNotFound:
    shown = request_id if request_id.isascii() and len(request_id) <= 64 else "?"
    return ExportNotFound(f"No export request {shown} visible to you.", f"没有您可查看的导出申请 {shown}。")


def invalid_transition(state: str, action: str) -> InvalidTransition:
    return InvalidTransition(
        f"Action '{action}' is not allowed while the request is {state} (rule: export state table).",
        f"导出申请处于 {state} 状态，不允许执行“{action}”（规则：导出状态表）。",
    )
