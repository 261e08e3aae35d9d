"""The column fast path: same decisions as presidio on the same strings, header context, attacks."""

from __future__ import annotations

import pytest

from sandbox.pii.columns import cell_hits
from sandbox.pii.report import column_findings
from tests.unit.pii._support import CARD_VISA, ID_A, USCC_PERSONAL, detect

FW = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}

CASES = [
    ID_A,
    ID_A.translate(FW),
    f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}",
    f"住{ID_A}号",
    "13800138000",
    "+86 138-0013-8000",
    CARD_VISA,
    USCC_PERSONAL,
    "zhang@example.com",
    "贵HD12345",
    "522601********1232",
    "5.22601199001011E+17",
    "202405011234567890",
    "6901234567892",
    "12.50",
]


@pytest.mark.parametrize("value", CASES)
def test_fast_path_agrees_with_presidio_path(value: str) -> None:
    fast = {h.entity for h in cell_hits("", [value])}
    slow = {e for e, _ in detect(value)}
    assert fast == slow


def test_rows_are_mapped_back_exactly() -> None:
    values = ["", "x", f"备注{ID_A}", "y", ID_A]
    assert [(h.row, h.entity) for h in cell_hits("note", values)] == [(2, "CN_RESIDENT_ID"), (4, "CN_RESIDENT_ID")]


def test_header_is_context_for_shape_only_entities() -> None:
    assert {h.entity for h in cell_hits("联系电话", ["0855-8234567"])} == {"CN_LANDLINE"}
    assert cell_hits("备用", ["0855-8234567"]) == []


def test_serial_number_header_demotes_unvalidated_hits_to_review_never_to_pass() -> None:
    hits = cell_hits("档案编号", ["15012345678", "15112345678"])
    assert hits and all(h.demoted for h in hits)
    findings = column_findings("f.csv", "", "档案编号", hits)
    assert [(x.entity, x.severity) for x in findings] == [("CN_MOBILE", "review")]


def test_serial_number_header_does_not_hide_validated_identifiers() -> None:
    hits = cell_hits("订单编号", [ID_A])
    assert [(h.entity, h.demoted) for h in hits] == [("CN_RESIDENT_ID", False)]


def test_free_text_column_goes_through_presidio_with_names() -> None:
    long_text = "申请人张德明于2024年3月5日提交了公积金提取申请，联系电话0855-8234567，请尽快办理。"
    hits = cell_hits("备注", [long_text, long_text])
    assert {(h.row, h.entity) for h in hits} >= {(0, "PERSON"), (1, "PERSON"), (0, "CN_LANDLINE")}


def test_serials_that_pass_luhn_by_chance_go_to_review_not_block() -> None:
    import random

    from sandbox.pii.checks import luhn_ok

    rng = random.Random(3)
    serials = [f"62{rng.randrange(10**15, 10**16)}" for _ in range(400)]  # 18 digits, UnionPay-shaped
    lucky = [s for s in serials if luhn_ok(s)]
    assert lucky  # about one in ten passes Luhn by chance
    hits = [h for h in cell_hits("ref", serials) if h.entity == "CN_BANK_CARD"]
    assert len(hits) == len(lucky) and all(h.demoted for h in hits)
    findings = column_findings("f.csv", "", "ref", hits)
    assert {x.severity for x in findings} == {"review"}


def test_real_cards_hidden_among_junk_are_still_reported_for_review() -> None:
    junk = [f"62{i:016d}" for i in range(100)]
    hits = cell_hits("ref", [*junk, CARD_VISA])
    assert [(h.entity, h.row) for h in hits if h.row == 100] == [("CN_BANK_CARD", 100)]
