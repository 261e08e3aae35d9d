"""不动产单元号 (GB/T 37346 layout) and 不动产权证号: validators and generators."""

from datetime import date

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_property_cert_no, is_valid_unit_no
from sandbox.identifiers.generate import property_cert_nos, unit_numbers

from ._support import DRAWS

COUNTY_CODES = np.array(["522601", "522622", "522634"])
COUNTY_NAMES = np.array(["凯里市", "黄平县", "雷山县"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("522601001002GB00123F00010123", True),  # data design example
        ("522601001002JC00123F00010123", True),
        ("522601001002ZX00123F00010123", True),
        ("522601001002AB00123F00010123", False),  # ownership letter must be G, J or Z
        ("522601001002Gb00123F00010123", False),
        ("522601001002GB00123L00010123", False),  # only houses (F)
        ("022601001002GB00123F00010123", False),
        ("522601001002GB00123F0001012", False),
        ("522601001002GB00123F000101234", False),
    ],
)
def test_when_unit_no_checked_then_only_28_char_layout_passes(value: str, expected: bool) -> None:
    assert is_valid_unit_no(value) is expected


TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("黔(2024)凯里市不动产权第0012345号", True),  # data design example
        ("黔（2024）凯里市不动产权第0012345号", True),  # full-width pair from printed certificates
        ("黔(2015)雷山县不动产权第0000001号", True),
        ("黔(2014)凯里市不动产权第0012345号", False),  # before unified registration
        ("黔(2026)凯里市不动产权第0012345号", False),  # after TODAY
        ("黔(2024）凯里市不动产权第0012345号", False),  # mixed parentheses
        ("贵(2024)凯里市不动产权第0012345号", False),
        ("黔(2024)凯里不动产权第0012345号", False),  # county name without 市/县/区
        ("黔(2024)凯里市不动产权第012345号", False),
        ("黔(2024)凯里市不动产权第00123456号", False),
        ("黔(2024)凯里市不动产证明第0012345号", False),
    ],
)
def test_when_cert_no_checked_then_only_canonical_form_passes(value: str, expected: bool) -> None:
    assert is_valid_property_cert_no(value, today=TODAY) is expected


def test_when_unit_numbers_generated_then_valid_unique_and_in_county(rng: np.random.Generator) -> None:
    counties = COUNTY_CODES[rng.integers(0, COUNTY_CODES.size, DRAWS)]
    values = unit_numbers(rng, counties)
    assert values.dtype == np.dtype("<U28")
    assert all(is_valid_unit_no(v) for v in values.tolist())
    assert np.unique(values).size == DRAWS
    assert values.astype("<U6").tolist() == counties.tolist()
    assert {v[12:14] for v in values.tolist()} == {"GB", "JC"}


@pytest.mark.parametrize("counties", [np.array(["022601"]), np.array(["52260"]), np.array(["52260X"])])
def test_when_unit_county_invalid_then_value_error(rng: np.random.Generator, counties: np.ndarray) -> None:
    with pytest.raises(ValueError):
        unit_numbers(rng, counties)


def test_when_cert_nos_generated_then_valid_unique_and_carry_year_and_county(
    rng: np.random.Generator,
) -> None:
    years = rng.integers(2015, 2025, DRAWS)
    names = COUNTY_NAMES[rng.integers(0, COUNTY_NAMES.size, DRAWS)]
    values = property_cert_nos(rng, years, names).tolist()
    assert all(is_valid_property_cert_no(v) for v in values)
    assert len(set(values)) == DRAWS
    assert all(v.startswith(f"黔({y}){n}") for v, y, n in zip(values, years.tolist(), names.tolist(), strict=True))


@pytest.mark.parametrize(
    ("years", "names"),
    [
        (np.array([2014]), np.array(["凯里市"])),  # before unified registration
        (np.array([2999]), np.array(["凯里市"])),
        (np.array([2020]), np.array(["凯里"])),  # not ending in 市/县/区
        (np.array([2020]), np.array(["Kaili市"])),
        (np.array([2020, 2021]), np.array(["凯里市"])),
        (np.array(["2020"]), np.array(["凯里市"])),
    ],
)
def test_when_cert_input_invalid_then_value_error(
    rng: np.random.Generator, years: np.ndarray, names: np.ndarray
) -> None:
    with pytest.raises(ValueError):
        property_cert_nos(rng, years, names)
