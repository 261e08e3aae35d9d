"""Findings: what a scan reports about one file, safe to show to the developer and the reviewer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """``block`` stops the export, ``review`` goes to a human, ``info`` is shown only."""

    BLOCK = "block"
    REVIEW = "review"
    INFO = "info"


SEVERITY_ORDER = {Severity.INFO: 0, Severity.REVIEW: 1, Severity.BLOCK: 2}


@dataclass(frozen=True)
class Finding:
    """One entity type found in one place of one file.

    ``location`` is human-readable ("column guest_id_no, rows 3,17", "cell 4 output 1", "line 12").
    Messages never contain the raw value; a masked sample at most.
    """

    file: str
    location: str
    entity: str
    severity: str
    count: int
    message_zh: str
    message_en: str


def mask_sample(value: str) -> str:
    """Mask a detected value for display: keep at most two leading and two trailing characters.

    >>> mask_sample("522601199001011234")
    '52**************34'
    >>> mask_sample("张三")
    '张*'
    """
    if len(value) <= 2:
        return value[:1] + "*" * (len(value) - 1)
    if len(value) <= 6:
        return value[:1] + "*" * (len(value) - 1)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]
