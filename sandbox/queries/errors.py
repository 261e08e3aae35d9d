"""Errors the query service raises on its own account (the policy, grants and warehouse raise theirs)."""

from __future__ import annotations

from sandbox.errors import SandboxError


class RequestRejected(SandboxError):
    """The request itself is unusable before any policy runs: too large, malformed, unauthenticated."""

    code = "request.invalid"


class RateLimited(SandboxError):
    """The grant sent more queries than its rate allows; ``retry_after`` is in seconds."""

    code = "rate.limited"

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"Too many requests under this grant; retry in {retry_after:.1f} s.",
            f"此授权下的请求过于频繁；请 {retry_after:.1f} 秒后重试。",
        )
        self.retry_after = retry_after


class AuditUnavailable(SandboxError):
    """The audit record could not be made durable, so no answer may leave (fail closed)."""

    code = "audit.unavailable"

    def __init__(self) -> None:
        super().__init__(
            "The audit log is unavailable, so the request was not answered; try again later.",
            "审计日志不可用，请求未予应答；请稍后重试。",
        )


def missing_token() -> RequestRejected:
    return RequestRejected(
        "No bearer token: send 'Authorization: Bearer <grant token>'.",
        "缺少令牌：请在请求头中发送“Authorization: Bearer <授权令牌>”。",
        code="token.missing",
    )


def sql_too_large(limit: int) -> RequestRejected:
    return RequestRejected(
        f"The SQL text is longer than the limit of {limit} characters.",
        f"SQL 文本超过 {limit} 个字符的上限。",
        code="request.sql_too_large",
    )


def body_too_large(limit: int) -> RequestRejected:
    return RequestRejected(
        f"The request body is larger than the limit of {limit} bytes.",
        f"请求体超过 {limit} 字节的上限。",
        code="request.too_large",
    )


def bad_body() -> RequestRejected:
    return RequestRejected(
        'The request body must be a JSON object {"sql": "<one SELECT statement>"}.',
        '请求体须为 JSON 对象 {"sql": "<一条 SELECT 语句>"}。',
        code="request.invalid",
    )


class Forbidden(SandboxError):
    """The caller is who they say, but their role may not do this (e.g. read the audit log)."""

    code = "access.forbidden"


def audit_forbidden() -> Forbidden:
    return Forbidden(
        "Only a staff login with the auditor or admin role may read the audit log.",
        "仅审计员或管理员角色的工作人员令牌可查阅审计日志。",
        code="audit.forbidden",
    )


def missing_staff_token() -> RequestRejected:
    return RequestRejected(
        "No bearer token: send 'Authorization: Bearer <staff login token>'.",
        "缺少令牌：请在请求头中发送“Authorization: Bearer <工作人员登录令牌>”。",
        code="token.missing",
    )


def bad_parameter(name: str, expected: str, expected_zh: str) -> RequestRejected:
    """A query parameter is malformed; the message names the parameter, never echoes its value."""
    return RequestRejected(
        f"Query parameter '{name}' must be {expected}.",
        f"查询参数“{name}”须为{expected_zh}。",
        code="request.invalid_parameter",
    )


def audit_reader_unavailable() -> SandboxError:
    return SandboxError(
        "The audit API is not configured on this gateway.",
        "此网关未配置审计接口。",
        code="audit.not_configured",
    )
