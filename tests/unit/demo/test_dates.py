"""The 2025 calendar and the visitor multipliers of design §5.2."""

from __future__ import annotations

import numpy as np

from sandbox.warehouse.demo import dates
from sandbox.warehouse.demo.places import SPOTS


def _day(iso: str) -> int:
    return int((np.datetime64(iso) - dates.START).astype(int))


def test_year_has_365_days_starting_on_a_wednesday() -> None:
    assert dates.N_DAYS == 365
    assert dates.day_of_week()[0] == 3


def test_2025_has_248_working_days_including_makeup_weekends() -> None:
    work = dates.is_workday()
    assert int(work.sum()) == 248
    assert work[_day("2025-01-26")] and work[_day("2025-09-28")]  # Sundays worked (调休)
    assert not work[_day("2025-10-08")] and not work[_day("2025-05-05")]


def test_lunar_new_year_and_mid_autumn_fall_on_their_2025_dates() -> None:
    month, day, leap = dates.lunar_dates()
    assert (month[_day("2025-01-29")], day[_day("2025-01-29")]) == (1, 1)
    assert (month[_day("2025-10-06")], day[_day("2025-10-06")]) == (8, 15)
    assert leap[_day("2025-08-01")] and not leap[_day("2025-07-01")]


def test_festival_names_mark_local_events() -> None:
    names = dates.festival_names()
    assert names[_day("2025-04-12")] == "姊妹节"
    assert "村超" in names[_day("2025-06-07")]  # a Saturday in May-Aug
    assert names[_day("2025-03-08")] == ""  # a Saturday outside the 村超 season


def test_national_day_beats_an_ordinary_day_but_never_exceeds_capacity() -> None:
    factors = dates.spot_day_factors(SPOTS)
    capacity = np.array([s.capacity for s in SPOTS])
    assert np.all(factors <= capacity[:, None])
    xijiang = 0
    assert factors[xijiang, _day("2025-10-03")] > 3 * factors[xijiang, _day("2025-03-11")]
    assert factors[xijiang, _day("2025-03-15")] > factors[xijiang, _day("2025-03-11")]  # weekend ×1.6


def test_winter_is_quieter_except_for_the_spring_festival() -> None:
    factors = dates.spot_day_factors(SPOTS)[0]
    assert factors[_day("2025-12-10")] < factors[_day("2025-03-12")]
    assert factors[_day("2025-01-30")] > factors[_day("2025-03-12")]
