"""Canonical JSON: one byte string per value, numbers as RFC 8785 writes them."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.canonical import CanonicalError, canonical_bytes, format_number


def test_keys_are_sorted_and_whitespace_free() -> None:
    assert canonical_bytes({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_non_ascii_text_is_kept_as_utf8_not_escaped() -> None:
    assert canonical_bytes({"区域": "黔东南"}) == '{"区域":"黔东南"}'.encode()


def test_key_order_does_not_depend_on_insertion_order() -> None:
    assert canonical_bytes({"x": 1, "y": {"q": 1, "p": 2}}) == canonical_bytes({"y": {"p": 2, "q": 1}, "x": 1})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (100.0, "100"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (333333333.3333333, "333333333.3333333"),
        (2**53 - 1, "9007199254740991"),
        (2**60, "1152921504606847000"),  # shortest digits, as ECMAScript prints it
    ],
)
def test_numbers_follow_rfc8785(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 2**53 + 1, -(2**53) - 1, {1, 2}, b"raw", {1: "x"}])
def test_values_without_one_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(CanonicalError):
        canonical_bytes({"v": value})


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


def _ijson_int(text: str) -> int | float:
    number = int(text)
    return number if abs(number) <= 2**53 else float(number)


@given(_json)
def test_encoding_round_trips_and_is_a_fixed_point(value: object) -> None:
    encoded = canonical_bytes(value)
    decoded = json.loads(encoded, parse_int=_ijson_int)  # read numbers as an I-JSON (IEEE double) reader does
    assert decoded == value
    assert canonical_bytes(decoded) == encoded
