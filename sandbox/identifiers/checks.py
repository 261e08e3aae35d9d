"""Check characters and strict validators for Chinese public-sector identifiers.

Standards followed:

- 公民身份号码 (resident ID): GB 11643-1999, ISO 7064 MOD 11-2.
- 组织机构代码 (organisation code): GB 11714-1997.
- 统一社会信用代码 (USCC): GB 32100-2015 (ISO 7064 MOD 31-3 over its 31-symbol alphabet); the
  registration-authority / entity-type pairs are the national allocation table that extends the
  standard's appendix (authorities 2-8, A and N were added after 2015).
- Bank cards: ISO/IEC 7812 Luhn check.
- Camera IDs: GB/T 28181 device coding (20 digits).
- 不动产单元号: GB/T 37346-2019 layout (28 characters).

Validators are meant for the PII recognizers as well as for tests: each takes any ``str``, never
raises, accepts only the canonical machine form (ASCII digits, uppercase letters, no spaces), and
costs one precompiled ``fullmatch`` plus at most one checksum. The ``*_check_char`` functions raise
``ValueError`` on malformed input because a silently wrong check character would poison generated
data.

Storage decisions shared with the generators (see the package docstring):

- Plates are stored without the middle dot: ``贵HD12345``, not ``贵H·D12345``.
- Landlines are stored as ``0855-NNNNNNN``; the validator also accepts the form without hyphen.
- 不动产权证号 use ASCII parentheses, ``黔(2024)凯里市不动产权第0012345号``; the validator also accepts
  the full-width pair ``（）`` that appears on printed certificates.
"""

from __future__ import annotations

import re
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}

# Registration authority -> entity types it may issue (national allocation table).
USCC_ENTITY_TYPES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 编办管理的群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商/市场监管: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

CAMERA_TYPE_CODES = frozenset({"111", "118", "131", "132"})
PLATE_PREFIX = "贵H"
LANDLINE_AREA_CODE = "0855"
HPF_ACCOUNT_PREFIX = "5226"
CAMERA_CENTRE_PREFIX = "5226"
PROPERTY_CERT_PROVINCE = "黔"
# Unified real-estate registration (and with it this certificate number) started in 2015.
PROPERTY_CERT_FIRST_YEAR = 2015

_EARLIEST_BIRTH = date(1900, 1, 1)

_RESIDENT_ID_RE = re.compile(r"[1-9][0-9]{16}[0-9X]")
_ORG_BODY_RE = re.compile(r"[0-9A-Z]{8}")
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[1-9][0-9]{5}[0-9A-HJ-NPQRTUWXY]{10}")
_DIGITS_RE = re.compile(r"[0-9]+")
_BANK_CARD_RE = re.compile(r"(?:62|4|5)[0-9]{14,18}")
_BANK_CARD_LENGTHS = range(16, 20)
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_RE = re.compile(r"0855-?[2-9][0-9]{6}")
_PLATE_RE = re.compile(r"贵H(?:[0-9A-HJ-NP-Z]{5}|[DF][0-9A-HJ-NP-Z][0-9]{4})")
# 宗地特征码: first letter is the land-ownership type (G 国有, J 集体, Z 未定/争议), second the right type.
_UNIT_NO_RE = re.compile(r"[1-9][0-9]{5}[0-9]{6}[GJZ][A-Z][0-9]{5}F[0-9]{8}")
_PROPERTY_CERT_RE = re.compile(
    r"黔(?:\((?P<y1>[0-9]{4})\)|（(?P<y2>[0-9]{4})）)"
    r"[\u4e00-\u9fff]{1,8}(?:市|县|区)不动产权第[0-9]{7}号"
)
_CAMERA_RE = re.compile(r"5226[0-9]{4}[0-9]{2}(?P<type>[0-9]{3})[0-9][0-9]{6}")
_VESSEL_RE = re.compile(r"CN[0-9]{11}")
_HPF_ACCOUNT_RE = re.compile(r"5226[0-9]{8}")


# --- 公民身份号码 (GB 11643-1999) -------------------------------------------------------------


def resident_id_check_char(body17: str) -> str:
    """Return the GB 11643-1999 check character for a 17-digit body.

    >>> resident_id_check_char("11010519491231002")
    'X'
    """
    if len(body17) != 17 or not _DIGITS_RE.fullmatch(body17):
        raise ValueError("resident ID body must be 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_resident_id(value: str, *, today: date | None = None) -> bool:
    """True for an 18-character resident ID with a real birth date and a correct check character.

    The birth date must lie between 1900-01-01 and ``today`` (default: the current date). Only an
    uppercase ``X`` is accepted as check character.
    """
    if not _RESIDENT_ID_RE.fullmatch(value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not _EARLIEST_BIRTH <= born <= (today or date.today()):
        return False
    return resident_id_check_char(value[:17]) == value[17]


# --- 组织机构代码 (GB 11714-1997) --------------------------------------------------------------


def _org_char_value(ch: str) -> int:
    # GB 11714 appendix A: digits keep their value, A=10 ... Z=35.
    return int(ch) if ch.isdigit() else ord(ch) - 55


def org_code_check_char(body8: str) -> str:
    """Return the GB 11714-1997 check character for an 8-character organisation-code body.

    >>> org_code_check_char("D2143569")
    'X'
    """
    if not _ORG_BODY_RE.fullmatch(body8):
        raise ValueError("organisation code body must be 8 ASCII digits or uppercase letters")
    total = sum(_org_char_value(ch) * w for ch, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def is_valid_org_code(value: str) -> bool:
    """True for a 9-character organisation code (machine form, no hyphen) with a correct check."""
    return (
        len(value) == 9
        and value[8] in "0123456789X"
        and _ORG_BODY_RE.fullmatch(value[:8]) is not None
        and org_code_check_char(value[:8]) == value[8]
    )


# --- 统一社会信用代码 (GB 32100-2015) ----------------------------------------------------------


def uscc_check_char(body17: str) -> str:
    """Return the GB 32100-2015 check character for a 17-character USCC body.

    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    if len(body17) != 17 or any(ch not in _USCC_VALUE for ch in body17):
        raise ValueError("USCC body must be 17 characters from 0-9A-HJ-NPQRTUWXY")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """True for a USCC with a known authority/type pair, region, embedded org-code and final check."""
    if not _USCC_RE.fullmatch(value):
        return False
    if value[1] not in USCC_ENTITY_TYPES.get(value[0], ""):
        return False
    return is_valid_org_code(value[8:17]) and uscc_check_char(value[:17]) == value[17]


# --- Luhn and bank cards -----------------------------------------------------------------------


def _luhn_sum(digits: str, *, double_last: bool) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if (i % 2 == 0) == double_last:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def luhn_check_digit(digits: str) -> str:
    """Return the Luhn digit that completes ``digits``.

    >>> luhn_check_digit("7992739871")
    '3'
    """
    if not _DIGITS_RE.fullmatch(digits):
        raise ValueError("Luhn payload must be ASCII digits")
    return str(-_luhn_sum(digits, double_last=True) % 10)


def is_valid_luhn(digits: str) -> bool:
    """True if an all-digit string of length >= 2 ends with a correct Luhn check digit."""
    return (
        len(digits) >= 2 and _DIGITS_RE.fullmatch(digits) is not None and _luhn_sum(digits, double_last=False) % 10 == 0
    )


def is_valid_bank_card(value: str) -> bool:
    """True for 16-19 digits with a UnionPay (62) or Visa/Mastercard-style (4/5) prefix and Luhn."""
    return len(value) in _BANK_CARD_LENGTHS and _BANK_CARD_RE.fullmatch(value) is not None and is_valid_luhn(value)


# --- Phones ------------------------------------------------------------------------------------


def is_valid_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number ``1[3-9]XXXXXXXXX`` (no country code)."""
    return _MOBILE_RE.fullmatch(value) is not None


def is_valid_landline(value: str) -> bool:
    """True for a 黔东南 landline: ``0855-NNNNNNN`` or ``0855NNNNNNN``, local number not starting 0/1."""
    return _LANDLINE_RE.fullmatch(value) is not None


# --- Vehicles, real estate, devices, vessels, accounts ------------------------------------------


def is_valid_plate(value: str) -> bool:
    """True for a 黔东南 plate stored without the middle dot.

    Ordinary: ``贵H`` + 5 of [0-9A-Z] without I/O (``贵HA1234``). New-energy (GA 36-2018):
    ``贵H`` + D|F + one letter-or-digit + 4 digits (``贵HD12345``).
    """
    return _PLATE_RE.fullmatch(value) is not None


def is_valid_unit_no(value: str) -> bool:
    """True for a 28-character 不动产单元号 (GB/T 37346-2019 layout).

    6-digit county + 6-digit 地籍区/子区 + 宗地特征码 (G|J|Z then A-Z) + 5-digit 宗地顺序号 +
    ``F`` (房屋) + 8-digit building/unit code.
    """
    return _UNIT_NO_RE.fullmatch(value) is not None


def is_valid_property_cert_no(value: str, *, today: date | None = None) -> bool:
    """True for ``黔(YYYY)<county>不动产权第NNNNNNN号`` with 2015 <= YYYY <= the current year.

    ``<county>`` is 1-8 CJK characters ending in 市, 县 or 区. Parentheses are an ASCII or a
    full-width pair, not mixed.
    """
    m = _PROPERTY_CERT_RE.fullmatch(value)
    if m is None:
        return False
    year = int(m.group("y1") or m.group("y2"))
    return PROPERTY_CERT_FIRST_YEAR <= year <= (today or date.today()).year


def is_valid_camera_id(value: str) -> bool:
    """True for a 20-digit GB/T 28181 device ID of a 黔东南 camera or recorder.

    Centre code (8, starting 5226) + industry (2) + type (3: 111 DVR, 118 NVR, 131 camera,
    132 IP camera) + network flag (1) + serial (6).
    """
    m = _CAMERA_RE.fullmatch(value)
    return m is not None and m.group("type") in CAMERA_TYPE_CODES


def is_valid_vessel_id(value: str) -> bool:
    """True for an inland vessel identification number ``CN`` + 11 digits (format only)."""
    return _VESSEL_RE.fullmatch(value) is not None


def is_valid_hpf_account(value: str) -> bool:
    """True for a synthetic 公积金 account number: 12 digits starting ``5226``."""
    return _HPF_ACCOUNT_RE.fullmatch(value) is not None
