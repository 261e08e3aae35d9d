"""Vectorised sampling helpers shared by the scenario generators (no I/O, no per-row loops)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sandbox.warehouse.demo.places import GIVEN_FEMALE, GIVEN_MALE, SURNAME_WEIGHTS, SURNAMES

# Aliases name the intended dtype; they stay loose (Any) because numpy's dtype inference through
# ufuncs and fancy indexing is too imprecise for mypy to follow.
FloatArray = npt.NDArray[Any]  # float64
IntArray = npt.NDArray[Any]  # int64
StrArray = npt.NDArray[Any]  # fixed-width unicode
BoolArray = npt.NDArray[Any]  # bool
DateArray = npt.NDArray[Any]  # datetime64[D]

# Degrees per km at 26.5° N (approximately).
KM_LAT = 1 / 111.0
KM_LON = 1 / (111.0 * np.cos(np.radians(26.5)))


def seq_ids(prefix: str, n: int, width: int, start: int = 1) -> StrArray:
    """``prefix`` + zero-padded running number, e.g. ``H000001``."""
    nums = np.arange(start, start + n).astype(f"<U{width}")
    return np.strings.add(prefix, np.strings.zfill(nums, width))


def pick(rng: np.random.Generator, values: Sequence[str], weights: Sequence[float], n: int) -> StrArray:
    """``n`` draws from ``values`` with probabilities proportional to ``weights``."""
    p = np.asarray(weights, dtype=np.float64)
    return np.asarray(values)[rng.choice(len(values), size=n, p=p / p.sum())]


def weighted_index(rng: np.random.Generator, weights: npt.ArrayLike, n: int) -> IntArray:
    """``n`` indices drawn with probability proportional to ``weights``."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(p.size, size=n, p=p / p.sum()).astype(np.int64)


def person_names(rng: np.random.Generator, male: BoolArray) -> StrArray:
    """Chinese names: a common local surname plus one or two given-name characters by sex."""
    n = male.size
    sw = np.asarray(SURNAME_WEIGHTS)
    surname = np.asarray(SURNAMES)[rng.choice(len(SURNAMES), size=n, p=sw / sw.sum())]
    m, f = np.asarray(GIVEN_MALE), np.asarray(GIVEN_FEMALE)
    first = np.where(male, m[rng.integers(0, m.size, n)], f[rng.integers(0, f.size, n)])
    second = np.where(male, m[rng.integers(0, m.size, n)], f[rng.integers(0, f.size, n)])
    second = np.where(rng.random(n) < 0.7, second, "")
    return np.strings.add(np.strings.add(surname, first), second)


def jitter(
    rng: np.random.Generator, lon: npt.ArrayLike, lat: npt.ArrayLike, km: float
) -> tuple[FloatArray, FloatArray]:
    """Points scattered around (lon, lat) with a normal spread of ``km`` kilometres, 5 decimals."""
    lon_a, lat_a = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    dx = rng.normal(0.0, km, lon_a.shape) * KM_LON
    dy = rng.normal(0.0, km, lat_a.shape) * KM_LAT
    return np.round(lon_a + dx, 5), np.round(lat_a + dy, 5)


def lognormal_clipped(
    rng: np.random.Generator, median: float, sigma: float, low: float, high: float, n: int
) -> FloatArray:
    """Lognormal values with the given median, clipped to ``[low, high]``."""
    return np.clip(rng.lognormal(np.log(median), sigma, n), low, high)


def money(values: npt.ArrayLike) -> FloatArray:
    """Round to cents (stored as DECIMAL(14,2))."""
    return np.round(np.asarray(values, dtype=np.float64), 2)


def random_dates(rng: np.random.Generator, first: str, last: str, n: int) -> DateArray:
    """Uniform dates between ``first`` and ``last`` inclusive."""
    lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
    span = int((hi - lo).astype(np.int64)) + 1
    return lo + rng.integers(0, span, n).astype("timedelta64[D]")


def seconds_in_day(rng: np.random.Generator, hour_weights: npt.ArrayLike, n: int) -> IntArray:
    """Seconds after midnight drawn from a 24-value hourly profile, uniform inside the hour."""
    hours = weighted_index(rng, hour_weights, n)
    return hours * 3600 + rng.integers(0, 3600, n)


def at_seconds(days: DateArray, seconds: npt.ArrayLike) -> DateArray:
    """Timestamps (second resolution) ``seconds`` after the start of each day."""
    secs = np.asarray(seconds, dtype=np.int64).astype("timedelta64[s]")
    out: DateArray = days.astype("datetime64[s]") + secs
    return out


def yyyymm(dates: DateArray) -> StrArray:
    """``YYYYMM`` strings of dates."""
    months = dates.astype("datetime64[M]").astype(np.int64)
    return ((months // 12 + 1970) * 100 + months % 12 + 1).astype("<U6")


def lookup(mapping: dict[str, str], keys: StrArray) -> StrArray:
    """Vectorised ``mapping[key]`` for every key (all keys must be present)."""
    src = np.array(list(mapping))
    order = np.argsort(src)
    pos = order[np.searchsorted(src, keys, sorter=order)]
    return np.array(list(mapping.values()))[pos]


def dedupe(names: StrArray) -> StrArray:
    """Make names unique by suffixing repeats with 二, 三, … in order of appearance."""
    order = np.argsort(names, kind="stable")
    s = names[order]
    first = np.r_[True, s[1:] != s[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(s.size), 0))
    rank = np.arange(s.size) - start
    digits = np.array(["", "二", "三", "四", "五", "六", "七", "八", "九", "十"])
    suffix = np.where(rank < digits.size, digits[np.minimum(rank, digits.size - 1)], rank.astype("<U4"))
    out = np.empty_like(names, dtype=object)
    out[order] = np.strings.add(s, suffix)
    return out.astype(str)


def hex_tokens(rng: np.random.Generator, prefix: str, n: int, width: int = 16) -> StrArray:
    """Distinct opaque tokens ``prefix`` + ``width`` lowercase hex digits (hashed-account stand-ins)."""
    alphabet = np.array([ord(c) for c in "0123456789abcdef"], dtype="<u4")
    while True:
        cps = alphabet[rng.integers(0, 16, (n, width))]
        body = np.ascontiguousarray(cps).view(f"<U{width}").reshape(n)
        if np.unique(body).size == n:
            return np.strings.add(prefix, body)
