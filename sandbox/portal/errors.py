"""The portal's one error translator: domain errors become an HTML page with a safe bilingual message."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sandbox.errors import GrantError, SandboxError, UsageError
from sandbox.exports.errors import ExportForbidden
from sandbox.queries.errors import Forbidden

log = logging.getLogger("sandbox.portal")


@dataclass
class PortalError(Exception):
    """A refusal shown to the user as a page: status, stable code, English and Chinese text."""

    status: int
    code: str
    message: str
    message_zh: str


class LoginRequired(Exception):
    """No (valid) session: send the browser to the login page and back to ``next`` afterwards."""

    def __init__(self, next_path: str, reason: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.reason = reason


def forbidden(needed: str) -> PortalError:
    return PortalError(
        403,
        "portal.forbidden",
        f"This page is for the {needed} role only (rule portal.forbidden).",
        f"此页面仅限{needed}角色访问（规则 portal.forbidden）。",
    )


def bad_csrf() -> PortalError:
    return PortalError(
        403,
        "portal.csrf",
        "The form has expired or did not come from this portal (rule portal.csrf); reload the page and retry.",
        "表单已过期或并非来自本门户（规则 portal.csrf）；请刷新页面后重试。",
    )


def not_found(what: str, what_zh: str) -> PortalError:
    return PortalError(404, "portal.not_found", f"No such {what}.", f"没有此{what_zh}。")


def unavailable(what: str, what_zh: str) -> PortalError:
    return PortalError(
        503,
        "portal.unavailable",
        f"The {what} service is not available on this platform yet.",
        f"本平台暂未提供{what_zh}服务。",
    )


def from_domain(error: BaseException) -> PortalError:
    """Domain errors carry messages written for people; anything else gets a fixed text (no leaks)."""
    if isinstance(error, PortalError):
        return error
    if isinstance(error, SandboxError):
        status = (
            404
            if error.code.endswith("not_found")
            else 409
            if error.code.endswith("invalid_transition")
            else 403
            if isinstance(error, ExportForbidden | Forbidden) or error.code.endswith("forbidden")
            else 503
            if "unavailable" in error.code
            else 400
        )
        if isinstance(error, GrantError):
            status = 401
        elif isinstance(error, UsageError):
            status = 400
        return PortalError(status, error.code, error.message, error.message_zh)
    log.exception("portal request failed", exc_info=error)
    return PortalError(
        500,
        "internal.error",
        "The portal could not complete this request; it has been logged for the operators.",
        "门户无法完成此请求；已记录供运维人员排查。",
    )
