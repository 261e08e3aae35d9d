"""Errors of the credit service: stable codes, bilingual messages that never carry data values."""

from __future__ import annotations

from sandbox.errors import SandboxError, UsageError


class CreditError(SandboxError):
    code = "credits.error"


def signature_invalid(part: str) -> CreditError:
    return CreditError(
        f"The document's signature does not verify against the bureau key (check: {part}); it was altered or "
        "not issued by this bureau.",
        f"文件签名无法用本局公钥验证（检查项：{part}）；文件已被篡改或并非本局签发。",
        code="credits.signature_invalid",
    )


def bad_period(name: str) -> UsageError:
    return UsageError(
        f"'{name}' must be a month YYYY-MM (statements) or a half-year YYYY-H1 / YYYY-H2 (self-reports).",
        f"“{name}”须为月份 YYYY-MM（明细）或半年度 YYYY-H1 / YYYY-H2（自查报告）。",
        code="credits.bad_period",
    )


def unknown(kind: str, kind_zh: str) -> UsageError:
    return UsageError(
        f"Unknown {kind}: not in the catalogue.", f"未知的{kind_zh}：不在目录中。", code=f"credits.unknown_{kind}"
    )


def period_open() -> CreditError:
    return CreditError(
        "A statement can only be frozen after its month has ended.",
        "只有在当月结束后才能冻结月度明细。",
        code="credits.period_open",
    )


def already_exists(what: str, what_zh: str) -> CreditError:
    return CreditError(
        f"The {what} already exists and is frozen.", f"该{what_zh}已存在且已冻结。", code="credits.exists"
    )


def not_found(what: str, what_zh: str) -> CreditError:
    return CreditError(f"No such {what}.", f"没有该{what_zh}。", code="credits.not_found")


def chain_broken(period: str) -> CreditError:
    return CreditError(
        f"The statement chain is broken at {period}: its previous-hash does not match the statement before it.",
        f"明细哈希链在 {period} 处断裂：其前序哈希与上一份明细不符。",
        code="credits.chain_broken",
    )


def report_incomplete(field: str) -> UsageError:
    return UsageError(
        f"The self-report field '{field}' must be filled in (write 无 / none if there is nothing to report).",
        f"自查报告字段“{field}”必须填写（如无可填“无”）。",
        code="reports.incomplete",
    )
