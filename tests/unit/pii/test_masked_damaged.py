"""MASKED_VALUE and SUSPECT_FLOAT_ID: masked values are reported as masked, float damage is flagged."""

from __future__ import annotations

import pytest

from sandbox.pii.columns import cell_hits
from sandbox.pii.recognizers.damaged_id import float_to_digits
from tests.unit.pii._support import ID_A, detect


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("522601********1232", "MASKED_VALUE"),
        ("手机 138****8000", "MASKED_VALUE"),
        ("卡号 622848*********3336", "MASKED_VALUE"),
        ("52260119900101****", "MASKED_ID_REVEALS_BIRTH"),  # birth date left visible
    ],
)
def test_when_value_is_masked_then_reported_as_masked_not_as_pii(text: str, entity: str) -> None:
    found = {e for e, _ in detect(text)}
    assert entity in found
    assert not {"CN_RESIDENT_ID", "CN_MOBILE", "CN_BANK_CARD"} & found


@pytest.mark.parametrize(
    "text",
    [
        "5.22601199001011E+17",  # Excel's display of an 18-digit number
        "5.226011990010112e+17",  # Python's float repr
        ID_A[:15] + "000",  # 15 significant digits kept, rest zeroed
        ID_A[:17],  # X dropped by an integer column
    ],
)
def test_when_id_damaged_by_float_then_suspect(text: str) -> None:
    assert "SUSPECT_FLOAT_ID" in {e for e, _ in detect(f"身份证 {text}")}


def test_when_float_column_holds_ids_then_flagged() -> None:
    values = [repr(float(ID_A)), repr(float("522631198512300451"))]
    assert {h.entity for h in cell_hits("sfz", values)} == {"SUSPECT_FLOAT_ID"}


@pytest.mark.parametrize("text", ["1.5e+17", "9.99E+17", "3.14", "1234567890123450000"])
def test_when_float_is_not_id_like_then_not_flagged(text: str) -> None:
    assert "SUSPECT_FLOAT_ID" not in {e for e, _ in detect(text)}


def test_float_to_digits_recovers_the_surviving_digits() -> None:
    assert float_to_digits("5.22601199001011E+17") == "522601199001011000"
    assert float_to_digits("12.5") is None
