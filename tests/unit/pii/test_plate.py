"""CN_LICENSE_PLATE: ordinary, new-energy (small and large), special suffixes, middle dot."""

from __future__ import annotations

import pytest

from tests.unit.pii._support import detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("贵HA1234", "贵HA1234"[:0] + "贵HA1234"),
        ("车牌贵H12345离开", "贵H12345"),
        ("贵H·D12345", "贵H·D12345"),
        ("贵HD12345", "贵HD12345"),
        ("贵H12345D", "贵H12345D"),
        ("湘A1234学", "湘A1234学"),
        ("号牌 京AF0236", "京AF0236"),
    ],
)
def test_when_plate_then_found(text: str, expected: str) -> None:
    assert ("CN_LICENSE_PLATE", expected) in detect(text)


@pytest.mark.parametrize("text", ["贵州ABCDE", "贵HABCDE", "贵I12345", "贵HA12345678"])
def test_when_not_a_plate_then_not_found(text: str) -> None:
    assert "CN_LICENSE_PLATE" not in {e for e, _ in detect(text)}
