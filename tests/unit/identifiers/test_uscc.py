"""统一社会信用代码 (GB 32100-2015): check character, validator and generator."""

import numpy as np
import pytest

from sandbox.identifiers.checks import (
    USCC_ALPHABET,
    is_valid_org_code,
    is_valid_uscc,
    uscc_check_char,
)
from sandbox.identifiers.generate import usccs

from ._support import DRAWS, single_substitutions

SAMPLE = "91350100M000100Y43"


def _with_check(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def test_when_standard_sample_body_then_check_char_is_3() -> None:
    assert uscc_check_char(SAMPLE[:17]) == "3"


@pytest.mark.parametrize("body", ["91350100M000100Y", "91350100M000100Y4A", "91350100M000100I4", "91350100m000100Y4"])
def test_when_body_malformed_then_check_char_raises(body: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(body)


def test_when_standard_sample_then_valid() -> None:
    assert is_valid_uscc(SAMPLE)


@pytest.mark.parametrize(
    ("value", "situation"),
    [
        (SAMPLE[:17] + "4", "wrong final check"),
        (SAMPLE.lower(), "lowercase"),
        (_with_check("04350100M000100Y4"), "unknown authority 0"),
        (_with_check("94350100M000100Y4"), "entity type 4 not issued by authority 9"),
        (_with_check("Y2350100M000100Y4"), "authority Y only issues type 1"),
        (_with_check("91050100M000100Y4"), "region starting with 0"),
        (_with_check("913501A0M000100Y4"), "letter in region"),
        (_with_check("91350100M000100Y5"), "embedded organisation code check wrong"),
        ("91350100M000100Y4", "17 characters"),
        (SAMPLE + "0", "19 characters"),
        ("91350100M0001O0Y43", "letter O outside the alphabet"),
    ],
)
def test_when_uscc_breaks_a_rule_then_invalid(value: str, situation: str) -> None:
    assert not is_valid_uscc(value), situation


def test_when_any_single_character_is_substituted_then_invalid() -> None:
    accepted = [v for v in single_substitutions(SAMPLE, USCC_ALPHABET) if is_valid_uscc(v)]
    assert accepted == []


@pytest.mark.parametrize(("authority", "entity_type"), [("9", "1"), ("9", "2"), ("1", "2"), ("5", "1"), ("N", "2")])
def test_when_generated_then_every_code_validates_and_is_unique(
    rng: np.random.Generator, authority: str, entity_type: str
) -> None:
    codes = usccs(rng, DRAWS, authority, entity_type, "522601")
    assert codes.dtype == np.dtype("<U18")
    assert all(is_valid_uscc(c) for c in codes.tolist())
    assert all(c.startswith(authority + entity_type + "522601") for c in codes.tolist())
    assert np.unique(codes).size == DRAWS
    assert len({c[8:17] for c in codes.tolist()}) == DRAWS  # organisation codes are unique too


def test_when_market_entity_then_org_code_has_ma_form(rng: np.random.Generator) -> None:
    codes = usccs(rng, 200, "9", "1", "522601").tolist()
    assert all(c[8:10] == "MA" and is_valid_org_code(c[8:17]) for c in codes)


def test_when_regions_given_per_row_then_each_code_carries_its_region(rng: np.random.Generator) -> None:
    regions = np.array(["522601", "522622", "522636"] * 50)
    codes = usccs(rng, regions.size, "1", "2", regions)
    assert [c[2:8] for c in codes.tolist()] == regions.tolist()


@pytest.mark.parametrize(
    ("authority", "entity_type", "regions"),
    [
        ("9", "9", "522601"),  # 工商 has no "other" type
        ("X", "1", "522601"),
        ("9", "", "522601"),
        ("9", "12", "522601"),
        ("9", "1", "022601"),
        ("9", "1", "52260"),
        ("9", "1", np.array(["522601"])),  # one region per row, but n is 3
    ],
)
def test_when_generator_input_invalid_then_value_error(
    rng: np.random.Generator, authority: str, entity_type: str, regions: str | np.ndarray
) -> None:
    with pytest.raises(ValueError):
        usccs(rng, 3, authority, entity_type, regions)
