"""Decision policy: which entity at which score blocks, goes to review, or is only reported.

Kept apart from the recognizers so the rules a reviewer reads live in one table.
"""

from __future__ import annotations

from sandbox.pii.findings import Severity

THRESHOLD = 0.5
CONTEXT_BOOST = 0.35
CONTEXT_FLOOR = 0.4
NEGATIVE_DEMOTION = 0.4

BLOCK_ENTITIES = frozenset(
    {
        "CN_RESIDENT_ID",
        "CN_BANK_CARD",
        "CN_USCC",
        "CN_MOBILE",
        "CN_LANDLINE",
        "EMAIL_ADDRESS",
        "CN_LICENSE_PLATE",
        "CN_ADDRESS",
        "CN_PASSPORT",
        "CN_HMT_PERMIT",
    }
)
REVIEW_ENTITIES = frozenset(
    {"IP_ADDRESS", "SUSPECT_FLOAT_ID", "MASKED_ID_REVEALS_BIRTH", "PERSON", "IMAGE_NEEDS_REVIEW"}
)
INFO_ENTITIES = frozenset({"MASKED_VALUE", "CN_USCC_ORG"})

# Column headers that mark serial numbers: unvalidated numeric hits under them are demoted (never passed).
NEGATIVE_HEADER_WORDS = (
    "编号",
    "流水",
    "订单",
    "条码",
    "序号",
    "单号",
    "批次",
    "凭证号",
    "serial",
    "order",
    "barcode",
    "sku",
)

LABELS: dict[str, tuple[str, str]] = {
    "CN_RESIDENT_ID": ("居民身份证号", "resident ID number"),
    "CN_BANK_CARD": ("银行卡号", "bank card number"),
    "CN_USCC": ("个体工商户统一社会信用代码", "USCC of an individual business"),
    "CN_USCC_ORG": ("单位统一社会信用代码（公开信息）", "organisation USCC (public)"),
    "CN_MOBILE": ("手机号", "mobile number"),
    "CN_LANDLINE": ("固定电话", "landline number"),
    "EMAIL_ADDRESS": ("电子邮箱", "e-mail address"),
    "IP_ADDRESS": ("IP 地址", "IP address"),
    "CN_LICENSE_PLATE": ("车牌号", "licence plate"),
    "CN_PASSPORT": ("护照号", "passport number"),
    "CN_HMT_PERMIT": ("港澳台通行证号", "HK/Macau/Taiwan permit number"),
    "CN_ADDRESS": ("详细住址", "street address"),
    "PERSON": ("姓名", "person name"),
    "MASKED_VALUE": ("已脱敏的标识符", "masked identifier"),
    "MASKED_ID_REVEALS_BIRTH": ("脱敏不足的身份证号（出生日期可见）", "ID masked but birth date visible"),
    "SUSPECT_FLOAT_ID": ("疑似被浮点数损坏的身份证号", "resident ID damaged by float/spreadsheet"),
    "IMAGE_NEEDS_REVIEW": ("图片需人工审核", "image needs manual review"),
}


def severity(entity: str, *, name_column: bool = False) -> Severity:
    """The severity of a hit above threshold; names block only in a name-headed column."""
    if entity == "PERSON":
        return Severity.BLOCK if name_column else Severity.REVIEW
    if entity in BLOCK_ENTITIES:
        return Severity.BLOCK
    if entity in INFO_ENTITIES:
        return Severity.INFO
    return Severity.REVIEW


def header_score(score: float, validated: bool, numeric: bool, has_context: bool, negative: bool) -> float:
    """Apply a column header as context, as presidio does for words before a match (+0.35, floor 0.4)."""
    if validated:
        return score
    if has_context:
        score = max(score + CONTEXT_BOOST, CONTEXT_FLOOR)
    elif negative and numeric:
        score -= NEGATIVE_DEMOTION
    return min(score, 1.0)


def is_negative_header(header: str) -> bool:
    h = header.lower()
    return any(w in h for w in NEGATIVE_HEADER_WORDS)
