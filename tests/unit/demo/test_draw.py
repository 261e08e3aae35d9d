"""Vectorised sampling helpers."""

from __future__ import annotations

import numpy as np

from sandbox.warehouse.demo import draw
from sandbox.warehouse.demo.population import age_years


def test_seq_ids_are_zero_padded_and_offset() -> None:
    assert draw.seq_ids("WD", 3, 4, start=9).tolist() == ["WD0009", "WD0010", "WD0011"]


def test_dedupe_suffixes_repeats_in_order() -> None:
    out = draw.dedupe(np.array(["鸭塘", "开怀", "鸭塘", "鸭塘"]))
    assert out.tolist() == ["鸭塘", "开怀", "鸭塘二", "鸭塘三"]


def test_lookup_maps_every_key() -> None:
    assert draw.lookup({"a": "x", "b": "y"}, np.array(["b", "a", "b"])).tolist() == ["y", "x", "y"]


def test_yyyymm_and_at_seconds() -> None:
    day = np.array(["2025-03-31"], dtype="datetime64[D]")
    assert draw.yyyymm(day).tolist() == ["202503"]
    assert str(draw.at_seconds(day, [3_661])[0]) == "2025-03-31T01:01:01"


def test_hex_tokens_are_distinct() -> None:
    tokens = draw.hex_tokens(np.random.default_rng(1), "QR", 5_000)
    assert np.unique(tokens).size == 5_000 and all(len(t) == 18 for t in tokens[:5])


def test_person_names_use_local_surnames() -> None:
    names = draw.person_names(np.random.default_rng(2), np.array([True, False] * 500))
    assert all(2 <= len(n) <= 3 for n in names)
    assert {n[0] for n in names} <= set("杨吴潘龙石王张李刘陈欧姜邰顾罗韦黄蒋胡田")


def test_age_counts_completed_years() -> None:
    births = np.array(["1990-07-01", "1990-06-30", "2000-01-01"], dtype="datetime64[D]")
    assert age_years(births, np.datetime64("2025-06-30")).tolist() == [34, 35, 25]


def test_lognormal_clipped_respects_bounds_and_median() -> None:
    x = draw.lognormal_clipped(np.random.default_rng(3), 5_500, 0.4, 1_900, 25_000, 20_000)
    assert x.min() >= 1_900 and x.max() <= 25_000
    assert 5_200 < np.median(x) < 5_800
