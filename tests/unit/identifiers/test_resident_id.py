"""公民身份号码 (GB 11643-1999): check character, validator and generator."""

from datetime import date

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_resident_id, resident_id_check_char
from sandbox.identifiers.generate import resident_ids

from ._support import DRAWS, single_substitutions

COUNTIES = np.array(["522601", "522622", "522631", "522634", "522636"])


def _with_check(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("11010519491231002", "X"),  # GB 11643-1999 example, 北京市朝阳区
        ("44052418800101001", "4"),  # GB 11643-1999 example, 广东省汕头市潮阳县
        ("11010219840406970", "X"),
    ],
)
def test_when_standard_sample_body_then_published_check_char(body: str, expected: str) -> None:
    assert resident_id_check_char(body) == expected


@pytest.mark.parametrize("body", ["1101051949123100", "110105194912310021", "1101051949123100A", "１１010519491231002"])
def test_when_body_is_not_17_ascii_digits_then_check_char_raises(body: str) -> None:
    with pytest.raises(ValueError):
        resident_id_check_char(body)


@pytest.mark.parametrize(
    "value", ["11010519491231002X", _with_check("52260119850317001"), _with_check("52263420000229002")]
)
def test_when_well_formed_id_then_valid(value: str) -> None:
    assert is_valid_resident_id(value)


@pytest.mark.parametrize(
    ("value", "situation"),
    [
        ("11010519491231002x", "lowercase check x"),
        ("110105194912310021", "wrong check char"),
        ("440524188001010014", "correct check but born before 1900"),
        (_with_check("52260119490230001"), "30 February"),
        (_with_check("52260119000229001"), "29 February of a non-leap century year"),
        (_with_check("52260119851301001"), "month 13"),
        (_with_check("52260119850100001"), "day 00"),
        (_with_check("02260119850317001"), "region starting with 0"),
        ("11010519491231002", "17 characters"),
        ("11010519491231002X0", "19 characters"),
        (" 11010519491231002X", "leading space"),
        ("１１010519491231002X", "full-width digits"),
        ("", "empty"),
    ],
)
def test_when_id_breaks_a_rule_then_invalid(value: str, situation: str) -> None:
    assert not is_valid_resident_id(value), situation


def test_when_birth_date_is_after_today_then_invalid() -> None:
    today = date(2024, 6, 1)
    assert is_valid_resident_id(_with_check("52260120240601001"), today=today)
    assert not is_valid_resident_id(_with_check("52260120240602001"), today=today)


def test_when_any_single_character_is_substituted_then_invalid() -> None:
    accepted = [v for v in single_substitutions("11010519491231002X", "0123456789X") if is_valid_resident_id(v)]
    assert accepted == []


def _population(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    regions = COUNTIES[rng.integers(0, COUNTIES.size, n)]
    births = np.datetime64("1930-01-01") + rng.integers(0, 33_000, n).astype("timedelta64[D]")
    male = rng.random(n) < 0.5
    return regions, births, male


def test_when_generated_then_every_id_validates_and_embeds_its_inputs(rng: np.random.Generator) -> None:
    regions, births, male = _population(rng, DRAWS)
    ids = resident_ids(rng, regions, births, male)
    assert ids.dtype == np.dtype("<U18")
    assert all(is_valid_resident_id(v) for v in ids.tolist())
    assert ids.astype("<U6").tolist() == regions.tolist()
    assert [v[6:14] for v in ids.tolist()] == [str(d).replace("-", "") for d in births.tolist()]


def test_when_generated_then_sequence_parity_matches_sex(rng: np.random.Generator) -> None:
    regions, births, male = _population(rng, DRAWS)
    seq = np.array([int(v[14:17]) for v in resident_ids(rng, regions, births, male).tolist()])
    assert np.array_equal(seq % 2 == 1, male)
    assert seq.min() >= 1


def test_when_unique_then_all_ids_distinct_even_in_crowded_cells(rng: np.random.Generator) -> None:
    # 300 women and 300 men share one region and birth date, plus a sparse background population.
    regions, births, male = _population(rng, DRAWS)
    regions = np.concatenate([regions, np.full(600, "522601")])
    births = np.concatenate([births, np.full(600, np.datetime64("1985-03-17"))])
    male = np.concatenate([male, np.arange(600) < 300])
    ids = resident_ids(rng, regions, births, male)
    assert np.unique(ids).size == ids.size
    assert all(is_valid_resident_id(v) for v in ids.tolist())
    assert np.array_equal(np.array([int(v[16]) % 2 == 1 for v in ids.tolist()]), male)


@pytest.mark.parametrize(("is_male", "capacity"), [(True, 500), (False, 499)])
def test_when_cell_is_filled_to_capacity_then_every_sequence_used_once(
    rng: np.random.Generator, is_male: bool, capacity: int
) -> None:
    ids = resident_ids(
        rng,
        np.full(capacity, "522601"),
        np.full(capacity, np.datetime64("1990-01-01")),
        np.full(capacity, is_male),
    )
    seqs = sorted(int(v[14:17]) for v in ids.tolist())
    assert seqs == list(range(1 if is_male else 2, 1000, 2))


@pytest.mark.parametrize(("is_male", "too_many"), [(True, 501), (False, 500)])
def test_when_cell_exceeds_capacity_then_value_error(rng: np.random.Generator, is_male: bool, too_many: int) -> None:
    with pytest.raises(ValueError, match="distinct values"):
        resident_ids(
            rng,
            np.full(too_many, "522601"),
            np.full(too_many, np.datetime64("1990-01-01")),
            np.full(too_many, is_male),
        )


def test_when_not_unique_then_overfull_cells_are_allowed(rng: np.random.Generator) -> None:
    n = 600  # more men than the cell's 500 sequences: duplicates are unavoidable
    ids = resident_ids(
        rng, np.full(n, "522601"), np.full(n, np.datetime64("1990-01-01")), np.ones(n, bool), unique=False
    )
    assert np.unique(ids).size < n
    assert all(is_valid_resident_id(v) for v in ids.tolist())


def test_when_same_seed_then_same_ids() -> None:
    regions, births, male = _population(np.random.default_rng(1), 100)
    first = resident_ids(np.random.default_rng(7), regions, births, male)
    second = resident_ids(np.random.default_rng(7), regions, births, male)
    assert np.array_equal(first, second)


@pytest.mark.parametrize(
    ("region", "birth", "male", "situation"),
    [
        ("022601", "1990-01-01", True, "region starting with 0"),
        ("52260", "1990-01-01", True, "5-digit region"),
        ("5226011", "1990-01-01", True, "7-digit region"),
        ("52260A", "1990-01-01", True, "letter in region"),
        ("522601", "1899-12-31", True, "born before 1900"),
        ("522601", "2999-01-01", True, "born in the future"),
        ("522601", "NaT", True, "missing birth date"),
        ("522601", "1990-01-01", 1, "sex not boolean"),
    ],
)
def test_when_generator_input_is_invalid_then_value_error(
    rng: np.random.Generator, region: str, birth: str, male: object, situation: str
) -> None:
    with pytest.raises(ValueError):
        resident_ids(rng, np.array([region]), np.array([birth], "datetime64[D]"), np.array([male]))


def test_when_input_lengths_differ_then_value_error(rng: np.random.Generator) -> None:
    with pytest.raises(ValueError):
        resident_ids(rng, np.array(["522601", "522601"]), np.array(["1990-01-01"], "datetime64[D]"), np.array([True]))
