"""Canonical JSON: the exact bytes that are hashed, so the same value always encodes the same way.

Sorted keys, no insignificant whitespace, UTF-8 (non-ASCII kept as is), numbers written as in RFC 8785
(ECMAScript shortest round-trip form). Only JSON-native types are accepted; NaN and infinities are refused,
integers must be exactly representable as an IEEE double so every reader decodes the same number.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

MAX_SAFE_INT = 2**53 - 1


class CanonicalError(ValueError):
    """The value cannot be encoded canonically (wrong type, unsafe number, non-string key)."""


def canonical_bytes(value: Any) -> bytes:
    """Encode ``value`` as canonical JSON bytes."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts).encode("utf-8")


def format_number(value: int | float) -> str:
    """Render a number the way RFC 8785 (ECMAScript Number.prototype.toString) does."""
    if isinstance(value, bool):
        raise CanonicalError("booleans are not numbers")
    if isinstance(value, int):
        if abs(value) <= MAX_SAFE_INT:
            return str(value)
        if int(float(value)) != value:
            raise CanonicalError("integer not exactly representable as an IEEE-754 double")
        return _format_float(float(value))
    if not math.isfinite(value):
        raise CanonicalError("NaN and infinities have no JSON form")
    if value == 0:
        return "0"  # also -0.0
    return _format_float(value)


def _format_float(value: float) -> str:
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # Decimal exponent n such that value = 0.d1d2... * 10**n (ECMAScript's definition).
    lead_zeros = len(whole + frac) - len((whole + frac).lstrip("0"))
    n = len(whole) - lead_zeros + (int(exp_text) if exp_text else 0)
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    exponent = n - 1
    exp_str = f"e+{exponent}" if exponent >= 0 else f"e-{-exponent}"
    body = digits[0] + ("." + digits[1:] if k > 1 else "")
    return sign + body + exp_str


# The C-accelerated JSON string escaper: short escapes (\n, \t, ...) and lowercase \u00xx, as RFC 8785 wants.
_string: Callable[[str], str] = json.encoder.encode_basestring


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int | float):
        out.append(format_number(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, Mapping):
        _encode_object(value, out)
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise CanonicalError(f"type {type(value).__name__} has no canonical JSON form")


def _encode_object(value: Mapping[Any, Any], out: list[str]) -> None:
    if not all(isinstance(key, str) for key in value):
        raise CanonicalError("object keys must be strings")
    out.append("{")
    # RFC 8785 sorts by UTF-16 code units; this differs from code-point order only outside the BMP.
    for i, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
        if i:
            out.append(",")
        out.append(_string(key))
        out.append(":")
        _encode(value[key], out)
    out.append("}")
