"""EMAIL_ADDRESS and IP_ADDRESS: ASCII lookarounds so Han text next to them does not hide them."""

from __future__ import annotations

import pytest

from tests.unit.pii._support import detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("邮箱zhang.san@example.com谢谢", "zhang.san@example.com"),
        ("请发送至li_si+tag@qdn.gov.cn。", "li_si+tag@qdn.gov.cn"),
        ("ｗａｎｇ＠ｑｑ．ｃｏｍ", "ｗａｎｇ＠ｑｑ．ｃｏｍ"),
    ],
)
def test_when_email_next_to_han_then_found(text: str, expected: str) -> None:
    assert ("EMAIL_ADDRESS", expected) in detect(text)


@pytest.mark.parametrize("text", ["user@localhost", "a@b", "@example.com"])
def test_when_not_an_email_then_not_found(text: str) -> None:
    assert "EMAIL_ADDRESS" not in {e for e, _ in detect(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("从IP10.1.2.3登录", "10.1.2.3"), ("来源 192.168.0.254", "192.168.0.254")],
)
def test_when_ipv4_glued_to_label_then_found(text: str, expected: str) -> None:
    assert ("IP_ADDRESS", expected) in detect(text)


@pytest.mark.parametrize("text", ["版本 1.2.3.4.5", "256.1.1.1", "0.1.2.3", "10.1.2"])
def test_when_not_an_ipv4_then_not_found(text: str) -> None:
    assert "IP_ADDRESS" not in {e for e, _ in detect(text)}
