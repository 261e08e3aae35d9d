"""Vectorised generators of synthetic identifiers that pass the validators in ``checks``.

Same standards as ``checks``: GB 11643-1999 (resident IDs), GB 11714-1997 and GB 32100-2015
(organisation codes inside USCCs), ISO/IEC 7812 Luhn (bank cards), GA 36-2018 (plates), GB/T 37346
(不动产单元号), GB/T 28181 (camera IDs).

Every generator takes a ``numpy.random.Generator`` first, so a seed fixes the output, and returns a
1-D fixed-width unicode array. Strings are assembled as a ``(n, width)`` matrix of UCS-4 code points
and reinterpreted as ``<U{width}`` in place (certificate numbers, whose county names vary in
length, are joined with ``numpy.strings`` instead): no Python loop runs per value, only per
character position. Generators documented as unique return pairwise-distinct values *within one call*; call
once per population, not once per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sandbox.identifiers import checks

__all__ = [
    "MOBILE_PREFIXES",
    "bank_cards",
    "camera_ids",
    "hpf_account_nos",
    "landlines",
    "mobiles",
    "plates",
    "property_cert_nos",
    "resident_ids",
    "unit_numbers",
    "usccs",
    "vessel_ids",
]

# Data-card (14x), virtual-operator (16x) and 广电 (192) segments: rarely used for personal voice
# numbers, per the data design's safety rule for synthetic phones.
MOBILE_PREFIXES = ("145", "146", "147", "149", "162", "165", "167", "192")
# GB/T 28181 industry codes used for 黔东南 cameras: 社会治安路面/社区, 交通路面/卡口, 城市管理.
CAMERA_INDUSTRY_CODES = ("00", "01", "04", "05", "08")
CAMERA_GENERATED_TYPES = ("131", "132")
VESSEL_FIRST_YEAR, VESSEL_LAST_YEAR = 1990, 2024

_PLATE_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # GA 36: no I, O
_ORG_OF_ENTERPRISES = "MA"  # post-2015 organisation codes of market entities start with MA
_MAX_REJECTION_ROUNDS = 64
_DENSE_LIMIT = 1 << 24  # most slots (groups x capacity) dealt out as permutations in one call

IntArray = NDArray[np.int64]
CodePoints = NDArray[np.uint32]


# --- string assembly ---------------------------------------------------------------------------


def _codes(text: str) -> CodePoints:
    return np.array([ord(ch) for ch in text], dtype="<u4")


def _as_strings(matrix: CodePoints) -> NDArray[np.str_]:
    m = np.ascontiguousarray(matrix, dtype="<u4")
    n, width = m.shape
    out: NDArray[np.str_] = m.view(f"<U{width}").reshape(n)
    return out


def _int_digits(values: IntArray, width: int) -> CodePoints:
    """Zero-padded decimal digits of non-negative ints as a ``(n, width)`` code-point matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits: CodePoints = (values[:, None] // powers % 10 + 48).astype("<u4")
    return digits


def _weighted_sum(values: NDArray[Any], weights: Sequence[int]) -> IntArray:
    total = np.zeros(values.shape[0], dtype=np.int64)
    for col, w in enumerate(weights):
        total += values[:, col].astype(np.int64) * w
    return total


def _text_column(values: NDArray[np.str_] | str, n: int | None, width: int, what: str) -> CodePoints:
    """Validate fixed-width strings (or one string to broadcast) and return their code points."""
    arr = np.asarray(values)
    if arr.dtype.kind != "U" or arr.ndim > 1:
        raise ValueError(f"{what} must be a str or a 1-D array of str")
    if arr.ndim == 0:
        if n is None:
            raise ValueError(f"{what} must be an array here")
        arr = np.full(n, arr.item(), dtype=arr.dtype)
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{what} has {arr.shape[0]} values, expected {n}")
    if arr.size and not bool(np.all(np.strings.str_len(arr) == width)):
        raise ValueError(f"every {what} value must have exactly {width} characters")
    fixed = np.ascontiguousarray(arr, dtype=f"<U{width}")
    cps: CodePoints = fixed.view("<u4").reshape(fixed.shape[0], width)
    return cps


def _require_region_codes(cps: CodePoints, what: str) -> None:
    if cps.size and not (bool(np.all((cps >= 48) & (cps <= 57))) and bool(np.all(cps[:, 0] != 48))):
        raise ValueError(f"{what} must be 6 ASCII digits not starting with 0")


# --- distinct draws ----------------------------------------------------------------------------


def _duplicated(keys: IntArray) -> NDArray[np.bool_]:
    """Mask of every occurrence of a key except the first one in sorted (stable) order."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    dup = np.zeros(keys.size, dtype=bool)
    dup[order[1:][ordered[1:] == ordered[:-1]]] = True
    return dup


def _deal_slots(rng: np.random.Generator, group_idx: IntArray, groups: IntArray, capacity: IntArray) -> IntArray:
    """Distinct slots for the rows of ``groups``: a random permutation of each group's slots, dealt out."""
    local = np.searchsorted(groups, group_idx)
    order = np.argsort(local, kind="stable")
    sorted_local = local[order]
    ranks = np.empty(local.size, dtype=np.int64)
    ranks[order] = np.arange(local.size) - np.searchsorted(sorted_local, sorted_local, side="left")
    caps = capacity[groups]
    width = int(caps.max())
    keys = rng.random((groups.size, width))
    keys[np.arange(width)[None, :] >= caps[:, None]] = 2.0  # slots beyond a group's capacity sort last
    dealt: IntArray = np.argsort(keys, axis=1)[local, ranks].astype(np.int64)
    return dealt


def _distinct_per_group(rng: np.random.Generator, groups: IntArray, high: IntArray | int) -> IntArray:
    """One uniform draw in ``[0, high)`` per row, pairwise distinct among rows of the same group.

    ``high`` may vary by row but must be constant within a group. Groups filled beyond a quarter of
    their capacity get a random permutation of their slots dealt out (exact even when full); the
    sparse rest draw independently and re-draw collisions, which converges in a few rounds.
    """
    n = groups.size
    highs = np.broadcast_to(np.asarray(high, dtype=np.int64), (n,))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if bool(np.any(highs < 1)):
        raise ValueError("value space must not be empty")
    _, group_idx, counts = np.unique(groups, return_inverse=True, return_counts=True)
    capacity = np.zeros(counts.size, dtype=np.int64)
    capacity[group_idx] = highs
    if bool(np.any(counts > capacity)):
        worst = int(np.argmax(counts - capacity))
        raise ValueError(f"a cell needs {int(counts[worst])} distinct values but holds only {int(capacity[worst])}")
    stride = int(highs.max())
    if counts.size * stride >= 2**62:
        raise ValueError("value space too large to check for duplicates")

    vals = np.zeros(n, dtype=np.int64)
    crowded = np.flatnonzero((counts * 4 > capacity) & (capacity <= _DENSE_LIMIT))
    sparse_rows = np.ones(n, dtype=bool)
    if crowded.size and crowded.size * int(capacity[crowded].max()) <= _DENSE_LIMIT:
        dense_rows = np.isin(group_idx, crowded)
        vals[dense_rows] = _deal_slots(rng, group_idx[dense_rows], crowded, capacity)
        sparse_rows = ~dense_rows
    rows = np.flatnonzero(sparse_rows)
    vals[rows] = rng.integers(0, highs[rows])
    for _ in range(_MAX_REJECTION_ROUNDS):
        dup = rows[_duplicated(group_idx[rows] * stride + vals[rows])]
        if dup.size == 0:
            return vals
        vals[dup] = rng.integers(0, highs[dup])
    raise RuntimeError("could not draw distinct values; value space nearly exhausted")


def _distinct(rng: np.random.Generator, n: int, high: int) -> IntArray:
    return _distinct_per_group(rng, np.zeros(n, dtype=np.int64), high)


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError("n must not be negative")


# --- 公民身份号码 ------------------------------------------------------------------------------

_ID_CHECK = _codes(checks.ID_CHECK_CHARS)
_EPOCH_1900 = np.datetime64("1900-01-01", "D")


def resident_ids(
    rng: np.random.Generator,
    regions: NDArray[np.str_],
    birth_dates: NDArray[np.datetime64],
    male: NDArray[np.bool_],
    *,
    unique: bool = True,
) -> NDArray[np.str_]:
    """Resident IDs (GB 11643-1999) for given home regions, birth dates and sexes.

    ``regions`` holds one 6-digit code per row (a single ``str`` is broadcast); ``birth_dates`` may
    use any datetime64 unit and must lie between 1900-01-01 and today.

    The 3-digit sequence is odd for men (001-999) and even for women (002-998); 000 is not issued.
    With ``unique=True`` no two returned IDs are equal; a (region, birth date, sex) cell can hold
    500 men and 499 women, beyond which ``ValueError`` is raised.
    """
    dates = np.asarray(birth_dates).astype("datetime64[D]")
    sex = np.asarray(male)
    if dates.ndim != 1 or sex.ndim != 1 or sex.dtype != np.bool_:
        raise ValueError("birth_dates and male must be 1-D; male must be boolean")
    n = dates.shape[0]
    if sex.shape[0] != n:
        raise ValueError(f"male has {sex.shape[0]} values, expected {n}")
    region_cps = _text_column(regions, n, 6, "region code")
    _require_region_codes(region_cps, "region code")
    if bool(np.any(np.isnat(dates))) or bool(
        np.any((dates < _EPOCH_1900) | (dates > np.datetime64(date.today(), "D")))
    ):
        raise ValueError("birth dates must lie between 1900-01-01 and today")

    months = dates.astype("datetime64[M]")
    ymd = (
        (dates.astype("datetime64[Y]").astype(np.int64) + 1970) * 10000
        + (months.astype(np.int64) % 12 + 1) * 100
        + (dates - months).astype(np.int64)
        + 1
    )
    slots = np.where(sex, 500, 499).astype(np.int64)
    if unique:
        region_int = _weighted_sum(region_cps - 48, [10**k for k in range(5, -1, -1)])
        cell = (region_int * (1 << 17) + (dates - _EPOCH_1900).astype(np.int64)) * 2 + sex
        slot = _distinct_per_group(rng, cell, slots)
    else:
        slot = rng.integers(0, slots)
    seq = 2 * slot + np.where(sex, 1, 2)

    out = np.empty((n, 18), dtype="<u4")
    out[:, :6] = region_cps
    out[:, 6:14] = _int_digits(ymd, 8)
    out[:, 14:17] = _int_digits(seq, 3)
    out[:, 17] = _ID_CHECK[_weighted_sum(out[:, :17] - 48, checks.ID_WEIGHTS) % 11]
    return _as_strings(out)


# --- 统一社会信用代码 ---------------------------------------------------------------------------

_USCC_ALPHABET = _codes(checks.USCC_ALPHABET)
_USCC_VALUE_BY_CP = np.zeros(128, dtype=np.int64)
_USCC_VALUE_BY_CP[_USCC_ALPHABET] = np.arange(len(checks.USCC_ALPHABET))
_ORG_VALUE_BY_CP = np.zeros(128, dtype=np.int64)
_ORG_VALUE_BY_CP[48:58] = np.arange(10)
_ORG_VALUE_BY_CP[65:91] = np.arange(10, 36)
_ORG_CHECK = _codes("?123456789X0")  # index 11 - (sum mod 11), never 0


def _org_codes(rng: np.random.Generator, n: int, enterprise: bool) -> CodePoints:
    """Distinct 9-character organisation codes (GB 11714-1997) made of USCC-alphabet characters."""
    out = np.empty((n, 9), dtype="<u4")
    if enterprise:
        idx = _distinct(rng, n, 31**6)
        out[:, :2] = _codes(_ORG_OF_ENTERPRISES)
        for col in range(7, 1, -1):
            out[:, col] = _USCC_ALPHABET[idx % 31]
            idx //= 31
    else:
        out[:, :8] = _int_digits(_distinct(rng, n, 10**8), 8)
    total = _weighted_sum(_ORG_VALUE_BY_CP[out[:, :8]], checks.ORG_CODE_WEIGHTS)
    out[:, 8] = _ORG_CHECK[11 - total % 11]
    return out


def usccs(
    rng: np.random.Generator,
    n: int,
    authority: str,
    entity_type: str,
    regions: NDArray[np.str_] | str,
) -> NDArray[np.str_]:
    """Distinct USCCs (GB 32100-2015) for one registration authority and entity type.

    ``regions`` is one 6-digit code or one per row. Under authority ``9`` (market regulation) the
    embedded organisation code takes the post-2015 ``MA`` form (e.g. ``91522601MA6D...``);
    otherwise it is 8 digits plus check.
    """
    _check_count(n)
    if entity_type not in checks.USCC_ENTITY_TYPES.get(authority, "") or len(entity_type) != 1:
        raise ValueError("unknown registration authority / entity type pair")
    region_cps = _text_column(regions, n, 6, "region code")
    _require_region_codes(region_cps, "region code")
    out = np.empty((n, 18), dtype="<u4")
    out[:, 0] = ord(authority)
    out[:, 1] = ord(entity_type)
    out[:, 2:8] = region_cps
    out[:, 8:17] = _org_codes(rng, n, enterprise=authority == "9")
    total = _weighted_sum(_USCC_VALUE_BY_CP[out[:, :17]], checks.USCC_WEIGHTS)
    out[:, 17] = _USCC_ALPHABET[(31 - total % 31) % 31]
    return _as_strings(out)


# --- bank cards --------------------------------------------------------------------------------

_LUHN_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def _luhn_digits(payload: CodePoints) -> CodePoints:
    digits = payload.astype(np.int64) - 48
    total = np.zeros(digits.shape[0], dtype=np.int64)
    width = digits.shape[1]
    for i in range(width):  # i counts from the right; the digit next to the check digit is doubled
        col = digits[:, width - 1 - i]
        total += _LUHN_DOUBLED[col] if i % 2 == 0 else col
    check: CodePoints = (-total % 10 + 48).astype("<u4")
    return check


def bank_cards(
    rng: np.random.Generator,
    n: int,
    bins: Sequence[str] = ("621700", "622200", "622800"),
    length: int = 19,
) -> NDArray[np.str_]:
    """Distinct Luhn-valid card numbers of ``length`` digits, BIN drawn uniformly from ``bins``."""
    _check_count(n)
    if not 16 <= length <= 19:
        raise ValueError("card length must be 16-19")
    if not bins or len(set(bins)) != len(bins):
        raise ValueError("bins must be non-empty and distinct")
    for b in bins:
        if not (b.isascii() and b.isdigit() and b.startswith(("62", "4", "5")) and len(b) < length - 1):
            raise ValueError("each BIN must be digits starting 62, 4 or 5 and shorter than the card")
        if any(o != b and o.startswith(b) for o in bins):
            raise ValueError("no BIN may be a prefix of another")
    bin_values = np.array([int(b) for b in bins], dtype=np.int64)
    rest_width = np.array([length - 1 - len(b) for b in bins], dtype=np.int64)
    which = rng.integers(0, len(bins), size=n)
    space = 10 ** rest_width[which]
    body = bin_values[which] * space + _distinct_per_group(rng, which, space)
    out = np.empty((n, length), dtype="<u4")
    out[:, :-1] = _int_digits(body, length - 1)
    out[:, -1] = _luhn_digits(out[:, :-1])
    return _as_strings(out)


# --- phones ------------------------------------------------------------------------------------


def mobiles(rng: np.random.Generator, n: int) -> NDArray[np.str_]:
    """Distinct 11-digit mobile numbers from the rarely used segments in ``MOBILE_PREFIXES``."""
    _check_count(n)
    idx = _distinct(rng, n, len(MOBILE_PREFIXES) * 10**8)
    prefixes = np.array([_codes(p) for p in MOBILE_PREFIXES], dtype="<u4")
    out = np.empty((n, 11), dtype="<u4")
    out[:, :3] = prefixes[idx // 10**8]
    out[:, 3:] = _int_digits(idx % 10**8, 8)
    return _as_strings(out)


def landlines(rng: np.random.Generator, n: int) -> NDArray[np.str_]:
    """Distinct 黔东南 landlines ``0855-NNNNNNN`` (local number starts with 2-9)."""
    _check_count(n)
    local = 2_000_000 + _distinct(rng, n, 8_000_000)
    out = np.empty((n, 12), dtype="<u4")
    out[:, :5] = _codes(checks.LANDLINE_AREA_CODE + "-")
    out[:, 5:] = _int_digits(local, 7)
    return _as_strings(out)


# --- plates ------------------------------------------------------------------------------------

_PLATE_CHARS = _codes(_PLATE_ALNUM)
_ORDINARY_SPACE = 34 * 34 * 1000  # two letter-or-digit positions + 3 digits
_NEW_ENERGY_SPACE = 2 * 34 * 10_000  # D|F + letter-or-digit + 4 digits


def plates(rng: np.random.Generator, n: int, new_energy_share: float = 0.0) -> NDArray[np.str_]:
    """Distinct 黔东南 plates stored without the middle dot (``贵HA1B234``, ``贵HD12345``).

    Exactly ``round(n * new_energy_share)`` rows, at random positions, are 8-character new-energy
    plates; the others are 7-character ordinary plates (so the two kinds can never collide).
    """
    _check_count(n)
    if not 0.0 <= new_energy_share <= 1.0:
        raise ValueError("new_energy_share must be between 0 and 1")
    is_ne = np.zeros(n, dtype=bool)
    is_ne[rng.permutation(n)[: round(n * new_energy_share)]] = True
    idx = _distinct_per_group(rng, is_ne.astype(np.int64), np.where(is_ne, _NEW_ENERGY_SPACE, _ORDINARY_SPACE))
    out = np.zeros((n, 8), dtype="<u4")
    out[:, :2] = _codes(checks.PLATE_PREFIX)
    ordinary, ne = ~is_ne, is_ne
    oi = idx[ordinary]
    out[ordinary, 2] = _PLATE_CHARS[oi // 34000]
    out[ordinary, 3] = _PLATE_CHARS[oi // 1000 % 34]
    out[ordinary, 4:7] = _int_digits(oi % 1000, 3)
    ni = idx[ne]
    out[ne, 2] = np.where(ni // 340_000 == 0, ord("D"), ord("F"))
    out[ne, 3] = _PLATE_CHARS[ni // 10_000 % 34]
    out[ne, 4:8] = _int_digits(ni % 10_000, 4)
    return _as_strings(out)


# --- real estate -------------------------------------------------------------------------------

# Mixed radix of the generated part of a unit number: 地籍区 1-12, 子区 1-20, 宗地 1-99999,
# 幢 1-99, floor 1-33, room 1-8 (户号 = floor*100 + room).
_UNIT_RADIX = (12, 20, 99_999, 99, 33, 8)


def unit_numbers(
    rng: np.random.Generator, county_codes: NDArray[np.str_], *, collective_share: float = 0.2
) -> NDArray[np.str_]:
    """Distinct 28-character 不动产单元号 for the given 6-digit county codes.

    宗地特征码 is ``JC`` (集体土地, 宅基地) for about ``collective_share`` of rows and ``GB``
    (国有建设用地使用权) otherwise; the 定着物 code is ``F`` (house).
    """
    cps = _text_column(county_codes, None, 6, "county code")
    _require_region_codes(cps, "county code")
    if not 0.0 <= collective_share <= 1.0:
        raise ValueError("collective_share must be between 0 and 1")
    n = cps.shape[0]
    collective = rng.random(n) < collective_share
    county_int = _weighted_sum(cps - 48, [10**k for k in range(5, -1, -1)])
    space = int(np.prod(_UNIT_RADIX))
    idx = _distinct_per_group(rng, county_int * 2 + collective, space)
    parts = []
    for radix in reversed(_UNIT_RADIX):
        parts.append(idx % radix + 1)
        idx = idx // radix
    room, floor, building, parcel, subzone, zone = parts
    out = np.empty((n, 28), dtype="<u4")
    out[:, :6] = cps
    out[:, 6:9] = _int_digits(zone, 3)
    out[:, 9:12] = _int_digits(subzone, 3)
    out[:, 12] = np.where(collective, ord("J"), ord("G"))
    out[:, 13] = np.where(collective, ord("C"), ord("B"))
    out[:, 14:19] = _int_digits(parcel, 5)
    out[:, 19] = ord("F")
    out[:, 20:24] = _int_digits(building, 4)
    out[:, 24:28] = _int_digits(floor * 100 + room, 4)
    return _as_strings(out)


def property_cert_nos(
    rng: np.random.Generator, years: NDArray[np.int_], county_names: NDArray[np.str_]
) -> NDArray[np.str_]:
    """Distinct ``黔(YYYY)<county>不动产权第NNNNNNN号`` certificate numbers (ASCII parentheses).

    Years must lie between 2015 (start of unified registration) and the current year; numbers run
    0000001-0999999 within each (year, county).
    """
    yrs = np.asarray(years)
    names = np.asarray(county_names)
    if yrs.ndim != 1 or yrs.dtype.kind not in "iu" or names.ndim != 1 or names.dtype.kind != "U":
        raise ValueError("years must be a 1-D int array and county_names a 1-D str array")
    if yrs.shape != names.shape:
        raise ValueError("years and county_names must have the same length")
    if yrs.size and (int(yrs.min()) < checks.PROPERTY_CERT_FIRST_YEAR or int(yrs.max()) > date.today().year):
        raise ValueError(f"certificate years must lie between {checks.PROPERTY_CERT_FIRST_YEAR} and this year")
    distinct_names, name_idx = np.unique(names, return_inverse=True)
    for name in distinct_names.tolist():  # one check per distinct county, not per row
        if not checks.is_valid_property_cert_no(f"黔({checks.PROPERTY_CERT_FIRST_YEAR}){name}不动产权第0000001号"):
            raise ValueError("county names must be 1-8 CJK characters ending in 市, 县 or 区")
    number = 1 + _distinct_per_group(rng, name_idx.astype(np.int64) * 10_000 + yrs, 999_999)
    text = np.strings.add("黔(", yrs.astype("<U4"))
    text = np.strings.add(np.strings.add(text, ")"), names)
    text = np.strings.add(text, "不动产权第")
    text = np.strings.add(text, np.strings.zfill(number.astype("<U7"), 7))
    result: NDArray[np.str_] = np.strings.add(text, "号")
    return result


# --- cameras, vessels, 公积金 accounts -----------------------------------------------------------

_INDUSTRY = np.array([_codes(c) for c in CAMERA_INDUSTRY_CODES], dtype="<u4")
_CAMERA_TYPES = np.array([_codes(c) for c in CAMERA_GENERATED_TYPES], dtype="<u4")


def camera_ids(
    rng: np.random.Generator, county_codes: NDArray[np.str_], network_flags: NDArray[np.str_]
) -> NDArray[np.str_]:
    """Distinct 20-digit GB/T 28181 camera IDs.

    Centre code = county code (must start 5226) + 2-digit unit; industry from
    ``CAMERA_INDUSTRY_CODES``; type 131 (camera) or 132 (IP camera); the given 1-digit network
    flag (5 公安网, 6 政务网, 8 社会资源 ...); serial 000001-999999.
    """
    cps = _text_column(county_codes, None, 6, "county code")
    n = cps.shape[0]
    flags = _text_column(network_flags, n, 1, "network flag")
    prefix = _codes(checks.CAMERA_CENTRE_PREFIX)
    if n and not (bool(np.all(cps[:, :4] == prefix)) and bool(np.all((cps >= 48) & (cps <= 57)))):
        raise ValueError("camera county codes must be 6 digits starting 5226")
    if n and not bool(np.all((flags >= 48) & (flags <= 57))):
        raise ValueError("network flags must be single digits")
    n_ind, n_typ = len(CAMERA_INDUSTRY_CODES), len(CAMERA_GENERATED_TYPES)
    county_int = _weighted_sum(cps - 48, [10**k for k in range(5, -1, -1)])
    idx = _distinct_per_group(rng, county_int * 10 + (flags[:, 0] - 48), 100 * n_ind * n_typ * 999_999)
    serial = idx % 999_999 + 1
    idx //= 999_999
    out = np.empty((n, 20), dtype="<u4")
    out[:, :6] = cps
    out[:, 6:8] = _int_digits(idx // (n_ind * n_typ), 2)
    out[:, 8:10] = _INDUSTRY[idx // n_typ % n_ind]
    out[:, 10:13] = _CAMERA_TYPES[idx % n_typ]
    out[:, 13] = flags[:, 0]
    out[:, 14:20] = _int_digits(serial, 6)
    return _as_strings(out)


def vessel_ids(rng: np.random.Generator, n: int) -> NDArray[np.str_]:
    """Distinct inland vessel IDs ``CN`` + 11 digits.

    The first 4 digits are a keel-laying year (1990-2024), the rest random. The real scheme ends in
    a check digit whose algorithm is not published in our sources, so none is computed.
    """
    _check_count(n)
    years = VESSEL_LAST_YEAR - VESSEL_FIRST_YEAR + 1
    idx = _distinct(rng, n, years * 10**7)
    out = np.empty((n, 13), dtype="<u4")
    out[:, :2] = _codes("CN")
    out[:, 2:6] = _int_digits(VESSEL_FIRST_YEAR + idx // 10**7, 4)
    out[:, 6:] = _int_digits(idx % 10**7, 7)
    return _as_strings(out)


def hpf_account_nos(rng: np.random.Generator, n: int) -> NDArray[np.str_]:
    """Distinct synthetic 公积金 account numbers: ``5226`` + 8 digits."""
    _check_count(n)
    out = np.empty((n, 12), dtype="<u4")
    out[:, :4] = _codes(checks.HPF_ACCOUNT_PREFIX)
    out[:, 4:] = _int_digits(_distinct(rng, n, 10**8), 8)
    return _as_strings(out)
