"""The 2025 calendar: statutory holidays, make-up workdays, lunar dates, local festivals, and the
daily visitor multipliers of design §5.2. Pure functions over fixed tables; no I/O.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sandbox.warehouse.demo.places import EVENT_SPOTS, Spot

YEAR = 2025
START = np.datetime64("2025-01-01", "D")
END = np.datetime64("2026-01-01", "D")
DAYS: npt.NDArray[np.datetime64] = np.arange(START, END)
N_DAYS = len(DAYS)  # 365
HOURS_PER_YEAR = N_DAYS * 24

# Statutory holidays of 2025 (State Council notice of Nov 2024) [K]: (name, first day, last day).
HOLIDAYS: tuple[tuple[str, str, str], ...] = (
    ("元旦", "2025-01-01", "2025-01-01"),
    ("春节", "2025-01-28", "2025-02-04"),
    ("清明节", "2025-04-04", "2025-04-06"),
    ("劳动节", "2025-05-01", "2025-05-05"),
    ("端午节", "2025-05-31", "2025-06-02"),
    ("国庆节、中秋节", "2025-10-01", "2025-10-08"),
)
MAKEUP_WORKDAYS = ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11")

# First Gregorian day of each lunar month that touches 2025 [K?: from the published almanac]:
# (first day, lunar month, leap). 2025 (乙巳) has a leap sixth month.
LUNAR_MONTH_STARTS: tuple[tuple[str, int, bool], ...] = (
    ("2024-12-31", 12, False),
    ("2025-01-29", 1, False),
    ("2025-02-28", 2, False),
    ("2025-03-29", 3, False),
    ("2025-04-28", 4, False),
    ("2025-05-27", 5, False),
    ("2025-06-25", 6, False),
    ("2025-07-25", 6, True),
    ("2025-08-23", 7, False),
    ("2025-09-22", 8, False),
    ("2025-10-21", 9, False),
    ("2025-11-20", 10, False),
    ("2025-12-20", 11, False),
)

# Local festivals [K?: dates vary by village and year; these are plausible 2025 placements]:
# (name, first day, last day, spot multipliers).
FESTIVALS: tuple[tuple[str, str, str, dict[str, float]], ...] = (
    ("姊妹节", "2025-04-12", "2025-04-14", {"S17": 3.0}),  # 施洞, lunar 3/15-3/17
    ("村BA", "2025-06-28", "2025-07-02", {"S17": 5.0}),  # 台盘 吃新节, around lunar 6/6
    ("苗年", "2025-11-20", "2025-11-24", {"S01": 2.5, "S11": 2.5, "S12": 2.5}),  # lunar 10th month
    ("侗年", "2025-12-20", "2025-12-22", {"S03": 2.0, "S15": 2.0, "S09": 1.5, "S10": 1.5}),
)
CUNCHAO = "村超"  # 榕江 village football league, every weekend May-Aug at S18
CUNCHAO_FACTOR = 5.0

HOLIDAY_FACTORS = {"元旦": 1.5, "春节": 2.5, "清明节": 1.8, "劳动节": 3.0, "端午节": 1.8, "国庆节、中秋节": 4.0}
WEEKEND_FACTOR = 1.6
SUMMER_FACTOR = 1.8  # July-August
WINTER_FACTOR = 0.6  # Dec-Feb outside the Spring Festival
RAIN_FACTOR = 0.7
BASE_SHARE = 0.10  # ordinary weekday visits as a share of capacity
EVENT_BASE_SHARE = 0.02  # event venues are quiet between events


def _day_index(iso: str) -> int:
    return int((np.datetime64(iso, "D") - START).astype(int))


def _span(first: str, last: str) -> slice:
    return slice(max(_day_index(first), 0), _day_index(last) + 1)


def day_of_week() -> npt.NDArray[np.int64]:
    """ISO day of week (1 Monday … 7 Sunday) of each day of the year."""
    return ((DAYS.astype(np.int64) + 3) % 7 + 1).astype(np.int64)  # 1970-01-01 was a Thursday


def months() -> npt.NDArray[np.int64]:
    """Month (1-12) of each day of the year."""
    return (DAYS.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int64)


def holiday_names() -> npt.NDArray[np.str_]:
    """Statutory holiday name per day ("" on other days)."""
    out = np.full(N_DAYS, "", dtype=object)
    for name, first, last in HOLIDAYS:
        out[_span(first, last)] = name
    return out.astype(str)


def is_workday() -> npt.NDArray[np.bool_]:
    """Working days: Mon-Fri outside holidays, plus the make-up Saturdays and Sundays (调休)."""
    work: npt.NDArray[np.bool_] = (day_of_week() <= 5) & (holiday_names() == "")
    for iso in MAKEUP_WORKDAYS:
        work[_day_index(iso)] = True
    return work


def lunar_dates() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Lunar month, lunar day and leap-month flag of each day of the year."""
    starts = np.array([np.datetime64(s, "D") for s, _, _ in LUNAR_MONTH_STARTS])
    idx = np.searchsorted(starts, DAYS, side="right") - 1
    month = np.array([m for _, m, _ in LUNAR_MONTH_STARTS])[idx]
    leap = np.array([lp for _, _, lp in LUNAR_MONTH_STARTS])[idx]
    day = (DAYS - starts[idx]).astype(np.int64) + 1
    return month.astype(np.int64), day, leap.astype(bool)


def cunchao_days() -> npt.NDArray[np.bool_]:
    """Weekends of May-August, when the 村超 matches draw crowds to S18."""
    m = months()
    return (day_of_week() >= 6) & (m >= 5) & (m <= 8)


def festival_names() -> npt.NDArray[np.str_]:
    """Local festival or event names per day, joined with 、 when they overlap."""
    out = np.full(N_DAYS, "", dtype=object)
    out[cunchao_days()] = CUNCHAO
    for name, first, last, _ in FESTIVALS:
        span = _span(first, last)
        out[span] = np.where(out[span] == "", name, out[span] + "、" + name)
    return out.astype(str)


def spot_day_factors(spots: tuple[Spot, ...]) -> npt.NDArray[np.float64]:
    """Expected visits per spot and day before weather, shape (n_spots, 365), capped at capacity."""
    dow, month, hol = day_of_week(), months(), holiday_names()
    common: npt.NDArray[np.float64] = np.where(dow >= 6, WEEKEND_FACTOR, 1.0)
    common = np.where((month == 7) | (month == 8), common * SUMMER_FACTOR, common)
    winter = ((month == 12) | (month <= 2)) & (hol != "春节")
    common = np.where(winter, common * WINTER_FACTOR, common)
    for name, boost in HOLIDAY_FACTORS.items():
        common = np.where(hol == name, boost, common)  # a holiday replaces the day-of-week factor
    cunchao = cunchao_days()
    out = np.empty((len(spots), N_DAYS))
    for i, spot in enumerate(spots):
        share = EVENT_BASE_SHARE if spot.spot_id in EVENT_SPOTS else BASE_SHARE
        factor: npt.NDArray[np.float64] = common.copy()
        if spot.spot_id == "S18":
            factor = np.where(cunchao, factor * CUNCHAO_FACTOR, factor)
        for _, first, last, boosts in FESTIVALS:
            if spot.spot_id in boosts:
                factor[_span(first, last)] *= boosts[spot.spot_id]
        out[i] = np.minimum(spot.capacity * share * factor, spot.capacity)
    return out


def weekday_weights(workday_weight: float = 1.0, offday_weight: float = 0.3) -> npt.NDArray[np.float64]:
    """Normalised day weights for office-hours events (counter withdrawals, registrations)."""
    w: npt.NDArray[np.float64] = np.where(is_workday(), workday_weight, offday_weight)
    out: npt.NDArray[np.float64] = w / w.sum()
    return out
