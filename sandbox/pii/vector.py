"""Whole-column validation of all-digit cells with numpy (the table fast path's bulk step).

A column of identifiers is mostly cells that are nothing but ASCII digits. For such a cell every
numeric rule's pattern either matches the whole cell or nothing (the patterns are bounded by digit
lookarounds), so the per-match Python of ``check`` can be replaced by array arithmetic over a
``cells x length`` digit matrix. Each rule's ``check_bulk`` returns one code per cell: ``NO_MATCH``
(the pattern does not match), ``REJECTED`` (it matches but ``check`` returns None) or the index of
the verdict ``check`` would return. Tests compare every bulk check with ``check`` cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import numpy.typing as npt

Digits = npt.NDArray[np.int64]  # shape (cells, length), values 0-9
Codes = npt.NDArray[np.int8]
Mask = npt.NDArray[np.bool_]

NO_MATCH = -2
REJECTED = -1
# Lengths of all-digit cells that at least one numeric rule can match; such cells are judged in bulk.
BULK_LENGTHS = frozenset({11, 15, 16, 17, 18, 19})

_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def number(d: Digits, start: int, stop: int) -> npt.NDArray[np.int64]:
    """The integer spelled by columns ``start:stop`` of each row."""
    out = np.zeros(d.shape[0], dtype=np.int64)
    for i in range(start, stop):
        out = out * 10 + d[:, i]
    return out


def codes(matched: Mask, accepted: Mask, verdict: npt.NDArray[np.int8] | int = 0) -> Codes:
    """Combine a pattern mask, a validation mask and verdict indices into per-cell codes."""
    out = np.full(matched.shape[0], NO_MATCH, dtype=np.int8)
    out[matched] = REJECTED
    chosen = np.broadcast_to(np.asarray(verdict, dtype=np.int8), matched.shape)
    ok = matched & accepted
    out[ok] = chosen[ok]
    return out


def no_match(d: Digits) -> Codes:
    return np.full(d.shape[0], NO_MATCH, dtype=np.int8)


def valid_date(year: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]) -> Mask:
    """Whether ``datetime.date(year, month, day)`` would construct (years 1-9999)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last = _DAYS[np.where(month_ok, month, 0)] + (leap & (month == 2))
    ok: Mask = month_ok & (year >= 1) & (day >= 1) & (day <= last)
    return ok


def birth_in_range(d: Digits, at: int) -> Mask:
    """An 8-digit date at column ``at`` is a real date from 1900-01-01 to today."""
    year, month, day = number(d, at, at + 4), number(d, at + 4, at + 6), number(d, at + 6, at + 8)
    today = date.today()
    ymd = year * 10000 + month * 100 + day
    return (
        valid_date(year, month, day) & (ymd >= 19000101) & (ymd <= today.year * 10000 + today.month * 100 + today.day)
    )


def in_set(values: npt.NDArray[np.int64], allowed: Iterable[int]) -> Mask:
    return np.isin(values, np.fromiter(allowed, dtype=np.int64))


def weighted_sum(d: Digits, weights: tuple[int, ...], start: int = 0) -> npt.NDArray[np.int64]:
    w = np.asarray(weights, dtype=np.int64)
    return d[:, start : start + len(w)] @ w


_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def luhn(d: Digits) -> Mask:
    rev = d[:, ::-1]
    ok: Mask = (rev[:, 0::2].sum(axis=1) + _LUHN_DOUBLE[rev[:, 1::2]].sum(axis=1)) % 10 == 0
    return ok


def digit_matrix(cells: list[str], length: int) -> tuple[Digits, Mask]:
    """The digit matrix of cells that all have ``length`` characters, and which rows are all ASCII digits."""
    codes_ = np.array(cells, dtype=f"<U{length}").view(np.uint32).reshape(len(cells), length).astype(np.int64)
    codes_ -= 48
    pure = np.asarray(((codes_ >= 0) & (codes_ <= 9)).all(axis=1), dtype=np.bool_)
    return codes_, pure
