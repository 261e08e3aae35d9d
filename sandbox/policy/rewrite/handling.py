"""Per-column handling as SQL over the raw column: hash, mask, generalize (allow is the column itself).

Templates are written once in SQL both engines accept and parsed in the target dialect; ``__c`` stands
for the raw column. Pseudonymisation is a call ``sandbox_hash(<column>)`` that the executor provides
(keyed HMAC-SHA-256): no key material ever appears in SQL.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

from sandbox.catalog.model import Column, GeneralizeRule, HandlingKind
from sandbox.policy.context import Dialect
from sandbox.policy.grantview import effective_handling

HASH_FUNCTION = "sandbox_hash"
_TEMPORAL = frozenset({"DATE", "TIMESTAMP"})

MASK_ID = (
    "CASE WHEN __c IS NULL THEN NULL WHEN LENGTH(__c) >= 15 "
    "THEN LEFT(__c, 6) || '********' || RIGHT(__c, 4) ELSE '********' END"
)
MASK_PHONE = (
    "CASE WHEN __c IS NULL THEN NULL WHEN LENGTH(__c) >= 11 "
    "THEN LEFT(__c, 3) || '****' || RIGHT(__c, 4) ELSE '****' END"
)
MASK_NAME = "CASE WHEN __c IS NULL THEN NULL ELSE LEFT(__c, 1) || '*' END"
MASK_OTHER = "CASE WHEN __c IS NULL THEN NULL ELSE '****' END"
GRID_DEGREES = 0.0045  # about 500 m of latitude; a cell is named by its south-west corner
AGE_BAND_DATE = "CAST(FLOOR((EXTRACT(YEAR FROM CURRENT_DATE) - EXTRACT(YEAR FROM __c)) / 10) * 10 AS INTEGER)"
AGE_BAND_YEAR = "CAST(FLOOR((EXTRACT(YEAR FROM CURRENT_DATE) - __c) / 10) * 10 AS INTEGER)"


def mask_template(column: Column) -> str:
    """Mask by what the column holds: ID-like numbers keep region prefix and last 4, phones 3 + 4,
    names their first character; anything else is masked whole."""
    if column.type != "VARCHAR":
        return MASK_OTHER
    name = column.name
    if "phone" in name or "mobile" in name:
        return MASK_PHONE
    if name == "name" or name.endswith("_name"):
        return MASK_NAME
    if name.endswith(("id_no", "_no", "cert_no", "account")):
        return MASK_ID
    return MASK_OTHER


def generalize_template(column: Column, rule: GeneralizeRule) -> str:
    temporal = column.type in _TEMPORAL
    if rule in (GeneralizeRule.YEAR, GeneralizeRule.MONTH, GeneralizeRule.DAY, GeneralizeRule.HOUR):
        if not temporal:
            return f"CAST(NULL AS {column.type})"  # a misdeclared rule releases nothing
        return f"CAST(DATE_TRUNC('{rule.value}', __c) AS {column.type})"
    if rule is GeneralizeRule.GRID500M:
        return f"FLOOR(__c / {GRID_DEGREES}) * {GRID_DEGREES}"
    if rule is GeneralizeRule.COUNTY:
        return "LEFT(__c, 6)"
    return AGE_BAND_DATE if temporal else AGE_BAND_YEAR


@functools.lru_cache(maxsize=256)
def _template(template: str, dialect: Dialect) -> exp.Expr:
    return sqlglot.parse_one(template, read=dialect)


def column_expression(column: Column, dialect: Dialect) -> exp.Expr:
    """The policy view's expression for ``column`` (the caller aliases it to the column name)."""
    raw = exp.column(column.name, quoted=True)
    handling = effective_handling(column)
    if handling.kind is HandlingKind.ALLOW:
        return raw
    if handling.kind is HandlingKind.HASH:
        return exp.Anonymous(this=HASH_FUNCTION, expressions=[raw])
    if handling.kind is HandlingKind.MASK:
        template = mask_template(column)
    elif handling.rule is not None:
        template = generalize_template(column, handling.rule)
    else:
        raise ValueError(f"no SQL for handling {handling}")  # deny is omitted by the caller
    return _template(template, dialect).transform(
        lambda node: raw.copy() if isinstance(node, exp.Column) and node.name == "__c" else node
    )
