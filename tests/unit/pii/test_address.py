"""CN_ADDRESS: place run ending in a road/village word, then a number and unit."""

from __future__ import annotations

import pytest

from tests.unit.pii._support import detect


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("住址：凯里市北京东路23号3单元502室", "北京东路23号3单元502室"),
        ("家住雷山县西江镇营上村3组12号", "营上村3组12号"),
        ("户籍地址 黎平县德顺乡平甫村五组", "平甫村五组"),
    ],
)
def test_when_street_address_then_found(text: str, fragment: str) -> None:
    found = [v for e, v in detect(text) if e == "CN_ADDRESS"]
    assert found and fragment in found[0]


@pytest.mark.parametrize("text", ["第一组", "凯里市", "一号线", "本次会议在三楼召开", "3号文件"])
def test_when_no_street_and_number_then_no_address(text: str) -> None:
    assert "CN_ADDRESS" not in {e for e, _ in detect(text)}
