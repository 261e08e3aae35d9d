"""统一社会信用代码 (GB 32100-2015). Individual businesses (92…) identify a person; others are public."""

from __future__ import annotations

import re

import numpy as np

from sandbox.identifiers.checks import ORG_CODE_WEIGHTS, USCC_ALPHABET, USCC_ENTITY_TYPES, USCC_WEIGHTS
from sandbox.pii import vector
from sandbox.pii.checks import uscc_ok
from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict
from sandbox.pii.vector import Codes

ENTITY = "CN_USCC"
ORG_ENTITY = "CN_USCC_ORG"
CONTEXT = ("统一社会信用代码", "信用代码", "税号", "纳税人识别号", "uscc", "营业执照")

PATTERN = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}(?![0-9A-Za-z])")
_HAS_LETTER_OR_DIGIT = re.compile(r"[0-9A-Za-z]")


_PERSONAL = Verdict(ENTITY, 1.0, validated=True)
_ORG = Verdict(ORG_ENTITY, 1.0, validated=True)


def check(value: str) -> Verdict | None:
    code = value.upper()
    if not uscc_ok(code):
        return None
    return _PERSONAL if code.startswith("92") else _ORG


# Code point -> USCC_ALPHABET index of its upper case, -1 outside the pattern's class (ASCII only).
_INDEX = np.full(128, -1, dtype=np.int64)
for _i, _ch in enumerate(USCC_ALPHABET):
    _INDEX[ord(_ch)] = _INDEX[ord(_ch.lower())] = _i
# (authority, type) pairs allowed by USCC_ENTITY_TYPES, indexed by alphabet position.
_PAIRS = np.array([[t in USCC_ENTITY_TYPES.get(a, "") for t in USCC_ALPHABET] for a in USCC_ALPHABET])
# A character's value in GB 11714's org-code alphabet (0-9, A-Z = 10-35), by USCC_ALPHABET position.
_ORG_VALUE = np.array([int(ch, 36) for ch in USCC_ALPHABET], dtype=np.int64)
_X = USCC_ALPHABET.index("X")


def check_cells(cells: list[str]) -> tuple[Codes, tuple[Verdict, ...]]:
    """``check`` of 18-character cells in bulk: the pattern matches such a cell whole or not at all."""
    points = np.array(cells, dtype="<U18").view(np.uint32).reshape(len(cells), 18)
    v = _INDEX[np.minimum(points, 127)]
    matched = np.asarray((v >= 0).all(axis=1), dtype=np.bool_)
    v = np.where(matched[:, None], v, 0)
    ok = _PAIRS[v[:, 0], v[:, 1]] & (v[:, 2] >= 1) & (v[:, 2] <= 9) & (v[:, 3:8] <= 9).all(axis=1)
    ok &= (31 - (v[:, :17] @ np.asarray(USCC_WEIGHTS)) % 31) % 31 == v[:, 17]
    org = 11 - (_ORG_VALUE[v[:, 8:16]] @ np.asarray(ORG_CODE_WEIGHTS)) % 11
    ok &= np.select([org == 10, org == 11], [_X, 0], org) == v[:, 16]
    personal = (v[:, 0] == 9) & (v[:, 1] == 2)
    return vector.codes(matched, ok, np.where(personal, 0, 1).astype(np.int8)), (_PERSONAL, _ORG)


_UPPER = frozenset("ABCDEFGHJKLMNPQRTUWXYabcdefghjklmnpqrtuwxy")
RULE = Rule(
    ENTITY,
    PATTERN,
    check,
    CONTEXT,
    needs=_HAS_LETTER_OR_DIGIT,
    entities=(ORG_ENTITY,),
    applies=lambda p: p.has_run(18) or (bool(p.chars & _UPPER) and p.has_run(1, 17)),
    whole_cells=(18, check_cells),
)


class CnUsccRecognizer(RuleRecognizer):
    RULE = RULE
