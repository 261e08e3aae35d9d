"""CN_RESIDENT_ID: GB 11643 check character, region and birth date; CJK-safe boundaries and attacks."""

from __future__ import annotations

import pytest

from tests.unit.pii._support import ID_A, ID_X, detect

FULLWIDTH_A = ID_A.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ID_A, ID_A),
        (ID_X, ID_X),
        (ID_X.lower(), ID_X.lower()),
        (f"身份证号{ID_A}住凯里", ID_A),  # glued to Han on both sides
        (f"ID{ID_A}", ID_A),  # glued Latin label
        (f"公民身份号码：{ID_A}。", ID_A),
        (FULLWIDTH_A, FULLWIDTH_A),  # full-width digits
        (f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}", f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}"),
        (f"{ID_A[:6]}-{ID_A[6:14]}-{ID_A[14:]}", f"{ID_A[:6]}-{ID_A[6:14]}-{ID_A[14:]}"),
        (" ".join(ID_A[i : i + 4] for i in range(0, 18, 4)), " ".join(ID_A[i : i + 4] for i in range(0, 18, 4))),
        (f"{ID_A[:9]}\u200b{ID_A[9:]}", f"{ID_A[:9]}\u200b{ID_A[9:]}"),  # zero-width space inside
    ],
)
def test_when_valid_id_in_any_disguise_then_found_with_exact_span(text: str, expected: str) -> None:
    assert ("CN_RESIDENT_ID", expected) in detect(text)


@pytest.mark.parametrize(
    "text",
    [
        ID_A[:17] + str((int(ID_A[17]) + 1) % 10),  # wrong check character
        "522601199013011238",  # month 13
        "992601199001011232",  # province 99 does not exist
        "522601180001011232",  # born before 1900
        "1" + ID_A,  # inside a 19-digit number
        ID_A + "7",
        "订单号" + "123456789012345678",
    ],
)
def test_when_id_fails_validation_then_not_reported_as_id(text: str) -> None:
    assert "CN_RESIDENT_ID" not in {e for e, _ in detect(text)}


def test_when_legacy_15_digit_id_has_context_then_found() -> None:
    legacy = "522601900101123"
    assert ("CN_RESIDENT_ID", legacy) in detect(f"身份证号码 {legacy}")
    assert "CN_RESIDENT_ID" not in {e for e, _ in detect(f"数量 {legacy}")}
