"""CN_MOBILE and CN_LANDLINE: segments, +86, grouping, area codes, context."""

from __future__ import annotations

import pytest

from tests.unit.pii._support import detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("手机13800138000", "13800138000"),
        ("Tel13800138000", "13800138000"),
        ("+86 138 0013 8000", "+86 138 0013 8000"),
        ("008613800138000", "008613800138000"),
        ("138-0013-8000", "138-0013-8000"),
        ("电话：１３８００１３８０００", "１３８００１３８０００"),
    ],
)
def test_when_mobile_number_then_found(text: str, expected: str) -> None:
    assert ("CN_MOBILE", expected) in detect(text)


@pytest.mark.parametrize(
    "text",
    ["12345678901", "138001380001", "1380013800", "23800138000", "金额 10800138000 元"],
)
def test_when_not_a_mobile_shape_then_no_mobile(text: str) -> None:
    assert "CN_MOBILE" not in {e for e, _ in detect(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系电话0855-8234567", "0855-8234567"),
        ("座机：(0855)8234567", "(0855)8234567"),
        ("办公电话 010-62345678", "010-62345678"),
        ("传真 0851-85234567 转 123", "0851-85234567 转 123"),
    ],
)
def test_when_landline_with_context_then_found(text: str, expected: str) -> None:
    assert ("CN_LANDLINE", expected) in detect(text)


def test_when_landline_shape_without_context_then_below_threshold() -> None:
    assert "CN_LANDLINE" not in {e for e, _ in detect("批次 0855-8234567")}


def test_when_beijing_code_has_seven_digit_subscriber_then_rejected() -> None:
    assert "CN_LANDLINE" not in {e for e, _ in detect("电话 010-6234567")}
