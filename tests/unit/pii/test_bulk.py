"""The bulk (numpy) step of the column fast path decides exactly as the regex + ``check`` path.

Three levels: each rule's bulk check against its own pattern and ``check`` cell by cell; whole
columns with the bulk step against the same columns with it switched off; the numpy profile against
the regex it replaces. Inputs are generated around the edges the validators look at (valid and
broken checksums, province and date edges, issuer ranges, lower case, characters outside alphabets).
"""

from __future__ import annotations

import dataclasses
import gc
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.identifiers.checks import (
    USCC_ALPHABET,
    luhn_check_digit,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)
from sandbox.pii import columns, vector
from sandbox.pii.columns import cell_hits, column_groups, group_hits, paused_gc
from sandbox.pii.profile import _DIGIT_RUN, _SEPARATED_GROUP, profile
from sandbox.pii.recognizers.base import Rule, find_counted
from sandbox.pii.registry import TABLE_RULES

BULK_RULES = [r for r in TABLE_RULES if r.bulk is not None]
CELL_RULES = [r for r in TABLE_RULES if r.whole_cells is not None]
D = "0123456789"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(D) for _ in range(n))


def _resident_like(rng: random.Random) -> str:
    region = rng.choice(["522601", "110105", "810000", "820001", "990000", "000000", "342623"])
    born = rng.choice(["19900101", "20000229", "19000229", "19850431", "18991231", "20991231", "00001301"])
    body = region + born + _digits(rng, 3)
    return body + (resident_id_check_char(body) if rng.random() < 0.7 else rng.choice(D))


def _card_like(rng: random.Random, n: int) -> str:
    prefix = rng.choice(["62", "4", "51", "55", "2221", "2720", "2721", "34", "37", "35", "3528", "3590", "60", "3"])
    body = (prefix + _digits(rng, n))[: n - 1]
    return body + (luhn_check_digit(body) if rng.random() < 0.6 else rng.choice(D))


def _uscc_like(rng: random.Random) -> str:
    org = "".join(rng.choice(USCC_ALPHABET if rng.random() < 0.4 else D) for _ in range(8))
    org += org_code_check_char(org) if rng.random() < 0.8 else rng.choice(USCC_ALPHABET)
    head = rng.choice(["92", "91", "93", "11", "A1", "N2", "Y1", "19", "90", "59"])
    body = head + rng.choice(["522601", "022601", "52260A"]) + org
    return body + (uscc_check_char(body) if rng.random() < 0.8 else rng.choice(USCC_ALPHABET))


def _digit_cells(seed: int, length: int, count: int = 400) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        pick = rng.random()
        if length == 18 and pick < 0.3:
            cell = _resident_like(rng)
        elif length == 18 and pick < 0.45:
            cell = _uscc_like(rng)
            cell = cell if cell.isdigit() else _digits(rng, 18)
        elif 15 <= length <= 19 and pick < 0.7:
            cell = _card_like(rng, length)
        elif length == 15 and pick < 0.8:
            cell = "0086" + rng.choice(["138", "145", "154", "120"]) + _digits(rng, 8)
        elif length in (17, 18) and pick < 0.85:
            cell = _resident_like(rng)[:15] + ("000" if length == 18 else _digits(rng, 2))
        else:
            cell = rng.choice(["0", "1", "9"]) + _digits(rng, length - 1)
        out.append(cell if cell.isdigit() else cell[:-1] + rng.choice(D))  # an X check character: not all-digit
    return out


def _expected(rule: Rule, cell: str, verdicts: tuple[object, ...], code: int) -> None:
    """The code of one cell against what the regex and ``check`` decide on the cell alone."""
    hits, candidates = find_counted(rule, cell)
    if candidates == 0:
        assert code == vector.NO_MATCH, cell
        return
    assert candidates == 1, cell
    if not hits:
        assert code == vector.REJECTED, cell
        return
    (start, end, verdict, _rule) = hits[0]
    assert (start, end) == (0, len(cell)), cell
    assert code >= 0 and verdicts[code] == verdict, cell


@pytest.mark.parametrize("length", sorted(vector.BULK_LENGTHS))
@pytest.mark.parametrize("rule", BULK_RULES, ids=lambda r: f"{r.entity}:{r.pattern.pattern[:12]}")
def test_bulk_check_matches_pattern_and_check(rule: Rule, length: int) -> None:
    assert rule.bulk is not None
    cells = _digit_cells(length * 31 + len(rule.pattern.pattern), length)
    d, pure = vector.digit_matrix(cells, length)
    assert pure.all()
    codes, verdicts = rule.bulk(d)
    assert codes.shape == (len(cells),)
    decided = [int(c) for c in codes]
    for cell, code in zip(cells, decided, strict=True):
        _expected(rule, cell, verdicts, code)


@pytest.mark.parametrize("rule", BULK_RULES, ids=lambda r: f"{r.entity}:{r.pattern.pattern[:12]}")
def test_generated_cells_reach_every_outcome(rule: Rule) -> None:
    """So the comparison above is not vacuous: some cells match and pass, some match and fail."""
    assert rule.bulk is not None
    seen: set[int] = set()
    for length in vector.BULK_LENGTHS:
        d, _pure = vector.digit_matrix(_digit_cells(length * 31 + len(rule.pattern.pattern), length), length)
        seen.update(rule.bulk(d)[0].tolist())
    assert vector.NO_MATCH in seen and max(seen) >= 0
    if rule.entity != "CN_MOBILE":  # every mobile-shaped number gets a verdict (known or unknown segment)
        assert vector.REJECTED in seen


@given(st.text(alphabet=USCC_ALPHABET + "abcxyz0IOSVZ中 ", min_size=18, max_size=18))
@settings(max_examples=300, deadline=None)
def test_whole_cell_check_matches_pattern_and_check_on_any_18_chars(cell: str) -> None:
    for rule in CELL_RULES:
        assert rule.whole_cells is not None
        _length, judge = rule.whole_cells
        codes, verdicts = judge([cell])
        _expected(rule, cell, verdicts, int(codes[0]))


def test_whole_cell_check_on_generated_codes() -> None:
    rng = random.Random(5)
    cells = [_uscc_like(rng) for _ in range(500)]
    cells += [c.lower() for c in cells[:100]]
    for rule in CELL_RULES:
        assert rule.whole_cells is not None
        _length, judge = rule.whole_cells
        codes, verdicts = judge(cells)
        for cell, code in zip(cells, codes.tolist(), strict=True):
            _expected(rule, cell, verdicts, code)
        assert {vector.REJECTED, 0, 1} <= set(codes.tolist())


def _mixed_column(rng: random.Random, n: int) -> list[str]:
    makers = [
        lambda: _resident_like(rng),
        lambda: _card_like(rng, rng.choice([15, 16, 18, 19])),
        lambda: _uscc_like(rng),
        lambda: rng.choice(["138", "199", "120"]) + _digits(rng, 8),
        lambda: "0086138" + _digits(rng, 8),
        lambda: _resident_like(rng)[:15] + "000",
        lambda: _digits(rng, rng.randrange(1, 22)),
        lambda: "ID" + _resident_like(rng),
        lambda: _resident_like(rng)[:17] + "X",
        lambda: "５２２６０１" + _resident_like(rng)[6:],
        lambda: rng.choice(["", "张三", "贵A12345", "a@b.cn", "10.1.2.3", "0855-8234567", "5.22601199001011E+17"]),
    ]
    chosen = rng.sample(makers, rng.randrange(1, 4))
    return [rng.choice(chosen)() for _ in range(n)]


@pytest.mark.parametrize("seed", range(12))
def test_columns_decide_the_same_with_and_without_the_bulk_step(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    cols = [_mixed_column(rng, rng.choice([1, 3, 40, 300])) for _ in range(12)]
    cols.append([_resident_like(rng) + "\n" + _resident_like(rng), *_mixed_column(rng, 20)])  # newline in a cell
    headers = ["", "身份证号", "订单编号", "银行卡号", "信用代码", "电话"]
    with_bulk = [(h, cell_hits(h, c), column_groups(h, c)) for c in cols for h in [rng.choice(headers)]]
    plain = tuple(dataclasses.replace(r, bulk=None, whole_cells=None) for r in TABLE_RULES)
    monkeypatch.setattr(columns, "TABLE_RULES", plain)
    for (header, hits, groups), col in zip(with_bulk, cols, strict=True):
        reference = cell_hits(header, col)
        assert hits == reference
        assert sorted(groups) == sorted(group_hits(reference))


@given(st.text(alphabet="0123456789 -()\n中a.Ｘ５?", max_size=80))
@settings(max_examples=400, deadline=None)
def test_profile_matches_the_regexes_it_replaces(text: str) -> None:
    prof = profile(text)
    if not re.search(r"[0-9]", text):
        assert (prof.run_lengths, prof.max_group_digits) == (frozenset(), 0)
        return
    assert prof.run_lengths == frozenset(map(len, _DIGIT_RUN.findall(text)))
    groups = _SEPARATED_GROUP.findall(text)
    assert prof.max_group_digits == max((sum(map(str.isdigit, g)) for g in groups), default=0)


def test_digit_matrix_marks_only_ascii_digit_cells() -> None:
    d, pure = vector.digit_matrix(["1234", "12a4", "１２３４", "12 4"], 4)
    assert pure.tolist() == [True, False, False, False]
    assert d[0].tolist() == [1, 2, 3, 4]
    assert np.issubdtype(d.dtype, np.integer)


def test_paused_gc_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError
    assert gc.isenabled()
